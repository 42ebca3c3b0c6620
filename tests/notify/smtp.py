"""A small mail server on 127.0.0.1 for tests: it records what it accepts, or fails as told.

``answer`` says how it behaves for the next connection: ``"accept"``; ``"busy"`` (421 at the
greeting, a server that takes no mail now); ``"greylist"`` (451 to every recipient, a
temporary refusal of each message).
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    recipients: list[str]
    data: bytes


@dataclass
class FakeSmtp:
    answer: str = "accept"
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(address for message in self.received for address in message.recipients)


class Handler(socketserver.StreamRequestHandler):
    server: Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        smtp = self.server.smtp
        answer = smtp.answer
        if answer == "busy":
            self.reply("421 4.3.2 Service not available, try again later")
            return
        self.reply("220 fake.example ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "QUIT":
                self.reply("221 Bye")
                return
            if verb == "RCPT":
                if answer == "greylist":
                    self.reply("451 4.7.1 Greylisted, try again later")
                    continue
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (part := self.rfile.readline()) not in {b".\r\n", b""}:
                    data += part
                with smtp.lock:
                    smtp.received.append(Received(recipients, data))
                recipients = []
                self.reply("250 Queued")
            elif verb in {"EHLO", "HELO", "MAIL", "RSET", "NOOP"}:
                if verb == "RSET":
                    recipients = []
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, smtp: FakeSmtp) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.smtp = smtp

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def start(smtp: FakeSmtp) -> Server:
    server = Server(smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
