"""Every write to the channel: one function per transition.

Each opens a transaction, locks the memo row, checks who may act (NotFound when the actor
may not even see the memo, PermissionDenied when they may see but not act) and whether
the status table allows it (InvalidTransition), changes what it must with
``update_fields``, records a Transition row and one audit event, and writes the
notification rows in the same transaction (an outbox: notify/services.py); only their
hand-off to the task worker waits for the commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dissent.audit.services import record
from dissent.channel import clock, policy, selectors, visibility
from dissent.channel.content import (
    MAX_MESSAGE,
    MemoContent,
    clean_text,
    make_content,
    seal_content,
    version_sha256,
)
from dissent.channel.models import (
    ChannelSettings,
    Drafter,
    Memo,
    MemoVersion,
    Message,
    MessageKind,
    Outcome,
    Reader,
    RerouteChannel,
    Response,
    ResponseItem,
    Transition,
)
from dissent.channel.policy import Access
from dissent.channel.status import EXTENDABLE, SUBMITTED_STATES, check_transition
from dissent.errors import Conflict, InvalidInput, PermissionDenied
from dissent.notify.services import notify
from dissent.people import selectors as people
from dissent.people.models import User
from dissent.people.roles import OFFICE_ROLES
from dissent.signing import services as signing
from dissent.vault import services as vault

MAX_MEETING_TIMES = 10


class NotEligible(PermissionDenied):
    code = "not_eligible"


class NotConfigured(Conflict):
    code = "not_configured"


@dataclass(frozen=True)
class OutcomeIn:
    number: int
    outcome: str
    text: str


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def locked(actor: User, memo_id: str) -> tuple[Memo, Access]:
    return selectors.memo_for(actor, memo_id, lock=True)


def move(
    memo: Memo, *, action: str, actor: User | None, fields: Sequence[str] = (), details: dict | None = None
) -> None:
    """Apply one status transition: table check, save, Transition row, one audit event."""
    before = memo.status
    memo.status = check_transition(action, before)
    memo.save(update_fields=["status", *fields])
    Transition.objects.create(memo=memo, from_status=before, to_status=memo.status, actor=actor)
    record(
        actor=actor,
        action=f"memo.{memo.status}",
        target=memo,
        memo_id=memo.public_id,
        details={"from": before, **(details or {})},
    )


def drafters_of(memo: Memo) -> list[User]:
    return [d.user for d in memo.drafters.select_related("user")]


def office_people() -> list[User]:
    return people.active_people_with_roles(OFFICE_ROLES)


def add_version(memo: Memo, content: MemoContent, *, actor: User, number: int) -> MemoVersion:
    return MemoVersion.objects.create(
        memo=memo,
        number=number,
        sha256=version_sha256(content, memo_id=memo.public_id, version=number),
        content=seal_content(memo.data_key, content, aad=memo.aad(f"v{number}")),
        created_by=actor,
    )


def create_memo(
    *, actor: User, title: str, summary: str, body: str, recommendations: list[str], policy_area: str = ""
) -> Memo:
    """Anyone eligible may start a memo, whatever their rank; it starts as a private draft."""
    if not actor.eligible:
        raise NotEligible(_("You are not eligible to use the dissent channel."))
    content = make_content(
        title=title, summary=summary, body=body, recommendations=recommendations, policy_area=policy_area
    )
    with transaction.atomic():
        memo = Memo.objects.create(data_key=vault.new_data_key())
        Drafter.objects.create(memo=memo, user=actor, is_lead=True)
        memo.current_version = add_version(memo, content, actor=actor, number=1)
        memo.save(update_fields=["current_version"])
        record(
            actor=actor, action="memo.created", target=memo, memo_id=memo.public_id, details={"version": 1}
        )
    return memo


def edit_memo(
    *,
    actor: User,
    memo_id: str,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
    recommendations: list[str] | None = None,
    policy_area: str | None = None,
) -> Memo:
    """A new immutable version with the fields given; identical text makes no new version."""
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(access.is_drafter, _("Only the drafters may edit a memo."))
        if not policy.can_edit(access, memo.status):
            raise Conflict(
                _("The memo can no longer be edited: it is %(status)s.")
                % {"status": memo.get_status_display().lower()}
            )
        current = selectors.content_of(memo)
        content = make_content(
            title=current.title if title is None else title,
            summary=current.summary if summary is None else summary,
            body=current.body if body is None else body,
            recommendations=list(current.recommendations) if recommendations is None else recommendations,
            policy_area=current.policy_area if policy_area is None else policy_area,
        )
        if content == current:
            return memo
        previous = memo.current_version
        assert previous is not None
        number = previous.number + 1
        memo.current_version = add_version(memo, content, actor=actor, number=number)
        memo.signature_count = 0  # counts always mean signatures of the current version
        memo.save(update_fields=["current_version", "signature_count"])
        signing.ask_to_resign(memo=memo, previous_version_id=previous.pk)
        record(
            actor=actor,
            action="memo.edited",
            target=memo,
            memo_id=memo.public_id,
            details={"version": number},
        )
    return memo


def add_drafter(*, actor: User, memo_id: str, email: str) -> Drafter:
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(access.is_drafter, _("Only the drafters may add a co-drafter."))
        if not policy.can_manage_drafters(access, memo.status):
            raise Conflict(_("Co-drafters can be added only before submission."))
        person = people.person_by_email(email)
        if not person.eligible:
            raise NotEligible(
                _("%(name)s is not eligible to use the dissent channel.") % {"name": person.name}
            )
        if memo.drafters.filter(user=person).exists():
            raise Conflict(_("%(name)s is already a drafter.") % {"name": person.name})
        drafter = Drafter.objects.create(memo=memo, user=person)
        record(
            actor=actor,
            action="memo.drafter_added",
            target=memo,
            memo_id=memo.public_id,
            details={"person_id": person.pk},
        )
        notify(users=[person], kind="memo.drafter_added", memo=memo)
    return drafter


def circulate_memo(*, actor: User, memo_id: str) -> Memo:
    """Open the memo for co-signatures: drafters may now invite, invitees may sign."""
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(policy.can_act_as_drafter(access), _("Only the drafters may open a memo for signature."))
        memo.circulated_at = timezone.now()
        move(memo, action="circulate", actor=actor, fields=["circulated_at"])
    return memo


def submit_memo(*, actor: User, memo_id: str) -> Memo:
    """Send the memo to the receiving office; the deadline clocks start now."""
    config = ChannelSettings.current()
    if config.receiving_office is None:
        raise NotConfigured(_("The channel has no receiving office yet; an administrator must set one."))
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(policy.can_act_as_drafter(access), _("Only the drafters may submit a memo."))
        check_transition("submit", memo.status)
        drafters = list(memo.drafters.select_related("user"))
        ineligible = [d.user.name for d in drafters if not d.user.eligible or not d.user.is_active]
        if ineligible:
            raise NotEligible(
                _(
                    "Not eligible to use the dissent channel: %(names)s. "
                    "Remove them as drafters or ask an administrator."
                )
                % {"names": ", ".join(ineligible)}
            )
        if not selectors.content_of(memo).recommendations:
            raise InvalidInput(_("A memo needs at least one recommendation before it is submitted."))
        now = timezone.now()
        due = clock.due_dates(config, now)
        memo.submitted_at, memo.acknowledge_due, memo.response_due = now, due.acknowledge, due.response
        receipt = signing.freeze_at_submission(memo=memo, submitted_at=now, config=config)
        move(
            memo,
            action="submit",
            actor=actor,
            fields=["submitted_at", "acknowledge_due", "response_due"],
            details={
                "version": memo.current_version.number,  # type: ignore[union-attr]
                "sha256": memo.current_version.sha256,  # type: ignore[union-attr]
                "signatures": receipt.count,
                "signatures_sha256": receipt.signatures_sha256,
                "leadership_added": receipt.leadership_added,
            },
        )
        # The heads of the drafters' agencies read the memo, unless it is the office's own agency.
        tree = people.unit_tree()
        agencies = tree.agencies_of(people.unit_ids_of(d.user for d in drafters))
        memo.agencies.set(agencies - tree.agencies_of([config.receiving_office_id]))
        parties = visibility.receiving_parties(memo, config)
        notify(users=parties, kind="memo.submitted", memo=memo, exclude=actor)
        notify(users=[d.user for d in drafters], kind="memo.submitted_receipt", memo=memo)
    return memo


def withdraw_memo(*, actor: User, memo_id: str) -> Memo:
    """Drafters may withdraw until the response; nothing is deleted."""
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(policy.can_act_as_drafter(access), _("Only the drafters may withdraw a memo."))
        memo.withdrawn_at = timezone.now()
        move(memo, action="withdraw", actor=actor, fields=["withdrawn_at"])
        if memo.submitted_at is not None:
            parties = visibility.receiving_parties(memo, ChannelSettings.current())
            notify(users=parties, kind="memo.withdrawn", memo=memo, exclude=actor)
    return memo


def office_transition(actor: User, memo_id: str, refusal: str) -> tuple[Memo, Access]:
    memo, access = locked(actor, memo_id)
    require(policy.can_act_as_office(access), refusal)
    return memo, access


def acknowledge_memo(*, actor: User, memo_id: str) -> Memo:
    with transaction.atomic():
        memo, _access = office_transition(
            actor, memo_id, _("Only the receiving office may acknowledge a memo.")
        )
        memo.acknowledged_at = timezone.now()
        move(memo, action="acknowledge", actor=actor, fields=["acknowledged_at"])
        drafters = drafters_of(memo)
        notify(users=drafters, kind="memo.acknowledged", memo=memo)
    return memo


def extend_deadline(*, actor: User, memo_id: str, reason: str) -> Memo:
    """Once, with a reason the drafters see: the response clock runs to the extended length."""
    reason = clean_text(reason, field="reason", limit=MAX_MESSAGE, required=True)
    config = ChannelSettings.current()
    with transaction.atomic():
        memo, _access = office_transition(
            actor, memo_id, _("Only the receiving office may extend a deadline.")
        )
        if memo.status not in EXTENDABLE:
            raise Conflict(_("Only a memo awaiting its response can be extended."))
        if memo.extended_at is not None:
            raise Conflict(_("The response deadline has already been extended once."))
        assert memo.submitted_at is not None
        assert memo.response_due is not None
        before = memo.response_due
        memo.response_due = max(before, clock.extended_response_due(config, memo.submitted_at))
        memo.extended_at = timezone.now()
        memo.extension_reason = vault.seal_text(memo.data_key, reason, aad=memo.aad("extension_reason"))
        memo.response_warned_at = memo.response_escalated_at = None
        memo.save(
            update_fields=[
                "response_due",
                "extended_at",
                "extension_reason",
                "response_warned_at",
                "response_escalated_at",
            ]
        )
        record(
            actor=actor,
            action="memo.extended",
            target=memo,
            memo_id=memo.public_id,
            details={"from": before.isoformat(), "to": memo.response_due.isoformat()},
        )
        drafters = drafters_of(memo)
        notify(users=drafters, kind="memo.extended", memo=memo)
    return memo


def reroute_memo(*, actor: User, memo_id: str, channel: str, note: str) -> Memo:
    """Out of scope for policy dissent: sent on to another channel, with a note; nothing is deleted."""
    if channel not in RerouteChannel.values:
        raise InvalidInput(
            _("channel must be one of: %(choices)s") % {"choices": ", ".join(RerouteChannel.values)}
        )
    note = clean_text(note, field="note", limit=MAX_MESSAGE, required=True)
    with transaction.atomic():
        memo, _access = office_transition(actor, memo_id, _("Only the receiving office may re-route a memo."))
        memo.rerouted_at, memo.rerouted_to = timezone.now(), channel
        memo.reroute_note = vault.seal_text(memo.data_key, note, aad=memo.aad("reroute_note"))
        move(
            memo,
            action="reroute",
            actor=actor,
            fields=["rerouted_at", "rerouted_to", "reroute_note"],
            details={"channel": channel},
        )
        drafters = drafters_of(memo)
        notify(users=drafters, kind="memo.rerouted", memo=memo)
    return memo


def add_reader(*, actor: User, memo_id: str, email: str, reason: str) -> Reader:
    reason = clean_text(reason, field="reason", limit=2_000, required=True)
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(policy.can_add_reader(access), _("Only the head of the receiving office may add readers."))
        if memo.status not in SUBMITTED_STATES:
            raise Conflict(_("Readers can be added only to a submitted memo."))
        person = people.person_by_email(email)
        if memo.readers.filter(user=person).exists():
            raise Conflict(_("%(name)s is already a reader.") % {"name": person.name})
        reader = Reader.objects.create(
            memo=memo,
            user=person,
            added_by=actor,
            reason=vault.seal_text(memo.data_key, reason, aad=memo.aad(f"reader:{person.pk}")),
        )
        record(
            actor=actor,
            action="memo.reader_added",
            target=memo,
            memo_id=memo.public_id,
            details={"person_id": person.pk},
        )
        drafters = drafters_of(memo)
        notify(users=[person], kind="memo.reader_added", memo=memo)
        notify(users=drafters, kind="memo.reader_added_for_drafters", memo=memo)
    return reader


def respond_to_memo(*, actor: User, memo_id: str, body: str, items: Sequence[OutcomeIn]) -> Memo:
    """The substantive response: an outcome and text for every recommendation, exactly once."""
    body = clean_text(body, field="body", limit=200_000, required=True)
    with transaction.atomic():
        memo, _access = office_transition(
            actor, memo_id, _("Only the receiving office may respond to a memo.")
        )
        check_transition("respond", memo.status)
        expected = set(range(1, len(selectors.content_of(memo).recommendations) + 1))
        numbers = [item.number for item in items]
        unknown = sorted(set(numbers) - expected)
        if unknown:
            raise InvalidInput(
                _("Unknown recommendation number(s): %(n)s.") % {"n": ", ".join(map(str, unknown))}
            )
        twice = sorted(n for n, count in Counter(numbers).items() if count > 1)
        if twice:
            raise InvalidInput(
                _("Recommendation(s) answered twice: %(n)s.") % {"n": ", ".join(map(str, twice))}
            )
        missing = sorted(expected - set(numbers))
        if missing:
            raise InvalidInput(
                _("Every recommendation needs an outcome; missing: %(n)s.")
                % {"n": ", ".join(map(str, missing))}
            )
        for item in items:
            if item.outcome not in Outcome.values:
                raise InvalidInput(
                    _("outcome must be one of: %(choices)s") % {"choices": ", ".join(Outcome.values)}
                )
        texts = [
            clean_text(i.text, field=f"recommendation {i.number}", limit=MAX_MESSAGE, required=True)
            for i in items
        ]
        response = Response.objects.create(
            memo=memo, author=actor, body=vault.seal_text(memo.data_key, body, aad=memo.aad("response"))
        )
        ResponseItem.objects.bulk_create(
            ResponseItem(
                response=response,
                number=item.number,
                outcome=item.outcome,
                text=vault.seal_text(memo.data_key, text, aad=memo.aad(f"response:{item.number}")),
            )
            for item, text in zip(items, texts, strict=True)
        )
        memo.responded_at = timezone.now()
        move(
            memo,
            action="respond",
            actor=actor,
            fields=["responded_at"],
            details={"outcomes": {str(i.number): i.outcome for i in items}},
        )
        drafters = drafters_of(memo)
        notify(users=drafters, kind="memo.responded", memo=memo)
    return memo


def close_memo(*, actor: User, memo_id: str) -> Memo:
    with transaction.atomic():
        memo, _access = office_transition(actor, memo_id, _("Only the receiving office may close a memo."))
        memo.closed_at = timezone.now()
        move(memo, action="close", actor=actor, fields=["closed_at"])
        drafters = drafters_of(memo)
        notify(users=drafters, kind="memo.closed", memo=memo, exclude=actor)
    return memo


def reply_to_response(*, actor: User, memo_id: str, body: str) -> Memo:
    """The drafters' one reply to the response; the memo then closes."""
    body = clean_text(body, field="body", limit=MAX_MESSAGE, required=True)
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        require(access.is_drafter, _("Only the drafters may reply to the response."))
        check_transition("close", memo.status)
        message = Message.objects.create(memo=memo, author=actor, kind=MessageKind.REPLY, body=b"")
        message.body = vault.seal_text(memo.data_key, body, aad=memo.aad(f"message:{message.pk}"))
        message.save(update_fields=["body"])
        memo.closed_at = timezone.now()
        move(memo, action="close", actor=actor, fields=["closed_at"], details={"by": "reply"})
        office = office_people()
        notify(users=office, kind="memo.reply", memo=memo)
    return memo


def post_message(*, actor: User, memo_id: str, body: str, meeting_times: Sequence[datetime] = ()) -> Message:
    """A message in the thread; with ``meeting_times`` it is the office proposing a meeting."""
    body = clean_text(body, field="body", limit=MAX_MESSAGE, required=True)
    with transaction.atomic():
        memo, access = locked(actor, memo_id)
        # Signers read the conversation but do not take part: refused (403) whatever the status.
        require(
            access.is_drafter or access.is_office,
            _("Only the drafters and the office take part in the conversation."),
        )
        if not policy.can_post_message(access, memo.status):
            raise Conflict(_("Messages can be sent once the memo is submitted and until it is closed."))
        kind = MessageKind.MESSAGE
        if meeting_times:
            require(access.is_office, _("Only the office proposes meetings."))
            if len(meeting_times) > MAX_MEETING_TIMES:
                raise InvalidInput(_("Propose at most %(n)d times.") % {"n": MAX_MEETING_TIMES})
            kind = MessageKind.MEETING
            body += "\n\n" + "\n".join(f"- {t.isoformat()}" for t in sorted(meeting_times))
        message = Message.objects.create(memo=memo, author=actor, kind=kind, body=b"")
        message.body = vault.seal_text(memo.data_key, body, aad=memo.aad(f"message:{message.pk}"))
        message.save(update_fields=["body"])
        record(actor=actor, action=f"memo.{kind}", target=message, memo_id=memo.public_id)
        others = office_people() if access.is_drafter else drafters_of(memo)
        notify(users=others, kind=f"memo.{kind}", memo=memo, exclude=actor)
    return message
