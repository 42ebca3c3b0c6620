"""The demo shows a message from leadership and a listening session, so `make run` has
something on the new pages."""

from __future__ import annotations

import pytest

from dissent import cli
from dissent.broadcasts.models import Broadcast
from dissent.forums.models import ListeningSession
from dissent.people.models import User
from tests.web.helpers import sees


@pytest.mark.django_db
def test_the_demo_has_a_message_to_all_staff_linking_a_memo_for_those_who_may_see_it() -> None:
    assert cli.main(["demo", "--no-serve"]) == 0
    message = Broadcast.objects.get()
    assert message.to_all
    drafter = User.objects.get(email="drafter@demo.example")  # a co-drafter of the linked memo
    page = sees(drafter, f"/messages/{message.public_id}/")
    assert "Listening sessions on the water programme consolidation" in page
    assert "Memos this message refers to" in page
    assert "Memos this message refers to" not in sees(
        User.objects.get(email="auditor@demo.example"), f"/messages/{message.public_id}/"
    )
    session = ListeningSession.objects.get()
    page = sees(drafter, f"/sessions/{session.public_id}/")
    assert "Town hall: the move to the new building" in page
    assert "新大楼是否有足够的自行车停放位置和淋浴间" in page
    assert "The floor plans go on the intranet next week." in page
    assert "Answering now" in page
