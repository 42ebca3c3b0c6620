"""Memos made through the services, and reading pages as a person sees them."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from dissent.channel import services
from dissent.people.models import User
from tests.conftest import Personas, logged_in

MEMO: dict[str, Any] = {
    "title": "Reconsider the consolidation of regional water programmes",
    "summary": "Merging the programmes risks the rural sites.",
    "body": "## Background\n\nThe plan merges **three** programmes.",
    "recommendations": ["Keep the rural programme separate.", "Publish the evaluation."],
    "policy_area": "Development cooperation",
}


def draft(org: Personas, **changes: Any) -> str:
    """A draft by the drafter, with the co-signer (who works in the Aid Agency) as co-drafter."""
    memo = services.create_memo(actor=org.drafter, **{**MEMO, **changes})
    services.add_drafter(actor=org.drafter, memo_id=memo.public_id, email=org.cosigner.email)
    return memo.public_id


def submitted(org: Personas, **changes: Any) -> str:
    memo_id = draft(org, **changes)
    services.submit_memo(actor=org.drafter, memo_id=memo_id)
    return memo_id


def responded(org: Personas) -> str:
    memo_id = submitted(org)
    services.acknowledge_memo(actor=org.office, memo_id=memo_id)
    services.respond_to_memo(
        actor=org.office,
        memo_id=memo_id,
        body="Thank you for the memo.",
        items=[
            services.OutcomeIn(number=1, outcome="partly_accepted", text="Kept separate for two years."),
            services.OutcomeIn(number=2, outcome="accepted", text="Published next month."),
        ],
    )
    return memo_id


def text_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def sees(user: User, url: str) -> str:
    return text_of(logged_in(user), url)


def page_without(response: Any, memo_id: str) -> str:
    """A page's text with the memo id and the CSRF token taken out: a hidden memo's 404 must
    equal a missing memo's to the byte, apart from those."""
    text = response.content.decode().replace(memo_id, "ID")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
