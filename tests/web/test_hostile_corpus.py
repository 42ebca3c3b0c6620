"""The hostile corpus (tests/web/hostile.py) typed into every text field, through the API and the
directory import, then every page that shows it: each request ends in a 2xx or a 4xx, never a
5xx, and no page holds an executable form of any payload. The audit CSV is formula-safe."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dissent.people import services as people
from dissent.people.models import User
from dissent.web.audit import formula_safe
from tests.channel.helpers import Api
from tests.conftest import Personas, logged_in
from tests.web.hostile import ALL, MARKUP, OTHER, unsafe_markup

JOINED = "\n\n".join(MARKUP)
HALVES = ["\n\n".join(MARKUP[:20]), "\n\n".join(MARKUP[20:])]  # a reader's reason takes 2,000 characters
FORMULA_EMAILS = ["=1+2@example.org", "+1@example.org", "-1@example.org"]


@dataclass
class Corpus:
    """What was sent, what it answered, and the memos that now hold the corpus."""

    answers: list[tuple[str, str, int]] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    main: str = ""
    rerouted: str = ""

    def call(self, api: Api, method: str, path: str, data: Any = None) -> tuple[int, Any]:
        status, body = api.call(method, path, data)
        self.answers.append((method, path, status))
        return status, body

    def ok(self, api: Api, method: str, path: str, data: Any = None) -> Any:
        status, body = self.call(api, method, path, data)
        assert status in (200, 201), (method, path, status, body)
        return body


def hostile_people() -> None:
    """People and units named by the corpus, some with e-mail addresses a spreadsheet would run."""
    units = io.StringIO()
    writer = csv.writer(units, lineterminator="\n")
    writer.writerow(["code", "name", "parent_code", "kind"])
    writer.writerow(["EVIL", MARKUP[6], "ORG", "bureau"])
    people.import_units(data=units.getvalue().encode())
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["email", "name", "units", "roles", "eligible", "language"])
    for n, email in enumerate(FORMULA_EMAILS):
        writer.writerow([email, MARKUP[n][:200], "EVIL", "staff", "true", "en"])
    people.import_people(data=rows.getvalue().encode())


def fill(org: Personas) -> Corpus:
    hostile_people()
    corpus = Corpus()
    drafter, office, head = Api(org.drafter), Api(org.office), Api(org.office_head)
    for text in ALL:
        status, body = corpus.call(
            drafter,
            "post",
            "/memos",
            {
                "title": text[:300],
                "summary": text,
                "body": text,
                "recommendations": [text],
                "policy_area": text,
            },
        )
        if status == 201:
            corpus.drafts.append(body["id"])
    memo = corpus.ok(
        drafter,
        "post",
        "/memos",
        {"title": MARKUP[0], "summary": MARKUP[1], "body": JOINED, "recommendations": MARKUP},
    )
    corpus.main = mid = memo["id"]
    corpus.ok(drafter, "post", f"/memos/{mid}/drafters", {"email": FORMULA_EMAILS[0]})
    for text in ALL:
        response = drafter.client.post(
            f"/api/v1/memos/{mid}/attachments",
            {"file": SimpleUploadedFile(text[:120] + ".txt", text.encode())},
            headers=drafter.headers,
        )
        corpus.answers.append(("post", f"/memos/{mid}/attachments", response.status_code))
    corpus.ok(drafter, "post", f"/memos/{mid}/submit")
    corpus.ok(office, "post", f"/memos/{mid}/acknowledge")
    for text in ALL:
        corpus.call(office, "post", f"/memos/{mid}/messages", {"body": text})
        corpus.call(drafter, "post", f"/memos/{mid}/messages", {"body": text})
    corpus.ok(office, "post", f"/memos/{mid}/extend", {"reason": JOINED})
    for reader, reason in zip((org.leader, org.agency_head), HALVES, strict=True):
        corpus.ok(head, "post", f"/memos/{mid}/readers", {"email": reader.email, "reason": reason})
    outcomes = [{"number": n, "outcome": "declined", "text": t} for n, t in enumerate(MARKUP, start=1)]
    corpus.ok(office, "post", f"/memos/{mid}/response", {"body": JOINED, "recommendations": outcomes})
    corpus.ok(drafter, "post", f"/memos/{mid}/reply", {"body": JOINED})
    other = corpus.ok(
        drafter, "post", "/memos", {"title": "To re-route", "body": "b", "recommendations": ["r"]}
    )
    corpus.rerouted = other["id"]
    corpus.ok(drafter, "post", f"/memos/{other['id']}/submit")
    corpus.ok(office, "post", f"/memos/{other['id']}/reroute", {"channel": "hr", "note": JOINED})
    queued = corpus.ok(drafter, "post", "/memos", {"title": MARKUP[3], "body": "b", "recommendations": ["r"]})
    corpus.ok(drafter, "post", f"/memos/{queued['id']}/submit")
    return corpus


def pages(corpus: Corpus, org: Personas) -> list[tuple[Client, str]]:
    drafter, office, auditor = logged_in(org.drafter), logged_in(org.office), logged_in(org.auditor)
    main = f"/memos/{corpus.main}/"
    shown = [
        (drafter, "/memos/"),
        (drafter, main),
        (drafter, main + "versions/"),
        (drafter, main + "signers/"),
    ]
    shown += [(drafter, "/inbox/"), (office, "/office/"), (office, main), (office, "/inbox/")]
    shown += [(office, f"/memos/{corpus.rerouted}/"), (auditor, "/audit/")]
    shown += [(drafter, f"/memos/{d}/") for d in corpus.drafts]
    shown += [(drafter, f"/memos/{d}/edit/") for d in corpus.drafts]
    return shown


def test_hostile_input_ends_in_a_4xx_or_a_safe_page(org: Personas) -> None:
    corpus = fill(org)
    assert not [answer for answer in corpus.answers if answer[2] >= 500]
    assert len(corpus.drafts) >= len(MARKUP), "every markup payload is some memo's text"
    for client, url in pages(corpus, org):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.content.decode()
        assert unsafe_markup(page) == [], url
        if url in {"/memos/", "/office/", f"/memos/{corpus.main}/"}:
            assert "window.__pwned=1" in page, f"{url} shows the corpus, as text"
    names = [a["filename"] for a in Api(org.drafter).ok("get", f"/memos/{corpus.main}/attachments")["items"]]
    uploads = [status for _, path, status in corpus.answers if path.endswith("/attachments")]
    assert len(names) == uploads.count(201) >= len(ALL) - 1, "names are cleaned, not refused"
    assert not [n for n in names if "/" in n or "\\" in n or "<" in n or any(ord(c) < 32 for c in n)]
    assert "passwd.txt" in names


def test_the_audit_csv_is_formula_safe(org: Personas) -> None:
    hostile_people()
    for email in FORMULA_EMAILS:
        Api(User.objects.get(email=email)).ok("post", "/memos", {"title": "t", "body": "b"})
    response = logged_in(org.auditor).get("/audit/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert {f"'{email}" for email in FORMULA_EMAILS} <= set(cells)
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


@pytest.mark.parametrize("text", [t for t in OTHER if t[:1] in "=+-@\t\r"])
def test_every_formula_looking_cell_is_exported_as_text(text: str) -> None:
    assert formula_safe(text) == "'" + text
    assert formula_safe(7) == 7
    assert formula_safe("drafter@example.org") == "drafter@example.org"
