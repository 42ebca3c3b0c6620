"""The `dissent` command as an operator uses it: exit codes, messages, and what lands in the data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from dissent import cli
from dissent.channel.models import Memo
from dissent.people.models import ApiToken, Unit, User
from tests.conftest import PEOPLE, UNITS, Personas, stop_process_group


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def test_help_lists_the_contract_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "demo", "units", "people", "tokens", "check"):
        assert f"    {command} " in out


@pytest.mark.parametrize(
    ("kind", "columns"),
    [("units", "code,name,parent_code,kind"), ("people", "email,name,units,roles,eligible,language")],
)
def test_import_help_names_the_csv_columns(
    kind: str, columns: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main([kind, "--help"])
    assert f"columns {columns}" in " ".join(capsys.readouterr().out.split())


def test_unknown_option_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["people", "import", "x.csv", "--frobnicate"])
    assert info.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


@pytest.mark.django_db
def test_units_then_people_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["units", "import", write(tmp_path, "u.csv", UNITS)]) == 0
    assert cli.main(["people", "import", write(tmp_path, "p.csv", PEOPLE)]) == 0
    out = capsys.readouterr().out
    assert "units: 6 created, 0 updated, 0 skipped" in out
    assert "people: 9 created, 0 updated, 0 skipped" in out
    assert Unit.objects.count() == 6
    assert User.objects.count() == 9


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["people", "import", str(tmp_path / "absent.csv")]) == 2
    assert "absent.csv: no such file" in capsys.readouterr().err


def test_invalid_rows_exit_2_and_name_each_line(
    org: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "p.csv",
        "email,name,units,roles,eligible,language\nnew@example.org,New,NOR,staff,true,en\nbad,X,NOR,staff,true,en\n",
    )
    assert cli.main(["people", "import", path]) == 2
    err = capsys.readouterr().err
    assert "p.csv: line 3: e-mail 'bad' is not a valid address" in err
    assert "nothing was imported" in err
    assert not User.objects.filter(email="new@example.org").exists()

    assert cli.main(["people", "import", path, "--skip-invalid"]) == 0
    captured = capsys.readouterr()
    assert "skipped line 3" in captured.err
    assert "1 created" in captured.out
    assert User.objects.filter(email="new@example.org").exists()


def test_wrong_header_exits_2(db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["units", "import", write(tmp_path, "u.csv", "code;name;parent;kind\n")]) == 2
    assert "line 1: wrong header" in capsys.readouterr().err


def test_tokens_create_prints_one_line_per_person_and_stores_only_a_hash(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["tokens", "create", "drafter@example.org", "office@example.org"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["drafter@example.org", "office@example.org"]
    tokens = [line.split()[1] for line in lines]
    assert len(set(tokens)) == 2
    stored = list(ApiToken.objects.values_list("digest", flat=True))
    assert not any(token in stored for token in tokens)


def test_tokens_for_an_unknown_person_create_nothing(
    org: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["tokens", "create", "drafter@example.org", "ghost@example.org"]) == 2
    assert "ghost@example.org" in capsys.readouterr().err
    assert ApiToken.objects.count() == 0


def test_demo_loads_once_into_an_empty_installation(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--no-serve"]) == 0
    assert User.objects.count() > 100
    drafter = User.objects.get(email="drafter@demo.example")
    assert drafter.check_password("dissent-demo-2026")
    assert sorted(Memo.objects.values_list("status", flat=True)) == [
        "acknowledged",
        "circulating",
        "closed",
        "submitted",
    ]
    assert Memo.objects.get(status="circulating").signature_count == 5
    assert cli.main(["demo", "--no-serve"]) == 0
    assert "demo not loaded" in capsys.readouterr().out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_on_an_empty_data_dir_and_answers(tmp_path: Path) -> None:
    """The real server process: migrates a fresh SQLite data dir and serves pages and static files."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DISSENT_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dissent.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        body = b""
        for _ in range(120):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        assert b'name="login"' in body
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/dissent/site.css", timeout=5).read()
        assert b"--accent" in css
        assert (tmp_path / "dissent.sqlite3").exists()
    finally:
        stop_process_group(proc, timeout=20)


def test_the_demo_privileged_logins_have_the_published_second_factor(db: None) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

    assert cli.main(["demo", "--no-serve"]) == 0
    office = User.objects.get(email="office@demo.example")
    totp = TOTP(Authenticator.objects.get(user=office, type=Authenticator.Type.TOTP))
    code = format_hotp_value(hotp_value("DEMODEMODEMODEMODEMODEMODEMODEMO", int(time.time()) // 30))
    assert totp.validate_code(code)
    assert not Authenticator.objects.filter(user__email="drafter@demo.example").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="web workers seal inline on SQLite")
def test_a_stopped_server_leaves_no_audit_event_unsealed(tmp_path: Path) -> None:
    """Workers seal in batches; stopped right after an audited request, the server seals the rest."""
    import psycopg

    admin_url = os.environ["DATABASE_URL"]
    name = f"dissent_stop_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    env = os.environ | {"DISSENT_HOME": str(tmp_path), "DATABASE_URL": url}
    port = free_port()
    run = [sys.executable, "-m", "dissent.cli"]
    proc = subprocess.Popen(
        [*run, "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        made = subprocess.run(
            [*run, "tokens", "create", "drafter@demo.example"], env=env, capture_output=True, text=True
        )
        token = next(word for word in made.stdout.split() if word.startswith("dsn_"))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/memos", headers={"Authorization": f"Bearer {token}"}
        )
        answer = urllib.request.urlopen(request, timeout=10)  # noqa: S310 - the test's own http URL
        assert answer.status == 200  # one audited read per memo listed
    finally:
        stop_process_group(proc, timeout=30)  # at once: within the sealer thread's batching window
    try:
        with psycopg.connect(url) as db:
            counts = db.execute(
                "SELECT count(*) FILTER (WHERE seq IS NULL), "
                "count(*) FILTER (WHERE details->>'via' = 'api.list') FROM audit_auditevent"
            ).fetchone()
        assert counts is not None
        unsealed, reads = counts
        assert reads > 0
        assert unsealed == 0
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
