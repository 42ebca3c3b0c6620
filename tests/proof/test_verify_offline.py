"""``dissent verify`` on a laptop: no Django, no database, no server; exit 1 names each failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dissent.proof import bundle
from tests.proof.sample import sample_bundle

NO_DJANGO = """
import sys

class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("Django is not installed here")
        return None

sys.meta_path.insert(0, NoDjango())
"""
VERIFY = (
    NO_DJANGO
    + """
from dissent.cli import main

status = main(["verify", sys.argv[1]])
assert not [m for m in sys.modules if m == "django" or m.startswith("django.")]
sys.exit(status)
"""
)
# Prints the dissent modules that importing every module of the proof kernel brought in besides itself.
KERNEL = (
    NO_DJANGO
    + """
import importlib, pkgutil
import dissent.proof

for module in pkgutil.iter_modules(dissent.proof.__path__):
    importlib.import_module(f"dissent.proof.{module.name}")
print(sorted(m for m in sys.modules if m.startswith("dissent.") and not m.startswith("dissent.proof")))
"""
)


def run_without_django(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60, check=False
    )


def run_verify(path: Path) -> subprocess.CompletedProcess[str]:
    return run_without_django(VERIFY, str(path))


def test_the_proof_kernel_imports_nothing_of_django_or_the_rest_of_dissent() -> None:
    result = run_without_django(KERNEL)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_verify_runs_with_django_blocked(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle.encode(sample_bundle()))
    result = run_verify(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK memo 3f9a1c0de2b47a10 version 2")
    assert "2 signature(s) verified" in result.stdout


def test_a_tampered_bundle_exits_1_naming_the_entry(tmp_path: Path) -> None:
    doc = sample_bundle()
    doc["signatures"][1]["signer_id"] = "43"
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle.encode(doc))
    result = run_verify(path)
    assert result.returncode == 1, result.stderr
    assert "FAIL signatures[1] (signer 43): the signature does not verify" in result.stdout
    assert "FAIL receipt: the signatures listed are not the set frozen at submission" in result.stdout


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_verify(tmp_path / "absent.json")
    assert result.returncode == 2
    assert "absent.json" in result.stderr


def test_help_lists_export_and_verify() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dissent.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert "    export " in result.stdout
    assert "    verify " in result.stdout
