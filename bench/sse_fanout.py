"""A listening session followed by 5,000 Server-Sent Event clients while people vote at 200/s.

Against a real ``dissent serve`` (its default workers) on loopback: CLIENTS connections
follow one session's stream (one asyncio process, raw sockets, the page's signed token),
then VOTES_PER_SECOND votes go through the JSON API for SECONDS. Measured: for each vote
and each of a sample of clients, the time from the vote's 2xx to the first snapshot at
that client whose count for the question is at least the count the vote answered with
(p50/p95/p99; a snapshot that arrives before the 2xx counts as 0); the server's CPU per
delivered snapshot; and its memory per open stream.

Floor, in the same run: a trivial asyncio server that only writes pre-rendered bytes of
the same size, as often as the real server sent snapshots, to the same number of clients:
its CPU per delivered snapshot and memory per connection. Target: p95 under 1 s.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from bisect import bisect_left
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from bench.sign_http import cpu_seconds, free_port, server_processes, start_server, stop_server
from bench.sign_service import organisation
from bench.sse_voter import cast_votes
from dissent.forums import feed, services
from dissent.forums.models import Question
from dissent.people.models import RoleAssignment
from dissent.people.roles import Role
from dissent.people.services import create_tokens

CLIENTS = int(os.environ.get("BENCH_SSE_CLIENTS", "5000"))
VOTES_PER_SECOND = 200
SECONDS = 20
SETTLE_SECONDS = 3.0  # after the last vote, for the last snapshots to arrive
VOTE_CONNECTIONS = 32  # enough that 200/s keep their pace while each vote takes up to 160 ms
QUESTIONS = 10
CONNECT_BATCH = 250  # clients connecting at once (the listen queue is granian's 1,024)
SAMPLED_CLIENTS = 500  # clients whose every snapshot is matched against every vote
TARGET_P95_SECONDS = 1.0
DIRECT = os.environ.get("BENCH_SSE_DIRECT") == "1"
P = TypeVar("P", bound="Client")
ID_LINE = re.compile(rb"\nid: ([0-9a-f]+)\n")


class Client(asyncio.Protocol):
    """A raw-socket client: sends its request on connect and keeps the answer's status."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.status = 0

    def connection_made(self, transport: Any) -> None:
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.status = self.status or int(data[9:12])


class Follower(Client):
    """One SSE client: records when each snapshot version arrived; keeps each version's bytes once."""

    def __init__(self, request: bytes, versions: dict[str, bytes]) -> None:
        super().__init__(request)
        self.versions = versions
        self.arrivals: list[tuple[float, str]] = []
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        super().data_received(data)
        self.buffer += data
        start = 0
        for match in ID_LINE.finditer(self.buffer):
            version = match.group(1).decode()
            self.arrivals.append((now, version))
            if version not in self.versions:
                self.versions[version] = self.buffer[start : match.end()]
            start = match.end()
        self.buffer = self.buffer[start:]


class Counter(Client):
    """A floor client: counts the bytes it receives."""

    def __init__(self, request: bytes) -> None:
        super().__init__(request)
        self.received = 0

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self.received += len(data)


@dataclass
class Votes:
    """Each vote's question, the count it answered with, and when its 2xx arrived."""

    done: list[tuple[float, str, int]] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


async def connect_all(port: int, path: str, client: Callable[[bytes], P]) -> list[tuple[Any, P]]:
    """CLIENTS connections asking for ``path``, in batches, waited for until each has its answer."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    loop = asyncio.get_running_loop()
    clients: list[tuple[Any, P]] = []
    for first in range(0, CLIENTS, CONNECT_BATCH):
        batch = range(first, min(CLIENTS, first + CONNECT_BATCH))
        clients += await asyncio.gather(
            *(loop.create_connection(lambda: client(request), "127.0.0.1", port) for _ in batch)
        )
    while sum(1 for _t, c in clients if c.status) < len(clients):
        await asyncio.sleep(0.1)
    return clients


async def vote_connection(port: int, schedule: list[tuple[float, str, str, str]], votes: Votes) -> None:
    """One keep-alive connection sending its share of the votes, each at its time."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for due, path, token, question in schedule:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: 0\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next(int(h.split(":", 1)[1]) for h in lines if h.lower().startswith("content-length:"))
            body = await reader.readexactly(length)
            status = int(lines[0].split()[1])
            votes.statuses[status] = votes.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                votes.done.append((time.monotonic(), question, vote_count(body)))
    finally:
        writer.close()


def vote_count(body: bytes) -> int:
    """The question's vote count the vote answered with."""
    return int(json.loads(body)["votes"])


def snapshot_counts(snapshot: bytes) -> dict[str, int]:
    """Each question's vote count as a snapshot's ``questions`` event (JSON) shows it."""
    found = QUESTIONS_EVENT.search(snapshot)
    if found is None:
        return {}
    return {str(q["id"]): int(q["votes"]) for q in json.loads(found.group(1))["questions"]}


QUESTIONS_EVENT = re.compile(rb"event: questions\ndata: (.*)\n")


def listening_session(votes: int) -> tuple[str, list[tuple[str, str, str]]]:
    """A session open now for all staff with QUESTIONS questions, its stream's path with the
    page's token, and ``votes`` ballots (vote path, voter's API token, question), each voter
    voting once on each question, the questions in turn."""
    HUEY.immediate = True  # the session's notifications are sent now, not inside the measurement
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organiser, people, _units = organisation(QUESTIONS + votes // QUESTIONS, "sse")
    RoleAssignment.objects.create(user=organiser, role=Role.OFFICE)
    askers, voters = people[:QUESTIONS], people[QUESTIONS:]
    now = timezone.now()
    session = services.schedule_session(
        actor=organiser,
        title="Bench town hall",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=2),
    )
    sid = session.public_id
    questions = [
        services.ask(actor=asker, session_id=sid, body=f"Question {n}?", anonymous=False).question.pk
        for n, asker in enumerate(askers)
    ]
    tokens = [token for _email, token in create_tokens(emails=[v.email for v in voters])]
    ballots = []
    for i in range(votes):
        voter, turn = i % len(voters), i // len(voters)
        question = str(questions[(turn + voter) % QUESTIONS])
        ballots.append((f"/api/v1/sessions/{sid}/questions/{question}/votes", tokens[voter], question))
    token = feed.issue_token(feed.Follower(session_id=sid, view="staff.en"))
    return f"/api/v1/sessions/{sid}/events?token={token}", ballots


async def run_votes(port: int, ballots: list[tuple[str, str, str]]) -> Votes:
    votes = Votes()
    start = time.monotonic() + 0.5
    schedule = [(start + i / VOTES_PER_SECOND, *ballot) for i, ballot in enumerate(ballots)]
    await asyncio.gather(
        *(vote_connection(port, schedule[i::VOTE_CONNECTIONS], votes) for i in range(VOTE_CONNECTIONS))
    )
    return votes


async def run_direct_votes(ballots: list[tuple[str, str, str]]) -> Votes:
    """The same ballots as counts added straight in the database, each followed by a publish
    (``BENCH_SSE_DIRECT=1``): the live path's own cost, without the vote API's. Without
    REDIS_URL the publish does not leave this process and the server's re-read finds the change."""
    votes = Votes()
    loop = asyncio.get_running_loop()
    database = ThreadPoolExecutor(1)
    start = time.monotonic() + 0.5
    for i, (_path, _token, question) in enumerate(ballots):
        await asyncio.sleep(max(0.0, start + i / VOTES_PER_SECOND - time.monotonic()))
        count = await loop.run_in_executor(database, add_vote, question)
        votes.done.append((time.monotonic(), question, count))
        votes.statuses[201] = votes.statuses.get(201, 0) + 1
    database.shutdown()
    return votes


def add_vote(question: str) -> int:
    with transaction.atomic():
        Question.objects.filter(pk=question).update(votes=F("votes") + 1)
        count = Question.objects.filter(pk=question).values_list("votes", flat=True).get()
        session_id = Question.objects.filter(pk=question).values_list("session__public_id", flat=True).get()
    feed.changed(session_id)
    return int(count)


async def votes_from_own_process(port: int, ballots: list[tuple[str, str, str]]) -> Votes:
    """The votes, cast by a process of their own: this one is busy reading 5,000 streams, and
    would not keep their pace (the clock is the machine's, the same in both)."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe()
    voter = context.Process(target=cast_votes, args=(theirs, port, ballots, DIRECT))
    voter.start()
    theirs.close()
    votes: Votes = await asyncio.get_running_loop().run_in_executor(None, mine.recv)
    voter.join()
    return votes


def latencies(clients: list[Follower], versions: dict[str, bytes], votes: Votes) -> list[float]:
    """Per vote and sampled client: seconds from the 2xx to the first snapshot reflecting it."""
    counts = {version: snapshot_counts(data) for version, data in versions.items()}
    found: list[float] = []
    for client in random.Random(1).sample(clients, min(SAMPLED_CLIENTS, len(clients))):
        by_question: dict[str, tuple[list[int], list[float]]] = {}
        for arrived, version in client.arrivals:
            for question, count in counts[version].items():
                seen, times = by_question.setdefault(question, ([], []))
                if not seen or count > seen[-1]:
                    seen.append(count)
                    times.append(arrived)
        for done, question, count in votes.done:
            seen, times = by_question.get(question, ([], []))
            at = bisect_left(seen, count)
            found.append(max(0.0, times[at] - done) if at < len(seen) else float("inf"))
    return found


def rss_bytes(pids: list[str]) -> int:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024  # type: ignore[union-attr]
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def follow_and_vote(port: int, path: str, ballots: list[tuple[str, str, str]], pids: list[str]) -> dict:
    versions: dict[str, bytes] = {}
    idle_rss = rss_bytes(pids)
    clients = await connect_all(port, path, lambda request: Follower(request, versions))
    await asyncio.sleep(2)
    connected_rss = rss_bytes(pids)
    before_cpu, before_events = cpu_seconds(pids), sum(len(c.arrivals) for _t, c in clients)
    started = time.monotonic()
    votes = await votes_from_own_process(port, ballots)
    voting = votes.done[-1][0] - votes.done[0][0] if len(votes.done) > 1 else 1.0
    await asyncio.sleep(SETTLE_SECONDS)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(pids) - before_cpu
    events = sum(len(c.arrivals) for _t, c in clients) - before_events
    statuses = [c.status for _t, c in clients]
    for transport, _c in clients:
        transport.close()
    found = latencies([c for _t, c in clients], versions, votes)
    return {
        "clients_connected": statuses.count(200),
        "client_statuses": sorted(set(statuses)),
        "votes": len(votes.done),
        "vote_statuses": votes.statuses,
        "votes_per_second": round(len(votes.done) / voting, 1),
        "server_cpu_ms_per_vote_and_its_deliveries": round(1e3 * cpu / max(1, len(votes.done)), 2),
        "snapshots_delivered": events,
        "snapshots_per_client_per_second": round(events / max(1, len(clients)) / elapsed, 2),
        "latency_seconds": {
            "p50": round(percentile(found, 0.50), 3),
            "p95": round(percentile(found, 0.95), 3),
            "p99": round(percentile(found, 0.99), 3),
            "never": sum(1 for f in found if f == float("inf")),
        },
        "server_cpu_seconds": round(cpu, 2),
        "server_cpu_us_per_snapshot": round(1e6 * cpu / max(1, events), 2),
        "server_rss_idle_mb": round(idle_rss / 1e6, 1),
        "server_rss_per_stream_kb": round((connected_rss - idle_rss) / len(clients) / 1e3, 1),
        "snapshot_bytes": round(statistics.mean(len(v) for v in versions.values())) if versions else 0,
    }


async def floor_measure(port: int, pid: str, seconds: float) -> dict[str, float]:
    idle_rss = rss_bytes([pid])
    clients = await connect_all(port, "/", Counter)
    await asyncio.sleep(2)
    connected_rss = rss_bytes([pid])
    before_cpu, before = cpu_seconds([pid]), sum(c.received for _t, c in clients)
    await asyncio.sleep(seconds)
    cpu = cpu_seconds([pid]) - before_cpu
    received = sum(c.received for _t, c in clients) - before
    for transport, _c in clients:
        transport.close()
    return {"cpu": cpu, "bytes": received, "rss_per_stream": (connected_rss - idle_rss) / len(clients)}


def floor(size: int, interval: float, seconds: float) -> dict[str, Any]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.sse_floor", str(port), str(size), str(interval)],
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        time.sleep(1)
        got = asyncio.run(floor_measure(port, str(proc.pid), seconds))
    finally:
        proc.terminate()
        proc.wait()
    events = got["bytes"] / max(4, size)
    return {
        "floor_cpu_us_per_snapshot": round(1e6 * got["cpu"] / max(1, events), 2),
        "floor_rss_per_stream_kb": round(got["rss_per_stream"] / 1e3, 1),
        "floor_snapshots_delivered": round(events),
    }


def raise_open_files_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run() -> dict[str, Any]:
    raise_open_files_limit()
    path, ballots = listening_session(VOTES_PER_SECOND * SECONDS)
    port = free_port()
    proc = start_server(port)
    try:
        pids = server_processes(proc.pid)
        result = asyncio.run(follow_and_vote(port, path, ballots, pids))
    finally:
        stop_server(proc)
    per_client = result["snapshots_per_client_per_second"]
    low = floor(result["snapshot_bytes"], 1 / max(per_client, 0.1), SECONDS)
    return {
        "votes_through": "the database and a publish" if DIRECT else "the JSON API",
        "redis": bool(settings.REDIS_URL),
        "clients": CLIENTS,
        "seconds": SECONDS,
        **result,
        **low,
        "ratio_cpu_to_floor": round(
            result["server_cpu_us_per_snapshot"] / low["floor_cpu_us_per_snapshot"], 1
        ),
        "ratio_rss_to_floor": round(
            result["server_rss_per_stream_kb"] / max(0.1, low["floor_rss_per_stream_kb"]), 1
        ),
        "target_p95_seconds": TARGET_P95_SECONDS,
        "meets_target": result["latency_seconds"]["p95"] < TARGET_P95_SECONDS,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
