"""Schemathesis against the API's own OpenAPI document, as a drafter and as the office: every
operation, valid and invalid input, answers no 5xx, and every answer is documented (its status
and its body's schema). The requests go through the WSGI application in this process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from tests.channel.helpers import Api, new_memo, submitted_memo
from tests.conftest import Personas, bearer, token_for
from tests.forums.helpers import ask, schedule

# Django's own WSGI handler, not dissent.wsgi: that entry point also makes this process seal the
# audit trail in a background thread, as a web worker does, and the other tests expect inline sealing.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
# Examples per operation and persona: 47 operations x 2 personas, about 90 s per database.
MAX_EXAMPLES = 25


@dataclass
class Caller:
    headers: dict[str, str]
    memo_ids: list[str]
    session_id: str
    question_id: str


@pytest.fixture(params=["drafter", "office"])
def caller(request: pytest.FixtureRequest, org: Personas) -> Iterator[Caller]:
    """A persona's token, and a draft the drafter may change and a submitted memo the office may
    act on: operations on them get past the 404 of a random id, into validation and the state
    machine. Then the WSGI handler is kept from closing the database connection after each
    request, which would end the test's transaction (Django's test client does the same)."""
    drafter = Api(org.drafter)
    session = schedule(org)
    found = Caller(
        headers=bearer(token_for(getattr(org, request.param))),
        memo_ids=[new_memo(drafter)["id"], submitted_memo(drafter)["id"]],
        session_id=session["id"],
        question_id=ask(Api(org.cosigner), session, "When?")["id"],
    )
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield found
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@schema.given(pick=st.sampled_from([None, 0, 1]))
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case: schemathesis.Case, pick: int | None, caller: Caller) -> None:
    if pick is not None and case.path_parameters:
        if "memo_id" in case.path_parameters:
            case.path_parameters["memo_id"] = caller.memo_ids[pick]
        if "session_id" in case.path_parameters:
            case.path_parameters["session_id"] = caller.session_id
        if "question_id" in case.path_parameters and pick:
            case.path_parameters["question_id"] = caller.question_id
    case.call_and_validate(
        headers=caller.headers,
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
