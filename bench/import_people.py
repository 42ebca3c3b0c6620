"""Directory import of 10,000 people (target: under 10 s on a 2-core machine).

Floor: the same number of rows of the same width inserted into a bare table with one
``executemany`` in one transaction on the same database connection — what any import
must at least pay. The import does more (parse, validate, upsert users, then memberships
and roles), so its ratio to the floor says how much that costs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from typing import Any

from django.db import connection, transaction

from dissent.people import services
from dissent.people.models import User

PEOPLE = 10_000
UNITS = 60


def units_csv() -> bytes:
    lines = ["code,name,parent_code,kind", "ORG,Organisation,,organisation", "AG,Agency,ORG,agency"]
    lines += [f"U{i:03d},Unit {i},AG,bureau" for i in range(UNITS)]
    return ("\n".join(lines) + "\n").encode()


def people_csv(variant: str = "") -> bytes:
    lines = ["email,name,units,roles,eligible,language"]
    for i in range(PEOPLE):
        roles = "staff;leadership" if i % 500 == 0 else "staff"
        lines.append(
            f"person{i:05d}@bench.example,Person {i}{variant},U{i % UNITS:03d};U{(i + 1) % UNITS:03d},"
            f"{roles},{'true' if i % 8 else 'false'},{'zh-hans' if i % 10 == 0 else 'en'}"
        )
    return ("\n".join(lines) + "\n").encode()


def floor_seconds() -> float:
    rows = [(f"person{i:05d}@floor.example", f"Person {i}", i % 8 != 0, "en") for i in range(PEOPLE)]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (email varchar(254) UNIQUE, name varchar(200), e bool, l varchar(10))"
        )
        try:
            start = time.perf_counter()
            with transaction.atomic():
                cursor.executemany("INSERT INTO bench_floor VALUES (%s, %s, %s, %s)", rows)
            return time.perf_counter() - start
        finally:
            cursor.execute("DROP TABLE bench_floor")


def timed(data: bytes) -> float:
    start = time.perf_counter()
    services.import_people(data=data)
    return time.perf_counter() - start


def cli_seconds(data: bytes) -> float:
    """The operator's view: `dissent people import FILE` as a new process, start-up included."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as fh:
        fh.write(data)
        fh.flush()
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dissent.cli", "people", "import", fh.name],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def run() -> dict[str, Any]:
    services.import_units(data=units_csv())
    floor = floor_seconds()
    first = timed(people_csv())
    assert User.objects.filter(email__endswith="@bench.example").count() == PEOPLE
    again = timed(people_csv(variant=" (renamed)"))
    assert User.objects.filter(name__endswith="(renamed)").count() == PEOPLE
    connection.close()  # the subprocess writes to the same database
    cli = cli_seconds(people_csv(variant=" (via CLI)"))
    assert User.objects.filter(name__endswith="(via CLI)").count() == PEOPLE
    return {
        "people": PEOPLE,
        "floor_seconds": round(floor, 3),
        "first_import_seconds": round(first, 3),
        "first_import_ratio_to_floor": round(first / floor, 1),
        "reimport_with_changes_seconds": round(again, 3),
        "reimport_ratio_to_floor": round(again / floor, 1),
        "cli_reimport_with_startup_seconds": round(cli, 3),
        "target_seconds": 10,
        "meets_target": max(first, again, cli) < 10,
    }
