"""Hypothesis drives every action by every persona in any order: the memo only ever moves as
the transition table allows, and its deadlines never move backwards — only an extension
moves the response deadline, and only forwards."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from dissent.channel import services
from dissent.channel.models import Memo, Transition
from dissent.channel.status import TRANSITIONS
from dissent.errors import DomainError
from dissent.people.models import User
from tests.conftest import Personas

PERSONAS = (
    "drafter",
    "cosigner",
    "outsider",
    "office",
    "office_head",
    "leader",
    "agency_head",
    "auditor",
    "admin",
)

ACTIONS: dict[str, Any] = {
    "circulate": lambda a, m: services.circulate_memo(actor=a, memo_id=m),
    "submit": lambda a, m: services.submit_memo(actor=a, memo_id=m),
    "withdraw": lambda a, m: services.withdraw_memo(actor=a, memo_id=m),
    "acknowledge": lambda a, m: services.acknowledge_memo(actor=a, memo_id=m),
    "reroute": lambda a, m: services.reroute_memo(actor=a, memo_id=m, channel="hr", note="Personnel matter"),
    "respond": lambda a, m: services.respond_to_memo(
        actor=a,
        memo_id=m,
        body="Answer",
        items=[services.OutcomeIn(1, "accepted", "Yes"), services.OutcomeIn(2, "declined", "No")],
    ),
    "close": lambda a, m: services.close_memo(actor=a, memo_id=m),
    "reply": lambda a, m: services.reply_to_response(actor=a, memo_id=m, body="Thanks"),
    "extend": lambda a, m: services.extend_deadline(actor=a, memo_id=m, reason="More time"),
    "edit": lambda a, m: services.edit_memo(actor=a, memo_id=m, title=f"Edited {datetime.now().isoformat()}"),
    "message": lambda a, m: services.post_message(actor=a, memo_id=m, body="A message"),
}
TABLE_ACTION = {"reply": "close"}
NEXT_STEP = {
    "draft": ("drafter", "submit"),
    "circulating": ("drafter", "submit"),
    "submitted": ("office", "acknowledge"),
    "acknowledged": ("office", "respond"),
    "responded": ("office", "close"),
}


class MemoLifecycle(RuleBasedStateMachine):
    people: ClassVar[dict[str, User]] = {}

    def __init__(self) -> None:
        super().__init__()
        memo = services.create_memo(
            actor=self.people["drafter"],
            title="A memo",
            summary="",
            body="Body",
            recommendations=["One", "Two"],
        )
        self.memo_id = memo.public_id
        self.last = Memo.objects.get(pk=memo.pk)

    @initialize(steps=st.integers(min_value=0, max_value=4))
    def start_somewhere_along_the_story(self, steps: int) -> None:
        """Begin some runs already submitted, acknowledged or answered, so every state is explored."""
        for _ in range(steps):
            self.the_story_moves_on(close_by_reply=False)
        self.last = Memo.objects.get(public_id=self.memo_id)

    @rule(persona=st.sampled_from(PERSONAS), action=st.sampled_from(sorted(ACTIONS)))
    def anyone_tries_anything(self, persona: str, action: str) -> None:
        self.act(persona, action)

    @rule(action=st.sampled_from(sorted(ACTIONS)), side=st.booleans())
    def a_party_acts(self, action: str, side: bool) -> None:
        """Actions by the people they belong to, so that runs get past submission."""
        self.act("drafter" if side else "office", action)

    @rule(close_by_reply=st.booleans())
    def the_story_moves_on(self, close_by_reply: bool) -> None:
        """The next step of the ordinary story, so that runs reach the late states often."""
        status = Memo.objects.get(public_id=self.memo_id).status
        step = NEXT_STEP.get(status)
        if step == ("office", "close") and close_by_reply:
            step = ("drafter", "reply")
        if step:
            self.act(*step)

    def act(self, persona: str, action: str) -> None:
        before = Memo.objects.get(public_id=self.memo_id)
        try:
            ACTIONS[action](self.people[persona], self.memo_id)
        except DomainError:
            after = Memo.objects.get(public_id=self.memo_id)
            assert after.status == before.status, f"a refused {action} changed the status"
            assert after.response_due == before.response_due
            return
        after = Memo.objects.get(public_id=self.memo_id)
        table_action = TABLE_ACTION.get(action, action)
        if table_action in TRANSITIONS:
            ((target, allowed),) = TRANSITIONS[table_action].items()
            assert before.status in allowed, f"{action} succeeded from {before.status}"
            assert after.status == target
        else:
            assert after.status == before.status
        if action != "extend":
            assert after.response_due == before.response_due or before.response_due is None

    @invariant()
    def deadlines_never_move_backwards(self) -> None:
        now = Memo.objects.get(public_id=self.memo_id)
        if self.last.acknowledge_due is not None:
            assert now.acknowledge_due == self.last.acknowledge_due
        if self.last.response_due is not None:
            assert now.response_due is not None
            assert now.response_due >= self.last.response_due
        self.last = now

    @invariant()
    def transitions_form_one_chain(self) -> None:
        steps = list(Transition.objects.filter(memo__public_id=self.memo_id).order_by("pk"))
        for earlier, later in pairwise(steps):
            assert earlier.to_status == later.from_status
        if steps:
            assert steps[-1].to_status == Memo.objects.get(public_id=self.memo_id).status


def test_no_sequence_of_actions_breaks_the_lifecycle(org: Personas) -> None:
    MemoLifecycle.people = {name: getattr(org, name) for name in PERSONAS}
    run_state_machine_as_test(
        MemoLifecycle,
        settings=settings(
            max_examples=60, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
