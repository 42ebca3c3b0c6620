"""Reads of people, their roles and the unit tree: every app asks here.

The unit tree is read whole, once per question (an organisation has hundreds of units, not
millions), and every walk up or down it is ``UnitTree``'s: which agency a unit is in, which
units lie below others.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from dissent.errors import InvalidInput
from dissent.people.models import ApiToken, Membership, Unit, User, normalize_email
from dissent.people.roles import UnitKind
from dissent.people.services import chunks

MAX_NAMED = 20  # unknown e-mail addresses named in one error; the rest are "…"


def with_directory(person: User) -> User:
    """Load a person's units (primary first) and roles in two queries, onto the same object."""
    prefetch_related_objects(
        [person],
        Prefetch("memberships", queryset=Membership.objects.select_related("unit").order_by("position")),
        "role_assignments",
    )
    return person


def roles_of(person: User) -> frozenset[str]:
    return frozenset(person.role_assignments.values_list("role", flat=True))


def headed_agency_ids(person: User) -> frozenset[int]:
    """The agencies this person heads: they read submitted memos drafted in them."""
    return frozenset(Unit.objects.filter(head=person, kind=UnitKind.AGENCY).values_list("pk", flat=True))


def active_people_with_roles(roles: Collection[str]) -> list[User]:
    return list(User.objects.filter(is_active=True, role_assignments__role__in=list(roles)).distinct())


def heads_of(units: Iterable[Unit]) -> list[User]:
    """The active heads of ``units`` (a unit may have none)."""
    ids = [unit.head_id for unit in units if unit.head_id is not None]
    return list(User.objects.filter(pk__in=ids, is_active=True))


def person_by_id(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


def emails_by_id(ids: Iterable[int | None]) -> dict[int, str]:
    """E-mail addresses of these people, active or not (the audit trail names both)."""
    return dict(User.objects.filter(pk__in={pk for pk in ids if pk is not None}).values_list("pk", "email"))


def person_by_email(email: str) -> User:
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        raise InvalidInput(
            _("There is no active person with the e-mail address %(email)s.") % {"email": email}
        )
    return user


def person_id_by_email(email: str) -> int | None:
    """Anyone who is or was in the directory, active or not: the audit trail names both."""
    return User.objects.filter(email=normalize_email(email)).values_list("pk", flat=True).first()


def people_by_email(emails: Sequence[str]) -> set[int]:
    """The active people with these addresses; InvalidInput naming the addresses nobody has."""
    wanted = {normalize_email(e) for e in emails}
    found: dict[str, int] = {}
    for part in chunks(sorted(wanted)):
        found.update(User.objects.filter(email__in=part, is_active=True).values_list("email", "pk"))
    unknown = sorted(wanted - set(found))
    if unknown:
        more = " …" if len(unknown) > MAX_NAMED else ""
        raise InvalidInput(
            _("There is no active person with the e-mail address(es): %(emails)s.")
            % {"emails": ", ".join(unknown[:MAX_NAMED]) + more}
        )
    return set(found.values())


def people_by_ids(ids: Sequence[int]) -> list[User]:
    found: list[User] = []
    for part in chunks(ids):
        found.extend(User.objects.filter(pk__in=part))
    return found


@dataclass(frozen=True)
class UnitTree:
    """The whole unit tree, read once: parents, kinds and codes by primary key."""

    parent: dict[int, int | None]
    kind: dict[int, str]
    by_code: dict[str, int]

    def up_from(self, unit_id: int) -> Iterator[int]:
        """The unit, its parent, and so on to the root (a loop, which the import refuses, ends the walk)."""
        seen: set[int] = set()
        node: int | None = unit_id
        while node is not None and node not in seen:
            seen.add(node)
            yield node
            node = self.parent[node]

    def agency_of(self, unit_id: int | None) -> int | None:
        """The nearest agency at or above the unit: whose head hears of memos from its staff."""
        if unit_id is None:
            return None
        return next((node for node in self.up_from(unit_id) if self.kind[node] == UnitKind.AGENCY), None)

    def agencies_of(self, unit_ids: Iterable[int | None]) -> set[int]:
        return {agency for unit_id in unit_ids if (agency := self.agency_of(unit_id)) is not None}

    def below(self, unit_ids: Iterable[int]) -> set[int]:
        """The units and every unit under them."""
        wanted = set(unit_ids)
        return {pk for pk in self.parent if wanted.intersection(self.up_from(pk))}


def unit_tree() -> UnitTree:
    rows = list(Unit.objects.values_list("pk", "parent_id", "kind", "code"))
    return UnitTree(
        parent={pk: parent for pk, parent, _kind, _code in rows},
        kind={pk: kind for pk, _parent, kind, _code in rows},
        by_code={code: pk for pk, _parent, _kind, code in rows},
    )


def people_in_units(codes: Sequence[str], *, eligible_only: bool) -> set[int]:
    """The active members of the units with these codes and of every unit below them."""
    if not codes:
        return set()
    tree = unit_tree()
    unknown = sorted(set(codes) - set(tree.by_code))
    if unknown:
        raise InvalidInput(_("Unknown unit code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    units = tree.below(tree.by_code[code] for code in codes)
    members = Membership.objects.filter(unit_id__in=sorted(units), user__is_active=True)
    if eligible_only:
        members = members.filter(user__eligible=True)
    return set(members.values_list("user_id", flat=True))


def unit_ids_of(people: Iterable[User]) -> set[int]:
    """Every unit any of these people belongs to."""
    return set(Membership.objects.filter(user__in=list(people)).values_list("unit_id", flat=True))


def tokens_of(*, email: str | None = None) -> QuerySet[ApiToken]:
    """Tokens, newest first, with their person: everyone's, or one address's (``dissent tokens list``)."""
    tokens = ApiToken.objects.select_related("user").order_by("user__email", "-created_at", "-pk")
    return tokens if email is None else tokens.filter(user__email=normalize_email(email))


def unit_ids_query(person: User) -> QuerySet[Membership, Any]:
    """The ids of the person's units, as a subquery: "addressed to my units" stays one query."""
    return Membership.objects.filter(user=person).values("unit_id")


def first_unit_among(person: User, unit_ids: Collection[int] | None) -> int | None:
    """The person's first unit (by position) among ``unit_ids``, or their primary unit when None."""
    members = Membership.objects.filter(user=person)
    if unit_ids is not None:
        members = members.filter(unit_id__in=list(unit_ids))
    return members.order_by("position").values_list("unit_id", flat=True).first()


def active_people_after(after: int, *, unit_ids: Collection[int] | None, limit: int) -> list[User]:
    """The next ``limit`` active people with an e-mail address, by id after ``after``: members of
    ``unit_ids``, or everyone when None. A cursor walk, so a batch costs the same at any depth."""
    people = User.objects.filter(is_active=True, pk__gt=after).exclude(email="")
    if unit_ids is not None:
        member = Membership.objects.filter(user=OuterRef("pk"), unit_id__in=list(unit_ids))
        people = people.filter(Exists(member))
    return list(people.order_by("pk").only("pk", "email", "language")[:limit])


def resolve_units(codes: Sequence[str]) -> tuple[set[int], set[int]]:
    """The units named and every unit below them; InvalidInput naming the unknown codes."""
    tree = unit_tree()
    unknown = sorted(set(codes) - set(tree.by_code))
    if unknown:
        raise InvalidInput(_("Unknown unit code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    chosen = {tree.by_code[code] for code in codes}
    return chosen, tree.below(chosen)
