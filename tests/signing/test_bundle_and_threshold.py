"""The frozen set at submission: the office's receipt, the bundle, and the leadership threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dissent import cli
from dissent.audit.models import AuditEvent
from dissent.channel.models import ChannelSettings
from dissent.notify.models import Notification
from dissent.proof import bundle
from dissent.proof.verify import verify_bundle
from dissent.signing.models import OfficeReceipt
from tests.channel.helpers import Api
from tests.conftest import Personas
from tests.signing.helpers import circulating_memo, sign


@pytest.fixture
def api(org: Personas) -> dict[str, Api]:
    names = ("drafter", "cosigner", "outsider", "office", "leader", "auditor")
    return {name: Api(getattr(org, name)) for name in names}


def submitted_with_two_signatures(api: dict[str, Api]) -> dict:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo, name_visible=True)
    sign(api["drafter"], memo)
    return api["drafter"].ok("post", f"/memos/{memo['id']}/submit")


def test_the_office_exports_a_bundle_that_verifies_offline(org: Personas, api: dict[str, Api]) -> None:
    memo = submitted_with_two_signatures(api)
    response = api["office"].client.get(f"/api/v1/memos/{memo['id']}/bundle", headers=api["office"].headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.content
    server_key = api["office"].ok("get", "/server/key")["public_key"]
    report = verify_bundle(data, server_key=server_key)
    assert report.ok, report.failures
    assert (report.memo_id, report.version_number, report.signatures) == (memo["id"], 1, 2)

    doc = json.loads(data)
    assert doc["version"]["document"]["title"] == memo["title"]
    assert doc["version"]["sha256"] == memo["version"]["sha256"]
    assert doc["receipt"]["statement"]["by_unit"] == {"NOR": 1, "WAT": 1}
    assert {e["signer_id"] for e in doc["signatures"]} == {str(org.cosigner.pk), str(org.drafter.pk)}
    keys = {e["signer_id"]: e["signer_public_key"] for e in doc["signatures"]}
    assert (
        api["outsider"].ok("get", f"/people/{org.cosigner.pk}/key")["public_key"]
        == keys[str(org.cosigner.pk)]
    )
    assert AuditEvent.objects.filter(action="memo.bundle_exported", actor_id=org.office.pk).count() == 1
    again = api["office"].client.get(f"/api/v1/memos/{memo['id']}/bundle", headers=api["office"].headers)
    assert again.content == data  # the frozen set does not move


def test_only_those_who_see_every_name_get_the_bundle(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    assert api["office"].get(f"/memos/{memo['id']}/bundle")[0] == 404  # not submitted: not visible
    status, body = api["drafter"].get(f"/memos/{memo['id']}/bundle")
    assert (status, body["code"]) == (403, "forbidden")
    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    assert api["cosigner"].get(f"/memos/{memo['id']}/bundle")[0] == 403
    assert api["leader"].get(f"/memos/{memo['id']}/bundle")[0] == 200
    assert api["outsider"].get(f"/memos/{memo['id']}/bundle")[0] == 404


def test_cli_exports_and_verifies_and_names_a_tampered_entry(
    org: Personas, api: dict[str, Api], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    memo = submitted_with_two_signatures(api)
    path = tmp_path / "bundle.json"
    assert cli.main(["export", "bundle", memo["id"], "-o", str(path)]) == 0
    assert cli.main(["verify", str(path)]) == 0
    assert f"OK memo {memo['id']} version 1" in capsys.readouterr().out

    doc = json.loads(path.read_bytes())
    signed_at = doc["signatures"][0]["signed_at"]  # one digit of the microseconds changes
    doc["signatures"][0]["signed_at"] = signed_at[:-7] + ("1" if signed_at[-7] != "1" else "2") + "+00:00"
    path.write_bytes(bundle.encode(doc))
    assert cli.main(["verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL signatures[0] (signer {doc['signatures'][0]['signer_id']})" in out
    assert "FAIL receipt" in out

    assert cli.main(["export", "bundle", memo["id"]]) == 0
    assert verify_bundle(capsys.readouterr().out.encode()).ok


def test_cli_export_of_an_unsubmitted_or_unknown_memo_exits_2(
    org: Personas, api: dict[str, Api], capsys: pytest.CaptureFixture[str]
) -> None:
    memo = circulating_memo(api["drafter"])
    assert cli.main(["export", "bundle", memo["id"]]) == 2
    assert "not been submitted" in capsys.readouterr().err
    assert cli.main(["export", "bundle", "nope"]) == 2
    assert "There is no memo nope." in capsys.readouterr().err


def test_a_memo_without_signatures_has_an_empty_frozen_set(org: Personas, api: dict[str, Api]) -> None:
    memo = circulating_memo(api["drafter"])
    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    receipt = OfficeReceipt.objects.get()
    assert receipt.count == 0
    assert verify_bundle(
        api["office"].client.get(f"/api/v1/memos/{memo['id']}/bundle", headers=api["office"].headers).content
    ).ok


@pytest.fixture
def leadership_only_by_threshold(org: Personas) -> ChannelSettings:
    config = ChannelSettings.current()
    config.distribution_roles = []
    config.save()
    return config


def test_the_threshold_is_off_by_default(org: Personas) -> None:
    config = ChannelSettings.current()
    assert config.leadership_signers_threshold is None
    assert config.leadership_agencies_threshold is None


def test_enough_signers_add_leadership_to_the_distribution(
    org: Personas,
    api: dict[str, Api],
    leadership_only_by_threshold: ChannelSettings,
) -> None:
    leadership_only_by_threshold.leadership_signers_threshold = 2
    leadership_only_by_threshold.save()
    few = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], few)
    assert api["cosigner"].ok("get", f"/memos/{few['id']}/signing")["reaches_leadership"] is False
    api["drafter"].ok("post", f"/memos/{few['id']}/submit")
    assert api["leader"].get(f"/memos/{few['id']}")[0] == 404

    many = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], many)
    sign(api["drafter"], many)
    assert api["cosigner"].ok("get", f"/memos/{many['id']}/signing")["reaches_leadership"] is True
    api["drafter"].ok("post", f"/memos/{many['id']}/submit")
    assert api["leader"].ok("get", f"/memos/{many['id']}")["signature_count"] == 2
    assert [m["id"] for m in api["leader"].ok("get", "/memos")["items"]] == [many["id"]]
    assert Notification.objects.filter(user=org.leader, kind="memo.submitted").count() == 1
    assert AuditEvent.objects.get(action="memo.submitted", memo_id=many["id"]).details["leadership_added"]


def test_signers_from_enough_agencies_add_leadership(
    org: Personas, api: dict[str, Api], leadership_only_by_threshold: ChannelSettings
) -> None:
    leadership_only_by_threshold.leadership_agencies_threshold = 2
    leadership_only_by_threshold.save()
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org", "office@example.org"])
    sign(api["drafter"], memo)  # NOR, in the ministry
    sign(api["office"], memo)  # PPS, in the ministry too
    assert api["drafter"].ok("get", f"/memos/{memo['id']}/signing")["reaches_leadership"] is False
    sign(api["cosigner"], memo)  # WAT, in the aid agency
    api["drafter"].ok("post", f"/memos/{memo['id']}/submit")
    assert api["leader"].get(f"/memos/{memo['id']}")[0] == 200


def test_the_unit_tree_is_read_only_when_the_agencies_threshold_is_set(
    org: Personas, api: dict[str, Api], leadership_only_by_threshold: ChannelSettings
) -> None:
    """The memo page asks whether signers bring in leadership on every view; counting agencies
    reads the whole unit tree, so it happens only when that setting decides."""
    memo = circulating_memo(api["drafter"], invite=["cosigner@example.org"])
    sign(api["cosigner"], memo)

    def reads_the_tree() -> bool:
        with CaptureQueriesContext(connection) as captured:
            api["drafter"].ok("get", f"/memos/{memo['id']}/signing")
        return any('"people_unit"."parent_id"' in q["sql"] for q in captured)  # the whole tree

    assert not reads_the_tree()
    leadership_only_by_threshold.leadership_agencies_threshold = 2
    leadership_only_by_threshold.save()
    assert reads_the_tree()
