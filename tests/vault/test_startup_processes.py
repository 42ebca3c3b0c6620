"""Real processes: start-up refuses a missing or wrong KEK in one sentence, and a running
process follows ``dissent keys rotate`` without a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dissent.vault.kek import new_kek_text

SETUP = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dissent.settings")
django.setup()
from dissent.server import migrate_if_needed
migrate_if_needed()
from dissent.vault import services
from dissent.vault.server_key import server_signing_key
key = services.new_data_key()
server_signing_key()
print(key.pk, services.seal_text(key, "memo text", aad="memo:1:body").hex())
"""

READER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dissent.settings")
django.setup()
from dissent.vault import services
from dissent.vault.models import DataKey
pk, sealed = sys.argv[1], bytes.fromhex(sys.argv[2])
print(services.open_text(DataKey.objects.get(pk=pk), sealed, aad="memo:1:body"), flush=True)
sys.stdin.readline()
print(services.open_text(DataKey.objects.get(pk=pk), sealed, aad="memo:1:body"), flush=True)
print(services.new_data_key().kek_id, flush=True)
"""


def environment(home: Path, **extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DISSENT_KEK", "DISSENT_KEK_NEXT", "DISSENT_DEBUG"}
    }
    return base | {"DISSENT_HOME": str(home)} | extra


def run(args: list[str], home: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=environment(home, **extra), capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A data dir with a data key, a sealed text and a server key, made by a real process."""
    home = tmp_path_factory.mktemp("installation")
    result = run(["-c", SETUP], home)
    assert result.returncode == 0, result.stderr
    pk, sealed = result.stdout.split()
    return home, pk, sealed


@pytest.fixture
def home(installation: tuple[Path, str, str], tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(installation[0], copy)
    return copy


def assert_one_sentence_exit_2(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("dissent: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr


def test_a_missing_kek_stops_check_and_is_not_replaced(home: Path) -> None:
    (home / "kek").unlink()
    result = run(["-m", "dissent.cli", "check"], home)
    assert_one_sentence_exit_2(result, "kek is missing")
    assert not (home / "kek").exists()


def test_another_kek_stops_serve_before_it_listens(home: Path) -> None:
    (home / "kek").write_text(new_kek_text())
    result = run(["-m", "dissent.cli", "serve", "--port", "1"], home)
    assert_one_sentence_exit_2(
        result, "is not the key-encryption key this installation's data is wrapped with"
    )


def test_a_malformed_kek_in_the_environment_stops_check(home: Path) -> None:
    result = run(["-m", "dissent.cli", "check"], home, DISSENT_KEK="too-short")
    assert_one_sentence_exit_2(result, "DISSENT_KEK is not a key-encryption key")


def test_a_running_process_follows_a_rotation_and_the_old_kek_is_then_refused(
    home: Path, installation: tuple[Path, str, str]
) -> None:
    _, pk, sealed = installation
    old_kek = (home / "kek").read_text()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, pk, sealed],
        env=environment(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "memo text"

        rotate = run(["-m", "dissent.cli", "keys", "rotate"], home)
        assert rotate.returncode == 0, rotate.stderr
        assert "data keys: 1 re-wrapped" in rotate.stdout
        assert "server signing key: 1 re-wrapped" in rotate.stdout

        out, err = reader.communicate("go\n", timeout=30)
        assert reader.returncode == 0, err
    finally:
        reader.kill()
    opened, new_key_wraps_under = out.split()[:2], out.split()[-1]
    assert opened == ["memo", "text"]
    assert new_key_wraps_under in rotate.stdout
    assert (home / "kek").read_text() != old_kek

    (home / "kek").write_text(old_kek)
    assert_one_sentence_exit_2(run(["-m", "dissent.cli", "check"], home), "restore the right key")
