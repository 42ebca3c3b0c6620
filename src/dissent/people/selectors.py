"""Reads of people and units."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects

from dissent.people.models import Membership, User


def with_directory(person: User) -> User:
    """Load a person's units (primary first) and roles in two queries, onto the same object."""
    prefetch_related_objects(
        [person],
        Prefetch("memberships", queryset=Membership.objects.select_related("unit").order_by("position")),
        "role_assignments",
    )
    return person
