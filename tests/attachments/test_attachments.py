"""Attachments: allow-list checked by content, size limit, safe names, sealed bytes, audited downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import override_settings

from dissent.attachments.files import FileRefused, check_file, safe_filename
from dissent.attachments.models import Attachment
from dissent.audit.models import AuditEvent
from tests.channel.helpers import Api, new_memo
from tests.conftest import Personas, logged_in

PDF = b"%PDF-1.7\n" + b"x" * 100
ALLOWED = frozenset({"pdf", "txt", "png", "docx"})


def upload(api: Api, memo_id: str, name: str, data: bytes, **fields: Any) -> tuple[int, Any]:
    response = api.client.post(
        f"/api/v1/memos/{memo_id}/attachments",
        {"file": SimpleUploadedFile(name, data), **fields},
        headers=api.headers,
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("evil\x00name\x1b.pdf", "evil_name_.pdf"),
        ('a<b>c:"d|e?f*.pdf', "a_b_c__d_e_f_.pdf"),
        ("  spaced   out .pdf  ", "spaced out .pdf"),
        ("Cafe\u0301.pdf", "Café.pdf"),
        ("n" * 300 + ".pdf", "n" * 146 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.parametrize(
    ("name", "head", "reason"),
    [
        ("a.exe", b"MZ", "not accepted"),
        ("a.pdf", b"MZ\x90\x00", "not a .pdf file"),
        ("noextension", PDF, "not accepted"),
        (".pdf", PDF, "not accepted"),
        ("notes.txt", b"\xff\xfe\x00b", "UTF-8"),
        ("notes.txt", b"abc\x00def", "must be text"),
        ("a.html", b"<html>", "not accepted"),
    ],
)
def test_types_are_checked_by_name_and_by_content(name: str, head: bytes, reason: str) -> None:
    with pytest.raises(FileRefused) as info:
        check_file(name=name, head=head, size=len(head), max_bytes=1000, allowed=ALLOWED)
    assert reason in str(info.value)


def test_a_drafter_attaches_a_file_that_is_stored_sealed_and_downloads_it(org: Personas) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    status, body = upload(drafter, memo["id"], "../evidence report.pdf", PDF)
    assert status == 201
    assert (body["filename"], body["content_type"], body["size"]) == (
        "evidence report.pdf",
        "application/pdf",
        len(PDF),
    )
    row = Attachment.objects.get(public_id=body["id"])
    assert b"%PDF" not in bytes(row.content)
    assert b"evidence" not in bytes(row.filename)
    response = drafter.client.get(
        f"/api/v1/memos/{memo['id']}/attachments/{body['id']}", headers=drafter.headers
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="attachment.downloaded", actor_id=org.drafter.pk).count() == 1


@override_settings(DISSENT_ATTACHMENT_MAX_BYTES=1_000)
def test_too_large_is_413_and_nothing_is_stored(org: Personas) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    status, body = upload(drafter, memo["id"], "big.pdf", PDF + b"x" * 1_000)
    assert (status, body["code"]) == (413, "too_large")
    assert "the limit is" in body["detail"]
    assert not Attachment.objects.exists()


def test_a_disguised_file_is_refused(org: Personas) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    status, body = upload(drafter, memo["id"], "invoice.pdf", b"MZ\x90\x00 this is a program")
    assert (status, body["code"]) == (422, "invalid")
    assert not Attachment.objects.exists()


def test_outsiders_and_the_wrong_parties_cannot_attach_or_download(org: Personas) -> None:
    drafter, office, leader, outsider = Api(org.drafter), Api(org.office), Api(org.leader), Api(org.outsider)
    memo = new_memo(drafter)
    _status, file = upload(drafter, memo["id"], "a.pdf", PDF)
    assert upload(outsider, memo["id"], "b.pdf", PDF)[0] == 404
    assert outsider.get(f"/memos/{memo['id']}/attachments/{file['id']}")[0] == 404
    drafter.ok("post", f"/memos/{memo['id']}/submit")
    assert upload(drafter, memo["id"], "late.pdf", PDF)[0] == 409, (
        "the memo's own files are fixed at submission"
    )
    assert upload(office, memo["id"], "c.pdf", PDF)[0] == 403

    message = office.ok("post", f"/memos/{memo['id']}/messages", {"body": "See attached."})
    status, body = upload(office, memo["id"], "answer.txt", "答复".encode(), message_id=message["id"])
    assert status == 201
    assert upload(drafter, memo["id"], "x.pdf", PDF, message_id=message["id"])[0] == 403, "not their message"
    assert [a["filename"] for a in drafter.ok("get", f"/memos/{memo['id']}/attachments")["items"]] == [
        "a.pdf",
        "answer.txt",
    ]
    assert [a["filename"] for a in leader.ok("get", f"/memos/{memo['id']}/attachments")["items"]] == ["a.pdf"]
    assert leader.get(f"/memos/{memo['id']}/attachments/{body['id']}")[0] == 404, (
        "the thread is not the distribution's"
    )


def test_text_cut_mid_character_by_the_sniffed_head_is_still_text() -> None:
    data = "异议".encode() * 3000
    checked = check_file(name="n.txt", head=data[:8191], size=len(data), max_bytes=10**6, allowed=ALLOWED)
    assert checked.content_type == "text/plain"


def test_seeing_the_names_of_a_memos_files_is_recorded(org: Personas) -> None:
    drafter, cosigner = Api(org.drafter), Api(org.cosigner)
    memo = new_memo(drafter)
    assert drafter.ok("get", f"/memos/{memo['id']}/attachments")["count"] == 0
    assert not AuditEvent.objects.filter(action="attachment.listed").exists(), "no names, nothing read"
    upload(drafter, memo["id"], "draft response to the minister.pdf", PDF)
    upload(drafter, memo["id"], "annex.pdf", PDF)
    assert drafter.ok("get", f"/memos/{memo['id']}/attachments")["count"] == 2
    assert cosigner.get(f"/memos/{memo['id']}/attachments")[0] == 404
    (listed,) = AuditEvent.objects.filter(action="attachment.listed")
    assert (listed.actor_id, listed.memo_id, listed.details) == (org.drafter.pk, memo["id"], {"files": 2})
    trail = logged_in(org.auditor).get("/audit/", {"action": "attachment.listed"}).content.decode()
    assert "Saw the names of a memo&#x27;s attached files" in trail


@override_settings(DISSENT_ATTACHMENT_MAX_BYTES=10_000, FILE_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_file_over_the_limit_is_refused_by_its_size_without_being_read(
    org: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Django spools a large upload to disk; reading it whole into memory to refuse it would
    let one request take as much memory as it likes."""
    read: list[int] = []
    spooled = TemporaryUploadedFile.read

    def counted(self: TemporaryUploadedFile) -> Any:
        def read_and_count(*args: Any) -> bytes:
            data: bytes = spooled.fget(self)(*args)
            read.append(len(data))
            return data

        return read_and_count

    monkeypatch.setattr(TemporaryUploadedFile, "read", property(counted))
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    status, body = upload(drafter, memo["id"], "big.pdf", PDF + b"x" * 1_000_000)
    assert (status, body["code"]) == (413, "too_large")
    assert sum(read) <= 8192
    assert upload(drafter, memo["id"], "small.pdf", PDF + b"x" * 5_000)[0] == 201
