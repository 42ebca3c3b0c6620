"""Found by the access matrix: a co-signer reads the conversation but does not take part in it."""

from __future__ import annotations

from tests.channel.helpers import Api
from tests.conftest import Personas
from tests.signing.helpers import circulating_memo, sign


def test_a_cosigner_posting_to_the_thread_is_refused_as_not_a_participant(org: Personas) -> None:
    drafter, cosigner = Api(org.drafter), Api(org.cosigner)
    memo = circulating_memo(drafter, invite=[org.cosigner.email])
    assert sign(cosigner, memo)[0] == 201
    drafter.ok("post", f"/memos/{memo['id']}/submit")

    status, body = cosigner.post(f"/memos/{memo['id']}/messages", {"body": "May I add something?"})

    # Not 409 "messages can be sent once the memo is submitted": it is submitted, and the
    # co-signer may read the thread; they are simply not one of its two sides.
    assert (status, body["code"]) == (403, "forbidden")
    assert cosigner.get(f"/memos/{memo['id']}/messages")[0] == 200
