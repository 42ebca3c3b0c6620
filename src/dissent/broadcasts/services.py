"""Every write of leadership messages: sending one, and a person's record of reading it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dissent.audit import services as audit
from dissent.broadcasts import policy, selectors
from dissent.broadcasts.models import Audience, Broadcast, MemoLink, Read
from dissent.channel.content import MAX_MESSAGE, clean_codes, clean_text, one_line_title
from dissent.channel.models import Memo
from dissent.errors import InvalidInput, PermissionDenied
from dissent.people import selectors as people
from dissent.people.models import User

MAX_BODY = MAX_MESSAGE
MAX_UNITS = 200  # codes named in one message; each brings its sub-units
MAX_MEMOS = 20


class LeadershipOnly(PermissionDenied):
    code = "leadership_only"
    default_detail = gettext_lazy("Only leadership may write to all staff or to units.")


def visible_memos(actor: User, ids: Sequence[str]) -> list[Memo]:
    """The memos ``ids`` names, all of which the author must see. A memo they may not see is
    refused exactly as a missing one: the message names the ids, not which of them exist."""
    found = {m.public_id: m for m in Memo.objects.visible_to(actor).filter(public_id__in=list(ids))}
    missing = [memo_id for memo_id in ids if memo_id not in found]
    if missing:
        raise InvalidInput(_("No memo you can see has the id(s): %(ids)s.") % {"ids": ", ".join(missing)})
    return [found[memo_id] for memo_id in ids]


def send_broadcast(
    *, actor: User, title: str, body: str, unit_codes: Sequence[str] = (), memo_ids: Sequence[str] = ()
) -> Broadcast:
    """One message from leadership to all active staff (no units named) or to the units named and
    every unit below them.

    The request writes one message row, its audience's units and its memo links, and one
    audit event, whatever the number of people addressed: the inbox finds the message by
    joining the audience with each reader's units, and the e-mails go out from the task
    worker in batches (``delivery.py``), handed off after the commit.

    The audit event names the message, its units and memos, never its words.
    """
    if not policy.can_send(people.roles_of(actor)):
        raise LeadershipOnly()
    clean_title = one_line_title(title)
    clean_body = clean_text(body, field="body", limit=MAX_BODY, required=True)
    codes = clean_codes(unit_codes, limit=MAX_UNITS, too_many=_("Name at most %(n)d units."))
    chosen, addressed = people.resolve_units(codes) if codes else (set(), set())
    memos = visible_memos(
        actor, clean_codes(memo_ids, limit=MAX_MEMOS, too_many=_("Link at most %(n)d memos."))
    )
    with transaction.atomic():
        message = Broadcast.objects.create(author=actor, title=clean_title, body=clean_body, to_all=not codes)
        Audience.objects.bulk_create(
            Audience(broadcast=message, unit_id=unit_id, chosen=unit_id in chosen)
            for unit_id in sorted(addressed)
        )
        MemoLink.objects.bulk_create(MemoLink(broadcast=message, memo=memo) for memo in memos)
        audit.record(
            actor=actor,
            action="broadcast.sent",
            target=message,
            details={
                "broadcast": message.public_id,
                "to_all": message.to_all,
                "units": sorted(codes),
                "memos": [memo.public_id for memo in memos],
            },
        )

        def hand_off_to_worker() -> None:  # named: Django logs a robust callback's __qualname__
            from dissent.broadcasts.tasks import email_broadcast

            email_broadcast(message.pk)

        transaction.on_commit(hand_off_to_worker, robust=True)
    return message


def mark_read(*, actor: User, broadcast_id: str) -> Read:
    """Record that ``actor`` read a message addressed to them; reading again changes nothing.

    Not audited: an event per reader would put in the trail exactly what the read counts
    exist to withhold, which person read which message. A message is not memo content, and
    its readers are counted per unit only (``selectors.read_counts``).
    """
    message = selectors.addressed_to(actor).filter(public_id=broadcast_id).first()
    if message is None:
        selectors.broadcast_for(actor, broadcast_id)  # a 404 unless leadership may see it
        raise InvalidInput(_("This message is not addressed to you."))
    among = None if message.to_all else set(message.audience.values_list("unit_id", flat=True))
    unit_id = people.first_unit_among(actor, among)
    Read.objects.bulk_create([Read(broadcast=message, user=actor, unit_id=unit_id)], ignore_conflicts=True)
    return Read.objects.get(broadcast=message, user=actor)
