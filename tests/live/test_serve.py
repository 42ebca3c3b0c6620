"""``dissent serve`` answers pages and the API as before, and keeps a listening session's stream open."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

from tests.conftest import process_environment, run_module, start_in_own_group, stop_process_group
from tests.test_cli import free_port


def api(port: int, method: str, path: str, token: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}
    )
    return json.loads(urllib.request.urlopen(request, timeout=10).read())  # noqa: S310 - http on loopback


def read_until(stream: socket.socket, marker: bytes, received: bytes = b"") -> bytes:
    while marker not in received:
        chunk = stream.recv(65536)
        assert chunk, f"the stream closed before {marker!r}: {received!r}"
        received += chunk
    return received


def test_pages_the_api_and_a_live_stream_share_the_port(
    tmp_path: Path, scratch_database_url: str | None
) -> None:
    env = process_environment(tmp_path, scratch_database_url)
    port = free_port()
    proc = start_in_own_group(env, "serve", "--port", str(port), "--workers", "1")
    try:
        page = b""
        for _ in range(120):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        assert b'name="login"' in page
        made = run_module(env, "tests.live.world")
        assert made.returncode == 0, made.stderr
        world = json.loads(made.stdout)
        assert api(port, "GET", f"/sessions/{world['session']}", world["token"])["title"] == "Town hall"

        with socket.create_connection(("127.0.0.1", port), timeout=10) as stream:
            stream.sendall(
                f"GET /api/v1/sessions/{world['session']}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {world['token']}\r\n\r\n".encode()
            )
            first = read_until(stream, b"\n\n", read_until(stream, b"\nid: "))
            assert first.startswith(b"HTTP/1.1 200")
            assert b'"votes":0' in first
            vote = f"/sessions/{world['session']}/questions/{world['question']}/votes"
            assert api(port, "POST", vote, world["token"])["votes"] == 1
            assert b'"votes":1' in read_until(stream, b'"votes":1')
    finally:
        stop_process_group(proc, timeout=30)
