"""Running the service: migrations on start, the web server, and the task worker beside it."""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_if_needed() -> None:
    """Apply pending migrations; cheap when there are none, so every command may call it."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


# One thread per worker process, with one persistent database connection: more threads
# only contended for the GIL and the database's write lock (docs/benchmarks.md).
THREADS_PER_WORKER = 1


def serve(*, host: str, port: int, workers: int) -> int:
    """Serve WSGI with granian and run the Huey worker as a child in the same process group.

    WSGI, not ASGI: Django's ASGI handler runs each request's synchronous code in a fresh
    thread, so every request opened a new database connection (and PostgreSQL connections
    piled up); signing cost 7.0 ms of server CPU per request under ASGI and 2.9 ms under
    WSGI with persistent connections (docs/benchmarks.md). Static files are collected into
    the data dir and served by granian itself, so they never occupy a Django worker
    (whitenoise covers other servers).
    """
    from django.conf import settings
    from granian.constants import Interfaces
    from granian.server import Server

    call_command("collectstatic", interactive=False, verbosity=0)
    worker = subprocess.Popen([sys.executable, "-m", "dissent.cli", "worker"], env=dict(os.environ))
    print(f"Dissent Channel on http://{host}:{port}/ (API docs: /api/v1/docs)", flush=True)
    try:
        Server(
            "dissent.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            blocking_threads=THREADS_PER_WORKER,
            static_path_route=[settings.STATIC_URL.rstrip("/")],
            static_path_mount=[settings.STATIC_ROOT],
            workers=max(1, workers),
            log_access=False,
        ).serve()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0
