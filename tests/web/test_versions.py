"""Every version of a memo, and what changed between any two; old versions are read on the record."""

from __future__ import annotations

import pytest

from dissent.audit.models import AuditEvent
from dissent.channel import services
from dissent.channel.content import make_content
from dissent.channel.models import Memo
from dissent.web.diff import compare
from tests.conftest import Personas, logged_in
from tests.web.helpers import MEMO, draft, sees


def edited_memo(org: Personas) -> str:
    memo_id = draft(org, body="Line one.\nLine two.\nLine three.")
    services.edit_memo(
        actor=org.cosigner,
        memo_id=memo_id,
        body="Line one.\nLine 2, rewritten.\nLine three.\nLine four.",
        recommendations=["Keep the rural programme separate.", "Publish the full evaluation."],
    )
    return memo_id


def test_the_history_lists_every_version_with_its_author_and_hash(org: Personas) -> None:
    memo_id = edited_memo(org)
    page = sees(org.drafter, f"/memos/{memo_id}/versions/")
    versions = {v.number: v for v in Memo.objects.get(public_id=memo_id).versions.all()}
    assert versions[1].sha256 in page
    assert versions[2].sha256 in page
    assert "Dana Drafter" in page
    assert "Cole Cosigner" in page


def test_by_default_the_last_two_versions_are_compared(org: Personas) -> None:
    page = sees(org.drafter, f"/memos/{edited_memo(org)}/versions/")
    assert "Changes from version 1 to version 2" in page
    assert "<del>Line two.</del>" in page
    assert "<ins>Line 2, rewritten.</ins>" in page
    assert "<ins>Line four.</ins>" in page
    assert "<del>2. Publish the evaluation.</del>" in page
    assert "<ins>2. Publish the full evaluation.</ins>" in page
    assert "Unchanged: Title, Policy area, Summary" in page


def test_any_two_versions_may_be_compared_in_either_order(org: Personas) -> None:
    page = sees(org.drafter, f"/memos/{edited_memo(org)}/versions/?a=2&b=1")
    assert "Changes from version 2 to version 1" in page
    assert "<del>Line 2, rewritten.</del>" in page
    assert "<ins>Line two.</ins>" in page


def test_reading_old_versions_is_recorded_with_the_version(org: Personas) -> None:
    memo_id = edited_memo(org)
    sees(org.cosigner, f"/memos/{memo_id}/versions/?a=1&b=2")
    reads = AuditEvent.objects.filter(action="memo.read", memo_id=memo_id, actor_id=org.cosigner.pk)
    assert sorted(e.details["version"] for e in reads) == [1, 2]
    assert {e.details["via"] for e in reads} == {"page.versions"}


def test_a_memo_with_one_version_has_nothing_to_compare(org: Personas) -> None:
    page = sees(org.drafter, f"/memos/{draft(org)}/versions/")
    assert "Compare two versions" not in page
    assert "Changes from" not in page


@pytest.mark.parametrize("query", ["?a=3&b=1", "?a=0&b=1", "?a=x&b=1", "?b=-1"])
def test_a_version_that_does_not_exist_is_a_404(org: Personas, query: str) -> None:
    memo_id = edited_memo(org)
    assert logged_in(org.drafter).get(f"/memos/{memo_id}/versions/{query}").status_code == 404


def test_unchanged_fields_have_no_changes_and_long_bodies_are_cut_to_context() -> None:
    body = "\n".join(f"Paragraph {n}." for n in range(1, 21))
    old = make_content(title="T", summary="S", body=body, recommendations=["R"])
    new = make_content(
        title="T", summary="S", body=body.replace("Paragraph 10.", "Paragraph ten."), recommendations=["R"]
    )
    fields = {str(f.label): f for f in compare(old, new)}
    assert [name for name, f in fields.items() if f.changed] == ["Memo"]
    (hunk,) = fields["Memo"].hunks or []
    assert [line.text for line in hunk if line.kind == "same"] == [
        "Paragraph 7.",
        "Paragraph 8.",
        "Paragraph 9.",
        "Paragraph 11.",
        "Paragraph 12.",
        "Paragraph 13.",
    ]
    assert [(line.kind, line.old_number, line.new_number) for line in hunk if line.kind != "same"] == [
        ("removed", 10, None),
        ("added", None, 10),
    ]


def test_the_version_page_title_is_the_current_title(org: Personas) -> None:
    memo_id = draft(org)
    services.edit_memo(actor=org.drafter, memo_id=memo_id, title="A clearer title")
    page = sees(org.drafter, f"/memos/{memo_id}/versions/?a=1&b=1")
    assert "A clearer title" in page
    assert "Choose two different versions" in page
    assert MEMO["title"] not in page
