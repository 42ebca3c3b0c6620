"""The access matrix's world: thirteen personas and one memo in each state, built through the services.

Every memo has the same parties, so a persona's standing toward a memo depends only on how far
the memo got: the drafter (Northern Bureau, Ministry) and a co-drafter from the Water Bureau (Aid
Agency, so the Aid Agency's head is the head of a drafter's agency); from circulation on, a
co-signer who signed and an invitee who did not. Each memo has one file attached to the memo;
each submitted one also has a message with a file in the conversation. Leadership has sent one
message to staff, addressed to the Water Bureau (the co-signer and the co-drafter), and the
office has scheduled a listening session for it, where the leader asked a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.files.base import ContentFile

from dissent.attachments import services as attachments
from dissent.broadcasts import services as broadcasts
from dissent.channel import services
from dissent.channel.models import Memo
from dissent.forums import services as forums
from dissent.people import services as people
from dissent.people.models import User
from dissent.signing import services as signing
from tests.conftest import Personas
from tests.web.helpers import MEMO

EXTRA_PEOPLE = """email,name,units,roles,eligible,language
codrafter@example.org,Cora Codrafter,WAT,staff,true,en
invitee@example.org,Ivo Invitee,NOR,staff,true,en
colleague@example.org,Cleo Colleague,NOR,staff,true,en
contractor@example.org,Carl Contractor,NOR,staff,false,en
"""


# Each state, and the steps that lead to it after the draft (``circulate`` also invites the
# invitee and the co-signer, and the co-signer signs).
STEPS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "circulating": ("circulate",),
    "withdrawn_before_submission": ("circulate", "withdraw"),
    "submitted": ("circulate", "submit"),
    "acknowledged": ("circulate", "submit", "acknowledge"),
    "extended": ("circulate", "submit", "acknowledge", "extend"),
    "responded": ("circulate", "submit", "acknowledge", "respond"),
    "closed_by_office": ("circulate", "submit", "respond", "close"),
    "closed_by_reply": ("circulate", "submit", "respond", "reply"),
    "withdrawn_after_submission": ("circulate", "submit", "acknowledge", "withdraw"),
    "rerouted": ("circulate", "submit", "reroute"),
}


@dataclass
class MemoCase:
    """One memo of the world, and the ids its paths need."""

    state: str
    id: str
    attachment_id: str
    message_attachment_id: str | None
    version_sha256: str
    circulated: bool
    submitted: bool
    status: str = ""
    extended: bool = False


@dataclass
class World:
    people: dict[str, User]
    memos: list[MemoCase] = field(default_factory=list)
    broadcast_id: str = ""
    session_id: str = ""
    question_id: str = ""


def personas(org: Personas) -> dict[str, User]:
    people.import_people(data=EXTRA_PEOPLE.encode())
    extra = {u.email.split("@")[0]: u for u in User.objects.filter(email__in=_emails(EXTRA_PEOPLE))}
    return {
        "drafter": org.drafter,
        "codrafter": extra["codrafter"],
        "cosigner": org.cosigner,
        "invitee": extra["invitee"],
        "outsider": extra["colleague"],
        "contractor": extra["contractor"],
        "office": org.office,
        "office_head": org.office_head,
        "leader": org.leader,
        "agency_head": org.agency_head,
        "auditor": org.auditor,
        "admin": org.admin,
    }


def _emails(csv: str) -> list[str]:
    return [line.split(",")[0] for line in csv.splitlines()[1:]]


def build(org: Personas) -> World:
    world = World(people=personas(org))
    for state, steps in STEPS.items():
        world.memos.append(_memo(world.people, state, steps))
    world.broadcast_id = broadcasts.send_broadcast(
        actor=world.people["leader"], title="Thank you", body="We read your memo.", unit_codes=["WAT"]
    ).public_id
    session = forums.schedule_session(
        actor=world.people["office"],
        title="Town hall",
        starts_at=datetime(2026, 12, 10, 9, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 10, tzinfo=UTC),
        unit_codes=["WAT"],
    )
    world.session_id = session.public_id
    world.question_id = forums.ask(
        actor=world.people["leader"],
        session_id=session.public_id,
        body="What should we change?",
        anonymous=False,
    ).question.pk
    return world


def _memo(p: dict[str, User], state: str, steps: tuple[str, ...]) -> MemoCase:
    drafter, office = p["drafter"], p["office"]
    memo = services.create_memo(actor=drafter, **MEMO)
    memo_id = memo.public_id
    services.add_drafter(actor=drafter, memo_id=memo_id, email=p["codrafter"].email)
    attachment, _name = attachments.attach_file(
        actor=drafter, memo_id=memo_id, upload=ContentFile(b"a note\n", name="note.txt")
    )
    message_attachment = None
    outcomes = [
        services.OutcomeIn(number=1, outcome="accepted", text="Kept separate."),
        services.OutcomeIn(number=2, outcome="declined", text="Not yet."),
    ]
    for step in steps:
        if step == "circulate":
            services.circulate_memo(actor=drafter, memo_id=memo_id)
            signing.invite(actor=drafter, memo_id=memo_id, emails=[p["cosigner"].email, p["invitee"].email])
            sha = Memo.objects.get(public_id=memo_id).current_version.sha256  # type: ignore[union-attr]
            signing.sign_memo(actor=p["cosigner"], memo_id=memo_id, version_sha256=sha)
        elif step == "submit":
            services.submit_memo(actor=drafter, memo_id=memo_id)
            message = services.post_message(actor=drafter, memo_id=memo_id, body="Happy to talk.")
            message_attachment, _name = attachments.attach_file(
                actor=drafter,
                memo_id=memo_id,
                upload=ContentFile(b"notes\n", name="notes.txt"),
                message_id=str(message.pk),
            )
        elif step == "withdraw":
            services.withdraw_memo(actor=drafter, memo_id=memo_id)
        elif step == "acknowledge":
            services.acknowledge_memo(actor=office, memo_id=memo_id)
        elif step == "extend":
            services.extend_deadline(actor=office, memo_id=memo_id, reason="The minister is travelling.")
        elif step == "respond":
            services.respond_to_memo(actor=office, memo_id=memo_id, body="Thank you.", items=outcomes)
        elif step == "close":
            services.close_memo(actor=office, memo_id=memo_id)
        elif step == "reply":
            services.reply_to_response(actor=drafter, memo_id=memo_id, body="Thank you too.")
        elif step == "reroute":
            services.reroute_memo(actor=office, memo_id=memo_id, channel="hr", note="A personnel matter.")
        else:
            raise AssertionError(step)
    memo = Memo.objects.select_related("current_version").get(public_id=memo_id)
    assert memo.current_version is not None
    return MemoCase(
        state=state,
        id=memo_id,
        attachment_id=attachment.public_id,
        message_attachment_id=None if message_attachment is None else message_attachment.public_id,
        version_sha256=memo.current_version.sha256,
        circulated="circulate" in steps,
        submitted="submit" in steps,
        status=memo.status,
        extended="extend" in steps,
    )
