"""Shared personas: a small organisation imported through the real directory import."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from dissent.audit import triggers
from dissent.audit.models import AuditEvent, ChainHead
from dissent.channel.models import ChannelSettings
from dissent.people import services
from dissent.people.models import Unit, User

UNITS = """code,name,parent_code,kind
ORG,Example Organisation,,organisation
MIN,Ministry,ORG,agency
AID,Aid Agency,ORG,agency
PPS,Policy Planning,MIN,office
NOR,Northern Bureau,MIN,bureau
WAT,Water Bureau,AID,bureau
"""

PEOPLE = """email,name,units,roles,eligible,language
drafter@example.org,Dana Drafter,NOR,staff,true,en
cosigner@example.org,Cole Cosigner,WAT,staff,true,zh-hans
outsider@example.org,Otto Outsider,NOR,staff,false,en
office@example.org,Olga Office,PPS,staff;office,true,en
office.head@example.org,Omar Head,PPS,staff;office;office_head,true,en
leader@example.org,Lena Leader,MIN,staff;leadership;head,true,en
aid.head@example.org,Ari Head,AID,staff;head,true,en
auditor@example.org,Aude Auditor,ORG,staff;auditor,true,en
admin@example.org,Adam Admin,ORG,staff;admin,true,en
"""

PASSWORD = "correct horse battery staple"
# Every persona whose role requires two factors has this authenticator-app secret (base32).
TOTP_SECRET = "DISSENTCHANNELTESTSECRETAAAAAAAA"


@dataclass
class Personas:
    drafter: User
    cosigner: User
    outsider: User
    office: User
    office_head: User
    leader: User
    agency_head: User
    auditor: User
    admin: User


@pytest.fixture
def org(db: None) -> Personas:
    services.import_units(data=UNITS.encode())
    services.import_people(data=PEOPLE.encode())
    config = ChannelSettings.current()
    config.receiving_office = Unit.objects.get(code="PPS")
    config.save()
    people = {u.email.split("@")[0]: u for u in User.objects.all()}
    for user in people.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    for email in ("office", "office.head", "leader", "auditor", "admin"):
        TOTP.activate(people[email], TOTP_SECRET)
    return Personas(
        drafter=people["drafter"],
        cosigner=people["cosigner"],
        outsider=people["outsider"],
        office=people["office"],
        office_head=people["office.head"],
        leader=people["leader"],
        agency_head=people["aid.head"],
        auditor=people["auditor"],
        admin=people["admin"],
    )


@pytest.fixture(autouse=True)
def tasks_run_at_once() -> Iterator[None]:
    """Background tasks run in the test's own process and transaction."""
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Argon2 is slow on purpose; tests only need hashing to work, not to resist attack."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Login throttling and used TOTP codes live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str = TOTP_SECRET) -> str:
    """What the person's authenticator app shows now: RFC 6238, SHA-1, 30 s steps, 6 digits."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@pytest.fixture(autouse=True)
def erase_committed_audit_trail(request: pytest.FixtureRequest) -> Iterator[None]:
    """A transactional test commits audit events, and the audit tables refuse the DELETE and
    TRUNCATE of the flush that follows it (dissent.audit.triggers): erase them first."""
    marker = request.node.get_closest_marker("django_db")
    by_marker = marker is not None and bool(marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    elif not by_marker:
        yield
        return
    yield
    with transaction.atomic():
        triggers.remove(connection)
        AuditEvent.objects.all().delete()
        ChainHead.objects.all().delete()
        triggers.install(connection)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_for(user: User) -> str:
    return services.create_tokens(emails=[user.email])[0][1]


def queries_for(action: Callable[[], object]) -> int:
    """How many queries ``action`` runs: lists must cost the same for few or many rows."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def stop_process_group(proc: subprocess.Popen[bytes], *, timeout: float) -> None:
    """SIGTERM a server started with ``start_new_session`` and wait for it. One that does not stop
    in time is killed, so that a failing test leaves no server running, and the test fails."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError(f"the process group did not stop within {timeout} s of SIGTERM") from None


@pytest.fixture
def scratch_database_url() -> Iterator[str | None]:
    """For tests that run the real commands in subprocesses: None on SQLite (a fresh data dir
    holds the database); on PostgreSQL a fresh database beside the suite's, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield None
        return
    import psycopg

    admin_url = os.environ["DATABASE_URL"]
    name = f"dissent_scratch_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def process_environment(home: Path, database_url: str | None) -> dict[str, str]:
    """The environment of a ``dissent`` subprocess on its own data dir and database: none of
    the suite's keys or settings that would point it elsewhere or run its tasks inline."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DISSENT_KEK", "DISSENT_KEK_NEXT", "DISSENT_TASKS_IMMEDIATE"}
    }
    return kept | {"DISSENT_HOME": str(home)} | ({"DATABASE_URL": database_url} if database_url else {})


def start_in_own_group(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """``python -m dissent.cli args`` from the repository's root in ``env``, in a process group of
    its own, so that ``stop_process_group`` (or SIGKILL to the group) reaches every child."""
    return subprocess.Popen(
        [sys.executable, "-m", "dissent.cli", *args],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run_module(
    env: dict[str, str], module: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` from the repository's root in ``env``, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pytest_report_header() -> str:
    """Say at the top of every run whether the browser tests (tests/browser/) run, and why not."""
    if not Path("/usr/bin/chromium").exists():
        return (
            "browser tests: SKIPPED, Debian's chromium is not at /usr/bin/chromium "
            "(apt-get install -y chromium fonts-noto-cjk; .ci/run does this)"
        )
    if os.environ.get("DATABASE_URL"):
        return (
            "browser tests: not in this run (they serve their own SQLite data dir; the SQLite run has them)"
        )
    return "browser tests: run in Debian's /usr/bin/chromium"
