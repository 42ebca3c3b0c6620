"""Run the benchmarks: ``make bench`` (or ``python -m bench [NAME ...]``).

Each benchmark reports its figures together with a floor measured in the same run on the
same database, so that the ratio means something on any machine. Results are printed and
written to bench/results/<name>.json for docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCHMARKS = [
    "import_people",
    "tokens_create",
    "audit_append",
    "audit_verify",
    "sign_service",
    "sign_http",
    "broadcast_send",
    "hidden_memo",
    "sse_fanout",
    "themes",
]
RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, str]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return {
        "commit": commit.stdout.strip() or "unknown",
        "python": platform.python_version(),
        "cpu_count": str(os.cpu_count()),
        "processor": platform.processor() or platform.machine(),
        "database": "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
    }


@contextmanager
def scratch_database() -> Iterator[None]:
    """SQLite in a temporary data dir; on PostgreSQL a throw-away database beside DATABASE_URL's."""
    os.environ["DISSENT_HOME"] = tempfile.mkdtemp(prefix="dissent-bench-")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main(names: list[str]) -> int:
    with scratch_database():
        return run_all(names)


def run_all(names: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dissent.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    RESULTS.mkdir(exist_ok=True)
    for name in names or BENCHMARKS:
        module = __import__(f"bench.{name}", fromlist=["run"])
        result = {"benchmark": name, "machine": machine(), **module.run()}
        print(json.dumps(result, indent=2, ensure_ascii=False))
        (RESULTS / f"{name}-{result['machine']['database']}.json").write_text(
            json.dumps(result, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
