"""Who may schedule and moderate listening sessions. Pure predicates of the actor's roles."""

from __future__ import annotations

from collections.abc import Collection

from dissent.people.roles import OFFICE_ROLES, Role

ORGANISER_ROLES = OFFICE_ROLES | {Role.LEADERSHIP}


def can_schedule(roles: Collection[str]) -> bool:
    """The receiving office and leadership hold sessions (design/api-contract.md)."""
    return bool(ORGANISER_ROLES.intersection(roles))


def can_moderate(roles: Collection[str], *, is_creator: bool) -> bool:
    """A session is moderated by whoever scheduled it, the office and leadership."""
    return is_creator or can_schedule(roles)
