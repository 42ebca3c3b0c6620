"""Who may write to staff and see how many read: leadership. Pure predicates of the actor's roles."""

from __future__ import annotations

from collections.abc import Collection

from dissent.people.roles import Role


def can_send(roles: Collection[str]) -> bool:
    return Role.LEADERSHIP in roles


def can_see_all(roles: Collection[str]) -> bool:
    """Leadership sees every message to staff, addressed to them or not, with its read counts."""
    return Role.LEADERSHIP in roles
