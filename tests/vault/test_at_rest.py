"""A stolen database reveals nothing: a unique phrase written into a memo, a message and a
response appears nowhere in the raw SQLite file, its WAL, or a pg_dump."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from dissent.channel import services
from tests.conftest import Personas

PHRASE = "zephyr-quillon-8841"

STORY = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from dissent.channel import services
from dissent.channel.models import ChannelSettings
from dissent.people import services as people
from dissent.people.models import Unit, User
people.import_units(data=b"code,name,parent_code,kind\\nA,Agency,,agency\\nO,Office,A,office\\n")
people.import_people(data=b"email,name,units,roles,eligible,language\\nd@x.org,D,A,staff,true,en\\no@x.org,O,O,office,true,en\\n")
config = ChannelSettings.current()
config.receiving_office = Unit.objects.get(code="O")
config.save()
d, o = User.objects.get(email="d@x.org"), User.objects.get(email="o@x.org")
memo = services.create_memo(
    actor=d, title="Title {PHRASE}", summary="{PHRASE}", body="Body {PHRASE}",
    recommendations=["Do {PHRASE}"], policy_area="{PHRASE}",
)
services.submit_memo(actor=d, memo_id=memo.public_id)
services.post_message(actor=o, memo_id=memo.public_id, body="Message {PHRASE}")
services.extend_deadline(actor=o, memo_id=memo.public_id, reason="Reason {PHRASE}")
services.respond_to_memo(
    actor=o, memo_id=memo.public_id, body="Response {PHRASE}",
    items=[services.OutcomeIn(1, "accepted", "Item {PHRASE}")],
)
print(memo.public_id)
"""


def test_the_phrase_is_nowhere_in_the_sqlite_files(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DISSENT_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "dissent.settings"}
    keep_open = (
        STORY
        + "\nimport shutil, os\n"
        + "from django.db import connection\n"
        + "home = os.environ['DISSENT_HOME']\n"
        + "for name in os.listdir(home):\n"
        + "    if name.startswith('dissent.sqlite3'):\n"
        + "        shutil.copy(os.path.join(home, name), os.path.join(home, 'copy-' + name))\n"
    )
    subprocess.run([sys.executable, "-c", keep_open], env=env, check=True, capture_output=True)
    files = [p for p in tmp_path.iterdir() if "sqlite3" in p.name]
    assert any(p.name.endswith("-wal") for p in files), "the WAL was captured while open"
    for path in files:
        assert PHRASE.encode() not in path.read_bytes(), path.name
    assert (
        b"Body"
        not in (tmp_path / "dissent.sqlite3").read_bytes()
        + (tmp_path / "copy-dissent.sqlite3-wal").read_bytes()
    )


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_the_phrase_is_nowhere_in_a_pg_dump(org: Personas, transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs with DATABASE_URL=postgres://…")
    memo = services.create_memo(
        actor=org.drafter,
        title=PHRASE,
        summary=PHRASE,
        body=PHRASE,
        recommendations=[PHRASE],
        policy_area=PHRASE,
    )
    services.submit_memo(actor=org.drafter, memo_id=memo.public_id)
    services.post_message(actor=org.office, memo_id=memo.public_id, body=PHRASE)
    services.respond_to_memo(
        actor=org.office,
        memo_id=memo.public_id,
        body=PHRASE,
        items=[services.OutcomeIn(1, "accepted", PHRASE)],
    )
    db = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert b"memo_version" in dump or b"channel_memoversion" in dump
    assert PHRASE.encode() not in dump
