"""Simplified Chinese ships complete: every UI string translated, the compiled catalogue current."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dissent
from tests.po import read_po

PACKAGE = Path(dissent.__file__).parent
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    entries = read_po(CATALOGUE / "django.po")
    assert entries
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    with (CATALOGUE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in read_po(CATALOGUE / "django.po"):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0]
        else:
            assert compiled._catalog.get(key) == entry.msgstr[0], entry.msgid  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    """Run makemessages on a copy of the package: it must find nothing new."""
    copy = tmp_path / "dissent"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "var"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-wrap",
        ],
        cwd=copy,
        env={
            "DJANGO_SETTINGS_MODULE": "dissent.settings",
            "PYTHONPATH": str(tmp_path),
            "DISSENT_HOME": str(tmp_path / "home"),
            "PATH": "/usr/bin:/bin",
        },
        check=True,
        capture_output=True,
    )
    fresh = {e.key for e in read_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    shipped = {e.key for e in read_po(CATALOGUE / "django.po")}
    assert sorted(k[1] for k in fresh - shipped) == []
