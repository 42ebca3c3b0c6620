"""Production settings refuse to run insecurely, and are clean under Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def dissent(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DISSENT_DEBUG"}}
    return subprocess.run(
        [sys.executable, "-m", "dissent.cli", *args],
        env=base | {"DISSENT_HOME": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = dissent(
        ["check"],
        tmp_path,
        DISSENT_ENV="production",
        DISSENT_DEBUG="1",
        DISSENT_BASE_URL="https://dissent.example",
    )
    assert result.returncode == 2
    assert "DISSENT_DEBUG must be off" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_plain_http(tmp_path: Path) -> None:
    result = dissent(["check"], tmp_path, DISSENT_ENV="production", DISSENT_BASE_URL="http://dissent.example")
    assert result.returncode == 2
    assert "https://" in result.stderr


def test_production_passes_the_deploy_checks_without_warnings(tmp_path: Path) -> None:
    result = dissent(
        ["check", "--deploy"],
        tmp_path,
        DISSENT_ENV="production",
        DISSENT_BASE_URL="https://dissent.example",
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_development_is_flagged_by_the_deploy_checks(tmp_path: Path) -> None:
    result = dissent(["check", "--deploy"], tmp_path)
    assert result.returncode == 1
    assert "security.W" in result.stderr


def test_the_secret_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    assert dissent(["check"], tmp_path).returncode == 0
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert dissent(["check"], tmp_path).returncode == 0
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_bad_email_url_is_a_clear_start_up_error(tmp_path: Path) -> None:
    result = dissent(["check"], tmp_path, EMAIL_URL="smtps-ish://mail.example")
    assert result.returncode == 2
    assert "EMAIL_URL must start with smtp://" in result.stderr
