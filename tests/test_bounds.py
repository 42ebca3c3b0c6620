"""Ids and list windows typed by a client never reach SQL unchecked: a clear 4xx, never a 500.

"²" passes ``str.isdigit`` and fails ``int``; thirty nines pass both and overflow every
database's integers; a negative offset makes Django raise.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dissent.bounds import MAX_ID, parse_id, window
from tests.channel.helpers import Api, new_memo, submitted_memo
from tests.conftest import Personas, logged_in

HOSTILE_IDS = ["²", "٣", "9" * 30, str(MAX_ID + 1), "-1", "0", "1e3", " 1", ""]


@pytest.mark.parametrize("text", HOSTILE_IDS)
def test_only_ascii_digits_naming_a_64_bit_key_are_ids(text: str) -> None:
    assert parse_id(text) is None


def test_ids_and_windows_that_fit_pass_unchanged() -> None:
    assert parse_id("1") == 1
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert window(50, 100, max_limit=200) == (50, 100)
    assert window(0, -5, max_limit=200) == (1, 0)
    assert window(10**6, 10**30, max_limit=200) == (200, 10**9)


@pytest.mark.parametrize("text", ["²", "9" * 30])
def test_hostile_ids_are_4xx_wherever_a_client_types_one(org: Personas, text: str) -> None:
    drafter = Api(org.drafter)
    memo = new_memo(drafter)
    assert drafter.get(f"/people/{text}/key")[0] == 404
    upload = Client().post(
        f"/api/v1/memos/{memo['id']}/attachments",
        {"file": SimpleUploadedFile("a.txt", b"hello"), "message_id": text},
        headers=drafter.headers,
    )
    assert upload.status_code == 404
    pages = logged_in(org.drafter)
    assert pages.get(f"/memos/{memo['id']}/versions/", {"a": text}).status_code == 404
    assert pages.post("/inbox/read/", {"notification": text}).status_code == 302
    auditor = logged_in(org.auditor)
    assert auditor.get("/audit/", {"actor": text}).status_code == 400
    assert Api(org.auditor).get(f"/audit?actor={text}")[0] == 422


@pytest.mark.parametrize("offset", ["-5", "9" * 30])
def test_list_windows_out_of_range_show_a_page_not_a_500(org: Personas, offset: str) -> None:
    drafter = Api(org.drafter)
    memo = submitted_memo(drafter)
    status, body = drafter.get(f"/memos?offset={offset}&limit=-1")
    assert status == 200
    assert body["count"] == 1
    assert drafter.get(f"/memos/{memo['id']}/signatures?offset={offset}")[0] == 200
    assert Api(org.auditor).get(f"/audit?offset={offset}")[0] == 200
