"""Every read of memos, scoped to the actor. What the actor may not see does not exist: NotFound.

Reads of content are audited here (``memo.read``), in the same place they are decrypted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from dissent.audit.services import record, record_many
from dissent.channel import policy
from dissent.channel.content import MemoContent, open_content
from dissent.channel.models import ChannelSettings, Drafter, Memo, MemoVersion, Reader
from dissent.channel.policy import Access
from dissent.channel.status import OPEN_FOR_OFFICE, MemoStatus
from dissent.errors import NotFound
from dissent.people.models import Unit, User
from dissent.people.roles import Role, UnitKind
from dissent.signing.models import Invitation, OfficeReceipt, Signature
from dissent.vault import services as vault


@dataclass(frozen=True)
class Standing:
    """What the actor is to every memo, before looking at any one memo."""

    roles: frozenset[str]
    is_office: bool
    is_distribution: bool
    headed_agency_ids: frozenset[int]


def standing_of(actor: User, config: ChannelSettings | None = None) -> Standing:
    config = config or ChannelSettings.current()
    roles = frozenset(actor.role_assignments.values_list("role", flat=True))
    named = config.distribution_people.filter(pk=actor.pk).exists()
    return Standing(
        roles=roles,
        is_office=bool(roles & {Role.OFFICE, Role.OFFICE_HEAD}),
        is_distribution=named or bool(roles & set(config.distribution_roles or [])),
        headed_agency_ids=frozenset(
            Unit.objects.filter(head=actor, kind=UnitKind.AGENCY).values_list("pk", flat=True)
        ),
    )


def relation_filters(actor: User) -> dict[str, Q]:
    """Per-memo relations as subqueries, so lists need no DISTINCT and no join fan-out."""
    return {
        "drafter": Q(Exists(Drafter.objects.filter(memo=OuterRef("pk"), user=actor))),
        "reader": Q(Exists(Reader.objects.filter(memo=OuterRef("pk"), user=actor))),
        "signer": Q(Exists(Signature.objects.filter(memo=OuterRef("pk"), signer=actor))),
        "invitee": Q(Exists(Invitation.objects.filter(memo=OuterRef("pk"), invitee=actor))),
        # The signature threshold (a channel setting) adds leadership to a memo's distribution.
        "leadership_added": Q(
            Exists(OfficeReceipt.objects.filter(memo=OuterRef("pk"), leadership_added=True))
        ),
    }


def visible_memos(actor: User, standing: Standing | None = None) -> QuerySet[Memo]:
    standing = standing or standing_of(actor)
    rel = relation_filters(actor)
    visible = rel["drafter"] | rel["signer"] | rel["invitee"]
    if standing.is_office or standing.is_distribution:
        visible |= Q(submitted_at__isnull=False)
    else:
        receiving = rel["reader"]
        if Role.LEADERSHIP in standing.roles:
            receiving |= rel["leadership_added"]
        if standing.headed_agency_ids:
            receiving |= Q(
                Exists(
                    Memo.agencies.through.objects.filter(
                        memo_id=OuterRef("pk"), unit_id__in=standing.headed_agency_ids
                    )
                )
            )
        visible |= Q(submitted_at__isnull=False) & receiving
    return Memo.objects.filter(visible)


def access_columns(actor: User, standing: Standing) -> dict[str, Exists | Value]:
    """The actor's relations to a memo as boolean columns: what ``Access`` needs beyond the standing."""
    leadership_added = (
        Exists(OfficeReceipt.objects.filter(memo=OuterRef("pk"), leadership_added=True))
        if Role.LEADERSHIP in standing.roles
        else Value(False)
    )
    agency_head = (
        Exists(
            Memo.agencies.through.objects.filter(
                memo_id=OuterRef("pk"), unit_id__in=standing.headed_agency_ids
            )
        )
        if standing.headed_agency_ids
        else Value(False)
    )
    return {
        "is_drafter": Exists(Drafter.objects.filter(memo=OuterRef("pk"), user=actor)),
        "is_lead_drafter": Exists(Drafter.objects.filter(memo=OuterRef("pk"), user=actor, is_lead=True)),
        "is_signer": Exists(
            Signature.objects.filter(memo=OuterRef("pk"), signer=actor, withdrawn_at__isnull=True)
        ),
        "is_invitee": Exists(Invitation.objects.filter(memo=OuterRef("pk"), invitee=actor)),
        "leadership_added": leadership_added,
        "is_agency_head": agency_head,
        "is_reader": Exists(Reader.objects.filter(memo=OuterRef("pk"), user=actor)),
    }


def accesses_for(actor: User, memos: Sequence[Memo], standing: Standing | None = None) -> dict[int, Access]:
    """The actor's access to each memo, by primary key, in one query however many memos there are.

    Only the given rows are probed (``pk IN``), so a list pays for the page it shows, not for
    every memo the actor may see.
    """
    standing = standing or standing_of(actor)
    columns = access_columns(actor, standing)
    accesses = {}
    for pk, *values in Memo.objects.filter(pk__in=[m.pk for m in memos]).values_list("pk", *columns.values()):
        row = dict(zip(columns, map(bool, values), strict=True))
        accesses[pk] = Access(
            is_drafter=row["is_drafter"],
            is_lead_drafter=row["is_lead_drafter"],
            is_signer=row["is_signer"],
            is_invitee=row["is_invitee"],
            is_office=standing.is_office,
            is_office_head=Role.OFFICE_HEAD in standing.roles,
            is_distribution=standing.is_distribution or row["leadership_added"],
            is_agency_head=row["is_agency_head"],
            is_reader=row["is_reader"],
            eligible=actor.eligible,
        )
    return accesses


def access_for(actor: User, memo: Memo, standing: Standing | None = None) -> Access:
    return accesses_for(actor, [memo], standing)[memo.pk]


def memo_for(actor: User, memo_id: str, *, lock: bool = False) -> tuple[Memo, Access]:
    """The memo and the actor's access to it, or NotFound — the same for hidden and missing."""
    qs = Memo.objects.select_related("current_version", "data_key")
    if lock:
        qs = qs.select_for_update(of=("self",))
    memo = qs.filter(public_id=memo_id).first()
    if memo is None:
        raise NotFound()
    access = access_for(actor, memo)
    if not policy.can_view(access, submitted=memo.submitted_at is not None):
        raise NotFound()
    return memo, access


def content_of(memo: Memo, version: MemoVersion | None = None) -> MemoContent:
    version = version or memo.current_version
    assert version is not None, "every memo is created with its first version"
    return open_content(memo.data_key, bytes(version.content), aad=memo.aad(f"v{version.number}"))


def read_details(via: str, version: int) -> dict[str, object]:
    """What every ``memo.read`` of a whole version records, whether one memo is read or a list."""
    return {"via": via, "version": version}


def read_content(actor: User, memo: Memo, *, via: str, version: MemoVersion | None = None) -> MemoContent:
    """Decrypt a version for the actor and record that they read it."""
    content = content_of(memo, version)
    number = (version or memo.current_version).number  # type: ignore[union-attr]
    record(
        actor=actor,
        action="memo.read",
        target=memo,
        memo_id=memo.public_id,
        details=read_details(via, number),
    )
    return content


def read_contents(actor: User, memos: Sequence[Memo], *, via: str) -> list[MemoContent]:
    """Decrypt the current version of each memo and record one read of each, as read_content
    would, in one insert."""
    contents = [content_of(memo) for memo in memos]
    record_many(
        actor=actor,
        action="memo.read",
        items=[
            (memo, memo.public_id, read_details(via, memo.current_version.number))  # type: ignore[union-attr]
            for memo in memos
        ],
    )
    return contents


def open_text(memo: Memo, sealed: bytes | memoryview | None, place: str) -> str:
    if sealed is None:
        return ""
    return vault.open_text(memo.data_key, bytes(sealed), aad=memo.aad(place))


def office_queue(actor: User, standing: Standing | None = None) -> list[Memo]:
    """Memos awaiting the office, the nearest deadline first (acknowledgement, then response)."""
    memos = list(
        visible_memos(actor, standing)
        .filter(status__in=OPEN_FOR_OFFICE)
        .select_related("current_version", "data_key")
    )
    return sorted(memos, key=current_deadline)


def current_deadline(memo: Memo) -> datetime:
    """The deadline the office works to now: acknowledgement first, then the response."""
    due = memo.acknowledge_due if memo.status == MemoStatus.SUBMITTED else memo.response_due
    assert due is not None, "a submitted memo has both deadlines"
    return due
