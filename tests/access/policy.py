"""The one policy table: every page and API operation, who may use it on a memo in which state,
and what each person gets back.

Written from the product's rules (docs/channel.md "Lifecycle" and "Who sees what",
channel/status.py's TRANSITIONS, the predicates of channel/policy.py and signing/policy.py as
documented), not from what the views happen to return. The order of the checks is the rule of
docs/channel.md: a person who may not see the memo gets 404; one who may see it but not act
403; an action the status table does not allow 409.

``Standing`` is what a persona is to one memo, from the world's facts alone (tests/access/world.py):
who drafted it, who was invited and signed, and whether it was ever submitted (the receiving
parties count only from submission, also once it is withdrawn, re-routed or closed).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from dissent.channel.status import CONVERSING, EDITABLE, EXTENDABLE, SUBMITTED_STATES, TRANSITIONS, MemoStatus
from tests.access.world import MemoCase

S = MemoStatus
PERSONAS = (
    "drafter",
    "codrafter",
    "cosigner",
    "invitee",
    "outsider",
    "contractor",
    "office",
    "office_head",
    "leader",
    "agency_head",
    "auditor",
    "admin",
    "anonymous",
)
OFFICE = frozenset({"office", "office_head"})
# The receiving parties of docs/channel.md: the office, the standing distribution (leadership),
# the head of a drafter's agency (the co-drafter's Aid Agency; not the office's own Ministry).
RECEIVING = OFFICE | {"leader", "agency_head"}


@dataclass(frozen=True)
class Standing:
    persona: str
    drafter: bool = False
    signer: bool = False
    invitee: bool = False
    office: bool = False
    office_head: bool = False
    receiving: bool = False

    @property
    def sees(self) -> bool:
        return self.drafter or self.signer or self.invitee or self.receiving

    @property
    def in_thread(self) -> bool:
        """The conversation is between drafters and office; signers may read it."""
        return self.drafter or self.signer or self.office

    @property
    def eligible(self) -> bool:
        return self.persona != "contractor"


def standing(persona: str, memo: MemoCase | None) -> Standing:
    if memo is None:
        return Standing(persona)
    submitted = memo.submitted
    return Standing(
        persona,
        drafter=persona in {"drafter", "codrafter"},
        signer=persona == "cosigner" and memo.circulated,
        invitee=persona in {"cosigner", "invitee"} and memo.circulated,
        office=persona in OFFICE and submitted,
        office_head=persona == "office_head" and submitted,
        receiving=persona in RECEIVING and submitted,
    )


Rule = Callable[[Standing, MemoCase], int]


def from_(action: str) -> frozenset[str]:
    (allowed,) = TRANSITIONS[action].values()
    return frozenset(allowed)


def read(who: Callable[[Standing], bool] = lambda s: s.sees) -> Rule:
    """A read: 200 for those it is for; for everyone else the thing does not exist."""
    return lambda s, m: 200 if s.sees and who(s) else 404


def act(who: Callable[[Standing], bool], states: Collection[str], ok: int = 200) -> Rule:
    def rule(s: Standing, m: MemoCase) -> int:
        if not s.sees:
            return 404
        if not who(s):
            return 403
        return ok if m.status in states else 409

    return rule


def drafters(s: Standing) -> bool:
    return s.drafter


def office(s: Standing) -> bool:
    return s.office


def extend(s: Standing, m: MemoCase) -> int:
    """Once: a second extension is refused like a wrong state."""
    status = act(office, EXTENDABLE)(s, m)
    return 409 if status == 200 and m.extended else status


def sign(s: Standing, m: MemoCase) -> int:
    """Drafters and invitees sign an open memo, once per version."""
    status = act(lambda s: s.drafter or s.invitee, {S.CIRCULATING}, 201)(s, m)
    return 409 if status == 201 and s.signer else status


def unsign(s: Standing, m: MemoCase) -> int:
    """Anyone who sees the memo may withdraw their own signature while it circulates: a person
    with none is told there is nothing to withdraw (409), like a memo no longer open."""
    if not s.sees:
        return 404
    return 204 if s.signer and m.status == S.CIRCULATING else 409


@dataclass(frozen=True)
class Global:
    """An operation or page that names no memo: who gets ``ok``, and what everyone else gets."""

    who: Callable[[str], bool]
    ok: int = 200
    deny: int = 404
    anonymous: int | None = None  # None: the API's 401, or a page's redirect to the log-in
    creates_memo: bool = False
    seen_by: Callable[[str], bool] | None = None  # who sees it without being allowed: ``seen``
    seen: int = 422

    def status(self, persona: str, *, page: bool) -> int:
        if persona == "anonymous":
            return self.anonymous or (302 if page else 401)
        if self.who(persona):
            return self.ok
        return self.seen if self.seen_by is not None and self.seen_by(persona) else self.deny


def everyone(persona: str) -> bool:
    return True


def eligible(persona: str) -> bool:
    return persona != "contractor"


def leadership(persona: str) -> bool:
    return persona == "leader"


# The world's message to staff is addressed to the Water Bureau; leadership sees every message,
# and only leadership sees how many read it (per unit). Anyone else: as if it did not exist.
ADDRESSED = frozenset({"cosigner", "codrafter"})


def addressed(persona: str) -> bool:
    return persona in ADDRESSED


def addressed_or_leadership(persona: str) -> bool:
    return addressed(persona) or leadership(persona)


# The world's listening session was scheduled by the office for the Water Bureau: its members
# and the moderators (the office and leadership) see it; to anyone else it does not exist. Its
# one question is the leader's, who may not vote for it. Nobody has voted yet.
ORGANISERS = OFFICE | {"leader"}


def organiser(persona: str) -> bool:
    return persona in ORGANISERS


def at_session(persona: str) -> bool:
    return addressed(persona) or organiser(persona)


def nobody(persona: str) -> bool:
    return False


SESSION = "/api/v1/sessions/{session_id}"
SESSION_BUTTONS = (
    "session_register",
    "session_ask",
    *(f"question_{action}" for action in ("vote", "unvote", "report", "approve", "hide", "highlight")),
    *(f"question_{action}" for action in ("answer", "merge")),
)
QUESTION = SESSION + "/questions/{question_id}"

# API operations: (method, OpenAPI path) -> rule for memo-scoped ones, or for global ones a
# rule over the persona alone (``Global``).
API: dict[tuple[str, str], Rule | Global] = {
    ("GET", "/api/v1/me"): Global(everyone),
    ("GET", "/api/v1/memos"): Global(everyone),
    ("POST", "/api/v1/memos"): Global(eligible, ok=201, deny=403, creates_memo=True),
    ("GET", "/api/v1/office/queue"): Global(lambda p: p in OFFICE),
    ("GET", "/api/v1/audit"): Global(lambda p: p == "auditor"),
    ("GET", "/api/v1/broadcasts"): Global(everyone),
    ("POST", "/api/v1/broadcasts"): Global(leadership, ok=201, deny=403),
    ("GET", "/api/v1/broadcasts/{broadcast_id}"): Global(addressed_or_leadership),
    # Leadership sees a message not addressed to them, but has nothing to mark read: 422.
    ("POST", "/api/v1/broadcasts/{broadcast_id}/read"): Global(addressed, seen_by=leadership),
    ("GET", "/api/v1/broadcasts/{broadcast_id}/reads"): Global(leadership),
    ("GET", "/api/v1/sessions"): Global(everyone),
    ("POST", "/api/v1/sessions"): Global(organiser, ok=201, deny=403),
    ("GET", SESSION): Global(at_session),
    ("POST", SESSION + "/registrations"): Global(at_session, ok=201),
    ("POST", SESSION + "/questions"): Global(at_session, ok=201),
    ("GET", SESSION + "/questions"): Global(at_session),
    ("POST", SESSION + "/replies"): Global(at_session),
    ("GET", SESSION + "/events"): Global(at_session),
    ("GET", SESSION + "/statistics"): Global(organiser, seen_by=addressed, seen=403),
    ("POST", SESSION + "/close"): Global(organiser, seen_by=addressed, seen=403),
    ("POST", QUESTION + "/votes"): Global(
        lambda p: at_session(p) and p != "leader", ok=201, seen_by=leadership, seen=403
    ),
    ("DELETE", QUESTION + "/votes/me"): Global(nobody, seen_by=at_session, seen=409),
    ("POST", QUESTION + "/reports"): Global(at_session, ok=201),
    ("POST", QUESTION + "/moderate"): Global(organiser, seen_by=addressed, seen=403),
    ("GET", "/api/v1/people/{person_id}/key"): Global(everyone),
    ("GET", "/api/v1/server/key"): Global(everyone),
    ("GET", "/api/v1/memos/{memo_id}"): read(),
    ("PATCH", "/api/v1/memos/{memo_id}"): act(drafters, EDITABLE),
    ("POST", "/api/v1/memos/{memo_id}/drafters"): act(drafters, EDITABLE, 201),
    ("POST", "/api/v1/memos/{memo_id}/circulate"): act(drafters, from_("circulate")),
    ("POST", "/api/v1/memos/{memo_id}/submit"): act(drafters, from_("submit")),
    ("POST", "/api/v1/memos/{memo_id}/withdraw"): act(drafters, from_("withdraw")),
    ("POST", "/api/v1/memos/{memo_id}/acknowledge"): act(office, from_("acknowledge")),
    ("POST", "/api/v1/memos/{memo_id}/close"): act(office, from_("close")),
    ("POST", "/api/v1/memos/{memo_id}/extend"): extend,
    ("POST", "/api/v1/memos/{memo_id}/reroute"): act(office, from_("reroute")),
    ("POST", "/api/v1/memos/{memo_id}/readers"): act(lambda s: s.office_head, SUBMITTED_STATES, 201),
    ("POST", "/api/v1/memos/{memo_id}/response"): act(office, from_("respond")),
    ("POST", "/api/v1/memos/{memo_id}/reply"): act(drafters, from_("close")),
    ("GET", "/api/v1/memos/{memo_id}/messages"): read(lambda s: s.in_thread),
    ("POST", "/api/v1/memos/{memo_id}/messages"): act(lambda s: s.drafter or s.office, CONVERSING, 201),
    ("POST", "/api/v1/memos/{memo_id}/attachments"): act(drafters, EDITABLE, 201),
    ("GET", "/api/v1/memos/{memo_id}/attachments"): read(),
    # The memo's own file: every party; a file of a message: the conversation only (the
    # matrix runs this operation once with each; see MESSAGE_FILE).
    ("GET", "/api/v1/memos/{memo_id}/attachments/{attachment_id}"): read(),
    ("POST", "/api/v1/memos/{memo_id}/invitations"): act(drafters, {S.CIRCULATING}, 201),
    ("GET", "/api/v1/memos/{memo_id}/signatures"): read(),
    ("POST", "/api/v1/memos/{memo_id}/signatures"): sign,
    ("DELETE", "/api/v1/memos/{memo_id}/signatures/me"): unsign,
    ("GET", "/api/v1/memos/{memo_id}/signing"): read(),
    ("GET", "/api/v1/memos/{memo_id}/signing/history"): read(),
    ("PUT", "/api/v1/memos/{memo_id}/target"): act(drafters, EDITABLE),
    # The bundle names every signer: only for those who see every name (the receiving parties).
    ("GET", "/api/v1/memos/{memo_id}/bundle"): act(lambda s: s.receiving, SUBMITTED_STATES | {S.WITHDRAWN}),
}
MESSAGE_FILE = read(lambda s: s.in_thread)


@dataclass(frozen=True)
class Page:
    """A memo page answers as the API does, in a page's words. Shown: 200; done: a redirect to
    the memo; a refusal of a bare button, or of a page one may not use, a redirect to the memo
    page with the reason as a message; a refused form the memo page again with the refusal's
    status; and 404 where the memo does not exist for the person."""

    rule: Rule
    form: bool = False

    def status(self, api_status: int, method: str) -> int:
        if api_status == 404:
            return 404
        if api_status < 300:
            return 200 if method == "GET" else 302
        return api_status if self.form else 302


# Pages, by URL name and method. Memo pages take the memo's id.
PAGES: dict[tuple[str, str], Page | Global] = {
    ("home", "GET"): Global(everyone),
    ("healthz", "GET"): Global(everyone, anonymous=200),
    ("set_language", "POST"): Global(everyone, ok=302, anonymous=302),
    ("memos", "GET"): Global(everyone),
    ("memo_new", "GET"): Global(everyone),
    ("memo_new", "POST"): Global(eligible, ok=302, deny=403, creates_memo=True),
    ("office_queue", "GET"): Global(lambda p: p in OFFICE),
    ("inbox", "GET"): Global(everyone),
    ("inbox_read", "POST"): Global(everyone, ok=302),
    ("inbox_preferences", "POST"): Global(everyone, ok=302),
    ("audit:trail", "GET"): Global(lambda p: p == "auditor"),
    ("messages", "GET"): Global(everyone),
    ("message", "GET"): Global(addressed_or_leadership),
    ("staff_messages", "GET"): Global(leadership),
    ("staff_messages", "POST"): Global(leadership, ok=302),
    ("audit:export", "GET"): Global(lambda p: p == "auditor"),
    ("sessions", "GET"): Global(everyone),
    ("session_new", "GET"): Global(organiser),
    ("session_new", "POST"): Global(organiser, ok=302),
    ("session", "GET"): Global(at_session),
    ("session_replies", "GET"): Global(at_session),
    ("session_statistics", "GET"): Global(organiser),
    ("session_export", "GET"): Global(organiser),
    ("session_close", "GET"): Global(organiser),
    ("session_close", "POST"): Global(organiser, ok=302),
    # Buttons: done or refused (a moderator's button pressed by staff, a vote on one's own
    # question), the answer is the session page with a message; to anyone else a 404.
    **{(name, "POST"): Global(at_session, ok=302) for name in SESSION_BUTTONS},
    ("memo", "GET"): Page(read()),
    ("memo_edit", "GET"): Page(act(drafters, EDITABLE)),
    ("memo_edit", "POST"): Page(act(drafters, EDITABLE)),
    ("memo_versions", "GET"): Page(read()),
    ("memo_signers", "GET"): Page(read()),
    ("memo_add_drafter", "POST"): Page(act(drafters, EDITABLE, 201), form=True),
    ("memo_submit", "POST"): Page(act(drafters, from_("submit"))),
    ("memo_withdraw", "POST"): Page(act(drafters, from_("withdraw"))),
    ("memo_acknowledge", "POST"): Page(act(office, from_("acknowledge"))),
    ("memo_extend", "POST"): Page(extend, form=True),
    ("memo_reroute", "POST"): Page(act(office, from_("reroute")), form=True),
    ("memo_add_reader", "POST"): Page(act(lambda s: s.office_head, SUBMITTED_STATES, 201), form=True),
    ("memo_respond", "POST"): Page(act(office, from_("respond")), form=True),
    ("memo_reply", "POST"): Page(act(drafters, from_("close")), form=True),
    ("memo_close", "POST"): Page(act(office, from_("close"))),
    ("memo_message", "POST"): Page(act(lambda s: s.drafter or s.office, CONVERSING, 201), form=True),
    ("memo_circulate", "POST"): Page(act(drafters, from_("circulate"))),
    ("memo_invite", "POST"): Page(act(drafters, {S.CIRCULATING}, 201), form=True),
    ("memo_sign", "POST"): Page(sign, form=True),
    ("memo_unsign", "POST"): Page(unsign),
}

# Routes that are not the channel's: classified by where they are mounted.
PUBLIC_PREFIXES = {
    "accounts/": "public/auth: allauth's log-in, log-out, password and two-factor pages",
    "admin/": "operators: the admin site, open only to the admin role (admin_site.py)",
}
# What is mounted beside the channel, by URL: the API's own documents (public: the API's shape
# is no secret), its bare root, and one page of each prefix above as its representative.
OUTSIDE = {
    "/api/v1/openapi.json": Global(everyone, anonymous=200),
    "/api/v1/docs": Global(everyone, anonymous=200),
    "/api/v1/": Global(everyone, ok=404, anonymous=404),
    "/admin/": Global(lambda p: p == "admin", deny=302),
    "/accounts/login/": Global(everyone, ok=302, anonymous=200),  # signed in: sent home
}
