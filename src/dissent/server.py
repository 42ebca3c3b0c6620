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


def serve(*, host: str, port: int, workers: int) -> int:
    """Serve ASGI with granian and run the Huey worker as a child in the same process group.

    Static files are collected into the data dir and served by granian itself, so they
    never occupy a Django worker (whitenoise covers other ASGI/WSGI servers).
    """
    from django.conf import settings
    from granian.constants import Interfaces
    from granian.server import Server

    call_command("collectstatic", interactive=False, verbosity=0)
    worker = subprocess.Popen([sys.executable, "-m", "dissent.cli", "worker"], env=dict(os.environ))
    print(f"Dissent Channel on http://{host}:{port}/ (API docs: /api/v1/docs)", flush=True)
    try:
        Server(
            "dissent.asgi:application",
            address=host,
            port=port,
            interface=Interfaces.ASGINL,
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
