"""What the API refuses before any view runs (dissent/api/text.py): a body too large (413), a NUL
anywhere PostgreSQL would meet it (400), a body that is not a JSON object (422). Each answer is
``{detail, code}``, documented in the OpenAPI document, and nothing is saved or audited."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from dissent.attachments.models import Attachment
from dissent.audit.models import AuditEvent
from dissent.channel.models import Memo, MemoVersion
from tests.channel.helpers import MEMO, Api, new_memo
from tests.conftest import Personas, logged_in

PDF = b"%PDF-1.7\n"


def send(api: Api, method: str, path: str, body: str | bytes) -> tuple[int, dict[str, str]]:
    response = getattr(api.client, method)(
        "/api/v1" + path, data=body, content_type="application/json", headers=api.headers
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/memos/a%00b",
        "/memos?status=draft%00",
        "/memos?x%00=1",
        "/audit?action=memo.created%00",
        "/people/1%00/key",
        "/memos/{memo}/attachments/a%00",
        "/memos/{memo}/signatures?state=valid%00",
    ],
)
def test_a_nul_in_the_address_is_a_400_on_every_database(org: Personas, path: str) -> None:
    api = Api(org.drafter)
    memo = new_memo(api)
    response = api.client.get("/api/v1" + path.format(memo=memo["id"]), headers=api.headers)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The address holds a NUL character, which no text here may contain.",
        "code": "bad_request",
    }


@pytest.mark.parametrize(
    "changes",
    [{"title": "a\x00b"}, {"recommendations": ["fine", "\x00"]}, {"body": "text", "\x00": 1}],
)
def test_a_nul_in_json_text_is_a_400_and_nothing_is_created(
    org: Personas, changes: dict[str, object]
) -> None:
    status, body = send(Api(org.drafter), "post", "/memos", json.dumps({**MEMO, **changes}))
    assert (status, body["code"]) == (400, "bad_request")
    assert "NUL character" in body["detail"]
    assert not Memo.objects.exists()


def test_an_escaped_backslash_before_u0000_is_ordinary_text(org: Personas) -> None:
    status, body = send(Api(org.drafter), "post", "/memos", json.dumps({**MEMO, "title": "C:\\u0000"}))
    assert status == 201
    assert body["title"] == "C:\\u0000"


@pytest.mark.parametrize("payload", ["false", "null", "[]", '["title"]', "1", '"Changed"'])
def test_an_edit_whose_body_is_not_an_object_is_422_and_changes_nothing(org: Personas, payload: str) -> None:
    api = Api(org.drafter)
    memo = new_memo(api)
    events = AuditEvent.objects.count()
    status, body = send(api, "patch", f"/memos/{memo['id']}", payload)
    assert (status, body["code"]) == (422, "invalid")
    assert "must be a JSON object" in body["detail"]
    assert AuditEvent.objects.count() == events
    assert MemoVersion.objects.filter(memo__public_id=memo["id"]).count() == 1
    assert api.ok("get", f"/memos/{memo['id']}")["title"] == MEMO["title"]


@pytest.mark.parametrize("size", [1_000_001, 10_000_000])
def test_a_json_body_over_one_megabyte_is_413(org: Personas, size: int) -> None:
    """Valid JSON, a memo whose body is just too long to send: refused by size before it is read."""
    padding = size - len(json.dumps({**MEMO, "body": ""}))
    status, body = send(Api(org.drafter), "post", "/memos", json.dumps({**MEMO, "body": "x" * padding}))
    assert status == 413
    assert body == {
        "detail": "The request body is larger than 1 MB, the limit for JSON.",
        "code": "too_large",
    }
    assert not Memo.objects.exists()


def test_the_largest_memo_fits_under_the_limit(org: Personas) -> None:
    """200,000 characters of Chinese are 600 KB of UTF-8: the limit leaves room for any memo."""
    payload = json.dumps({**MEMO, "body": "水" * 200_000}, ensure_ascii=False).encode()
    status, _ = send(Api(org.drafter), "post", "/memos", payload)
    assert status == 201


def test_a_100000_deep_json_is_400(org: Personas) -> None:
    """Balanced, so valid JSON that no parser here can nest (test_bad_input.py sends it unclosed)."""
    status, body = send(Api(org.drafter), "post", "/memos", "[" * 100_000 + "]" * 100_000)
    assert (status, body["code"]) == (400, "bad_request")


@override_settings(DISSENT_ATTACHMENT_MAX_BYTES=100_000)
def test_an_upload_far_over_the_file_limit_is_413_before_it_is_read(org: Personas) -> None:
    api = Api(org.drafter)
    memo = new_memo(api)
    events = AuditEvent.objects.count()
    response = api.client.post(
        f"/api/v1/memos/{memo['id']}/attachments",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"x" * 200_000)},
        headers=api.headers,
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The upload is larger than 0.1 MB, the limit for a file.",
        "code": "too_large",
    }
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.count() == events


def test_every_operation_documents_its_error_answer(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["components"]["schemas"]["Error"]["required"] == ["detail", "code"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            error = operation["responses"].get("4XX")
            assert error, f"{method.upper()} {path} documents no error answer"
            assert error["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize(
    "body",
    [b'{"title": "\xff\xfe", "body": "x"}', b'{"title": "\xed\xa0\x80", "body": "x", "recommendations": []}'],
    ids=["not UTF-8", "an encoded surrogate"],
)
def test_a_body_that_is_not_utf8_is_a_400(org: Personas, body: bytes) -> None:
    status, answer = send(Api(org.drafter), "post", "/memos", body)
    assert (status, answer["code"]) == (400, "bad_request")
    assert not Memo.objects.exists()


@pytest.mark.parametrize("header", ["Authorization", "X-Anything", "Accept-Language", "Cookie"])
def test_an_overlong_header_is_a_4xx_or_ignored(org: Personas, header: str) -> None:
    api = Api(org.drafter)
    headers = {**api.headers, header: ("Bearer " if header == "Authorization" else "") + "x" * 100_000}
    response = api.client.get("/api/v1/me", headers=headers)
    assert response.status_code == (401 if header == "Authorization" else 200)
    assert logged_in(org.drafter).get("/memos/", headers={header: "x" * 100_000}).status_code in (
        200,
        302,
        400,
    )
