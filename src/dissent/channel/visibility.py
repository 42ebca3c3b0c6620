"""Who may see a memo, defined once (house rule 3; NetBox's ``restrict(user, action)``).

``relations_of`` gives each of the actor's relations to a memo (``policy.Relations``) as a
SQL condition. Lists filter on ``policy.is_party`` of those conditions; a single memo gets
the same conditions as boolean columns and ``policy.can_view`` asks ``is_party`` of them.
Both ask one rule over the same expressions, so a memo is listed for an actor if and only
if opening it succeeds (tests/channel/test_visibility_property.py checks that over random
worlds).

Signers and invitees are signing's rows, and the signature threshold (signing's office
receipt) can add leadership to a memo's distribution: this is one of the listed places where
the channel reads signing (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from dissent.channel.models import ChannelSettings, Drafter, Memo, Reader
from dissent.channel.policy import Access, Relations, is_party
from dissent.people import selectors as people
from dissent.people.models import User
from dissent.people.roles import OFFICE_ROLES, Role
from dissent.signing.models import Invitation, OfficeReceipt, Signature

if TYPE_CHECKING:
    from dissent.channel.models import MemoQuerySet

NEVER = Q(pk__in=[])  # a condition no memo meets: dropped from an OR, 0 as a column
COLUMN = "access_"  # prefix of the relation columns ``with_access`` adds to each memo


@dataclass(frozen=True)
class Standing:
    """What the actor is to every memo, before looking at any one memo: read once per request."""

    roles: frozenset[str]
    in_distribution: bool  # by a role the channel settings name, or named in person
    headed_agency_ids: frozenset[int]

    @property
    def is_office(self) -> bool:
        return bool(self.roles & OFFICE_ROLES)

    @property
    def is_office_head(self) -> bool:
        return Role.OFFICE_HEAD in self.roles

    @property
    def is_leadership(self) -> bool:
        return Role.LEADERSHIP in self.roles


def standing_of(actor: User, config: ChannelSettings | None = None) -> Standing:
    config = config or ChannelSettings.current()
    roles = people.roles_of(actor)
    named = config.distribution_people.filter(pk=actor.pk).exists()
    return Standing(
        roles=roles,
        in_distribution=named or bool(roles & set(config.distribution_roles or [])),
        headed_agency_ids=people.headed_agency_ids(actor),
    )


def related(rows: QuerySet[Any]) -> Q:
    """A memo has at least one of ``rows`` (each row names its memo in ``memo``)."""
    return Q(Exists(rows.filter(memo=OuterRef("pk"))))


def relations_of(actor: User, standing: Standing) -> Relations[Q]:
    """Each relation as a condition on a memo row. A role the actor lacks is NEVER, so the SQL
    holds only what can be true for this actor."""
    submitted = Q(submitted_at__isnull=False)
    leadership_added = (
        related(OfficeReceipt.objects.filter(leadership_added=True)) if standing.is_leadership else NEVER
    )
    return Relations(
        is_drafter=related(Drafter.objects.filter(user=actor)),
        is_lead_drafter=related(Drafter.objects.filter(user=actor, is_lead=True)),
        is_signer=related(Signature.objects.filter(signer=actor, withdrawn_at__isnull=True)),
        is_invitee=related(Invitation.objects.filter(invitee=actor)),
        is_office=submitted if standing.is_office else NEVER,
        is_office_head=submitted if standing.is_office_head else NEVER,
        is_distribution=submitted if standing.in_distribution else submitted & leadership_added,
        is_agency_head=related(Memo.agencies.through.objects.filter(unit_id__in=standing.headed_agency_ids))
        if standing.headed_agency_ids
        else NEVER,
        is_reader=related(Reader.objects.filter(user=actor)),
    )


def restrict(memos: MemoQuerySet, actor: User, standing: Standing | None = None) -> MemoQuerySet:
    """``memos`` narrowed to those the actor may see (``Memo.objects.visible_to``)."""
    return memos.filter(is_party(relations_of(actor, standing or standing_of(actor))))


def with_access(memos: MemoQuerySet, actor: User, standing: Standing) -> MemoQuerySet:
    """Each memo with the actor's relations to it as columns, read back by ``access_of``."""
    relations = relations_of(actor, standing)
    return memos.annotate(
        **{
            COLUMN + f.name: ExpressionWrapper(getattr(relations, f.name), output_field=BooleanField())
            for f in fields(Relations)
        }
    )


def with_party_columns(memos: MemoQuerySet) -> MemoQuerySet:
    """``memos`` read through ``with_access``, narrowed in SQL to those whose columns make the
    actor a party (``policy.is_party``): a memo the actor may not see is not even loaded, so it
    costs what a missing id costs."""
    columns = Relations(**{f.name: Q(**{COLUMN + f.name: True}) for f in fields(Relations)})
    return memos.filter(is_party(columns))


def access_of(memo: Memo, actor: User) -> Access:
    """The Access of a memo read through ``with_access``."""
    return Access(
        **{f.name: bool(getattr(memo, COLUMN + f.name)) for f in fields(Relations)},
        eligible=actor.eligible,
    )


def receiving_parties(memo: Memo, config: ChannelSettings) -> list[User]:
    """Everyone a submitted memo goes to: the office, the standing distribution (with leadership
    when the signature threshold added it), and the heads of the drafters' agencies.

    The people-side reading of ``relations_of``'s office, distribution and agency-head
    conditions (readers are added one by one and told then); the property test checks that
    the two agree.
    """
    roles = [*OFFICE_ROLES, *(config.distribution_roles or [])]
    if OfficeReceipt.objects.filter(memo=memo, leadership_added=True).exists():
        roles.append(Role.LEADERSHIP)
    found = {u.pk: u for u in people.active_people_with_roles(roles)}
    found |= {u.pk: u for u in config.distribution_people.filter(is_active=True)}
    found |= {u.pk: u for u in people.heads_of(memo.agencies.all())}
    return list(found.values())
