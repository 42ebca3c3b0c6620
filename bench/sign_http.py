"""Signing over HTTP against a real ``dissent serve`` (granian, its default workers) on loopback.

N signers, each with a personal token, POST /api/v1/memos/{id}/signatures at once from a
small asyncio client holding keep-alive connections; the same people sign ROUNDS memos in
turn, one round each, against one server. Reported as signatures/s (median and range of
the rounds: the machine is shared, single runs swing by a quarter) and as a ratio to the
floor measured in the same run on the same database (one Ed25519 verify + one single-row
insert commit). Also the CPU per signature of the web workers and, when PostgreSQL runs on
this machine, of its processes. Target: at least 500 signatures/s.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.db import connection

from bench.sign_service import floor_per_second, open_memo, organisation
from dissent.cli.serving import DEFAULT_WORKERS
from dissent.people.services import create_tokens
from dissent.signing.models import Signature

SIGNERS = 3_000
ROUNDS = 3
CONNECTIONS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", DEFAULT_WORKERS))  # dissent serve's default unless set
TIME_LIMIT = 120.0
TARGET = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    """``dissent serve`` on the benchmark's own data dir and database, waited for until it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dissent.cli", "serve", "--port", str(port), "--workers", str(WORKERS)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.25)
    stop_server(proc)
    raise RuntimeError("dissent serve did not answer within 60 s")


def cpu_seconds(pids: list[str]) -> float:
    """User + system CPU of the given processes, from /proc (those that exited count nothing)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_processes(root: int) -> list[str]:
    """``dissent serve`` and its children: the web workers (and the idle task worker)."""
    children = subprocess.run(["pgrep", "-P", str(root)], capture_output=True, text=True).stdout
    return [str(root), *children.split()]


def database_processes() -> list[str]:
    """PostgreSQL's processes when it runs on this machine as user postgres; none for SQLite."""
    if connection.vendor != "postgresql":
        return []
    return subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True).stdout.split()


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


async def signer_connection(
    port: int, request: tuple[str, str, bytes], tokens: list[str], statuses: list[int], deadline: float
) -> None:
    """One keep-alive connection signing for each of its tokens in turn."""
    method, path, body = request
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for token in tokens:
            if time.monotonic() > deadline:
                return
            writer.write(
                (
                    f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next(int(h.split(":", 1)[1]) for h in lines if h.lower().startswith("content-length:"))
            await reader.readexactly(length)
            statuses.append(int(lines[0].split()[1]))
    finally:
        writer.close()
        await writer.wait_closed()


async def fire(port: int, request: tuple[str, str, bytes], tokens: list[str]) -> tuple[list[int], float]:
    statuses: list[int] = []
    deadline = time.monotonic() + TIME_LIMIT
    start = time.perf_counter()
    await asyncio.gather(
        *(
            signer_connection(port, request, tokens[i::CONNECTIONS], statuses, deadline)
            for i in range(CONNECTIONS)
        )
    )
    return statuses, time.perf_counter() - start


def run() -> dict[str, Any]:
    floor = floor_per_second()
    drafter, people, units = organisation(SIGNERS, "http")
    memos = [open_memo(drafter, units) for _round in range(ROUNDS)]
    tokens = [token for _email, token in create_tokens(emails=[p.email for p in people])]
    port = free_port()
    proc = start_server(port)
    rates, server_cpu, database_cpu, answered, statuses = [], 0.0, 0.0, 0, set()
    try:
        asyncio.run(fire(port, ("GET", "/api/v1/me", b""), tokens[: CONNECTIONS * 4]))  # warm the workers
        server, database = server_processes(proc.pid), database_processes()
        for memo in memos:
            path = f"/api/v1/memos/{memo.public_id}/signatures"
            body = json.dumps({"version_sha256": memo.current_version.sha256}).encode()  # type: ignore[union-attr]
            before = cpu_seconds(server), cpu_seconds(database)
            got, elapsed = asyncio.run(fire(port, ("POST", path, body), tokens))
            server_cpu += cpu_seconds(server) - before[0]
            database_cpu += cpu_seconds(database) - before[1]
            answered += len(got)
            statuses |= set(got)
            rates.append(got.count(201) / elapsed)
            assert Signature.objects.filter(memo=memo).count() == got.count(201)
    finally:
        stop_server(proc)
    median = statistics.median(rates)
    return {
        "signers": SIGNERS,
        "rounds": ROUNDS,
        "connections": CONNECTIONS,
        "server": f"dissent serve --workers {WORKERS} (granian)",
        "floor_per_second": round(floor),
        "http_signatures_per_second": round(median),
        "range_per_second": [round(min(rates)), round(max(rates))],
        "rounds_per_second": [round(r) for r in rates],
        "ratio_to_floor": round(median / floor, 3),
        "server_cpu_ms_per_signature": round(1000 * server_cpu / max(1, answered), 2),
        "database_cpu_ms_per_signature": round(1000 * database_cpu / max(1, answered), 2)
        if database
        else None,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "other_statuses": sorted(statuses - {201}),
        "target_per_second": TARGET,
        "meets_target": median >= TARGET,
    }
