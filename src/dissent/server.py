"""Running the service: migrations on start, the web server, and the task worker beside it."""

from __future__ import annotations

import logging
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor

log = logging.getLogger(__name__)


def migrate_if_needed() -> None:
    """Apply pending migrations; cheap when there are none, so every command may call it."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def seal_what_workers_left() -> None:
    """Seal the audit events web workers committed but had not sealed when they stopped.

    Workers seal in batches from a thread (``audit/sealer.py``), and the server stops its
    workers without their exit handlers, so a stop between a commit and its seal would
    leave events for the next writer or check to seal. Run when the server stops, and
    when it starts (after a crash).
    """
    from dissent.audit.services import seal_pending

    try:
        seal_pending()
    except DatabaseError:
        log.exception("could not seal the last audit events; the next writer or check will")


# One thread per worker process, with one persistent database connection: more threads
# only contended for the GIL and the database's write lock (docs/benchmarks.md).
THREADS_PER_WORKER = 1
# A stopping server gives each web worker this long to finish its requests, then kills it:
# granian otherwise waits for a worker without limit, and a test once saw a stop hang.
WORKER_STOP_SECONDS = 10
# Page and API requests one worker accepts beside its open streams; they queue for its thread.
PAGE_REQUESTS_QUEUED = 512


def open_files_limit() -> int:
    """Raise this process's limit on open files to the most allowed: every live stream is a
    socket, and the web workers inherit the limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def keep_session_keys() -> None:
    """Hold the listening sessions' pseudonym keys in this process, for every worker to ask.

    Without Redis, the web workers and the task worker are separate processes that must agree
    on each session's key (``forums/keys.py``); they inherit the socket's path.
    """
    from django.conf import settings

    from dissent.forums.keys import SOCKET_ENV, KeyKeeper, MemoryKeys, store

    if settings.REDIS_URL:
        return
    # A fresh private directory: a socket's path has a short limit that a deep data dir passes.
    path = Path(tempfile.mkdtemp(prefix="dissent-keys-")) / "keys.sock"
    # Keys this process made already (`dissent demo` loads its town hall first) are kept.
    here = store()
    KeyKeeper(path, here if isinstance(here, MemoryKeys) else None).start()
    os.environ[SOCKET_ENV] = str(path)


def serve(*, host: str, port: int, workers: int) -> int:
    """Serve with granian and run the Huey worker as a child in the same process group.

    Granian runs ``dissent.live.main``: live-session streams in its event loop, every other
    request in Django's WSGI application on one thread per worker (``dissent.live``). Not
    Django's ASGI handler: it runs each request's synchronous code in a fresh thread, so
    every request opened a new database connection (and PostgreSQL connections piled up);
    signing cost 7.0 ms of server CPU per request under ASGI and 2.9 ms under WSGI with
    persistent connections (docs/benchmarks.md), and it holds a thread and a connection for
    the life of a stream. Static files are collected into the data dir and served by
    granian itself, so they never occupy a Django worker (whitenoise covers other servers).
    """
    from django.conf import settings
    from granian.constants import Interfaces, Loops
    from granian.server import Server

    call_command("collectstatic", interactive=False, verbosity=0)
    seal_what_workers_left()
    connections.close_all()  # the workers open their own; none shares this process's socket
    open_files_limit()
    keep_session_keys()
    worker = subprocess.Popen([sys.executable, "-m", "dissent.cli", "worker"], env=dict(os.environ))
    print(f"Dissent Channel on http://{host}:{port}/ (API docs: /api/v1/docs)", flush=True)
    try:
        Server(
            "dissent.live.main:application",
            address=host,
            port=port,
            interface=Interfaces.RSGI,
            loop=Loops.uvloop,  # its thread hand-offs cost a page 0.06 ms of CPU where asyncio's cost 0.11 ms
            websockets=False,
            # requests one worker takes at once: every open stream is one (granian's default, 512)
            backpressure=settings.DISSENT_LIVE_MAX_STREAMS + PAGE_REQUESTS_QUEUED,
            static_path_route=[settings.STATIC_URL.rstrip("/")],
            static_path_mount=[settings.STATIC_ROOT],
            workers=max(1, workers),
            workers_kill_timeout=WORKER_STOP_SECONDS,
            log_access=False,
        ).serve()
    finally:
        seal_what_workers_left()
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0
