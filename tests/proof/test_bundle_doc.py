"""docs/bundle-format.md stays true: its worked example is what the code computes and verifies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dissent import cli
from dissent.proof import bundle
from dissent.proof.canonical import canonical_json
from tests.proof.sample import SERVER_KEY, sample_bundle

DOC = (Path(__file__).parents[2] / "docs" / "bundle-format.md").read_text(encoding="utf-8")


def block(info: str) -> str:
    match = re.search(rf"```{re.escape(info)}\n(.*?)\n```", DOC, re.DOTALL)
    assert match, info
    return match.group(1)


def test_the_example_file_is_the_sample_bundle() -> None:
    doc = sample_bundle()
    assert (block("json bundle-file") + "\n").encode() == bundle.encode(doc)
    assert f"({len(bundle.encode(doc)):,} bytes" in DOC


def test_every_intermediate_value_in_the_example_is_computed() -> None:
    doc = sample_bundle()
    entry = doc["signatures"][0]
    statement = bundle.statement_of_entry(
        entry, memo_id=doc["memo_id"], version_sha256=doc["version"]["sha256"]
    )
    for value in (
        canonical_json(doc["version"]["document"]).decode(),
        doc["version"]["sha256"],
        canonical_json(statement).decode(),
        entry["signer_public_key"],
        entry["signature"],
        bundle.entries_sha256(doc["signatures"]),
        canonical_json(doc["receipt"]["statement"]).decode(),
        doc["receipt"]["signature"],
        bundle.b64(bytes(SERVER_KEY.verify_key)),
    ):
        assert f"\n{value}\n" in DOC or f"`{value}`" in DOC, value


def test_the_documented_verify_output_is_what_the_command_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "example.json"
    path.write_text(block("json bundle-file") + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["verify", "example.json"]) == 0
    assert capsys.readouterr().out.strip() in DOC
    path.write_text(
        block("json bundle-file").replace('"signer_id":"17"', '"signer_id":"18"') + "\n", encoding="utf-8"
    )
    assert cli.main(["verify", "example.json"]) == 1
    assert capsys.readouterr().out.strip() in DOC


def test_the_verifier_outline_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "example.json").write_text(block("json bundle-file") + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(block("python verifier-outline"), "bundle-format.md", "exec"), {})  # noqa: S102
