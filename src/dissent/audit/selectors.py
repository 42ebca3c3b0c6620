"""Reads of the audit trail, for auditors only.

Reading the trail is itself audited, so these reads go through ``services.read_trail``,
which records who looked and with which filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from dissent.audit.models import AuditEvent
from dissent.errors import NotFound
from dissent.people.models import User
from dissent.people.roles import Role


def can_read_trail(person: User) -> bool:
    return person.is_active and person.has_role(Role.AUDITOR)


@dataclass(frozen=True)
class TrailFilters:
    """Who read memo X (``memo``), everything person Y did (``actor``), by action and time."""

    memo: str = ""
    actor: int | None = None
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def details(self) -> dict[str, Any]:
        """The filters as canonical-JSON details of the audit.read event: only those set."""
        values = {
            "memo": self.memo,
            "actor": str(self.actor) if self.actor is not None else "",
            "action": self.action,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in values.items() if value}


def trail(*, reader: User, filters: TrailFilters) -> QuerySet[AuditEvent]:
    """Matching events, newest first. Metadata only: the trail never holds memo content.

    Anyone but an auditor gets NotFound, the answer to any path that does not exist, as the
    trail's pages do: nobody else learns that there is a trail to ask for.
    """
    if not can_read_trail(reader):
        raise NotFound()
    events = AuditEvent.objects.order_by("-id")
    if filters.memo:
        events = events.filter(memo_id=filters.memo)
    if filters.actor is not None:
        events = events.filter(actor_id=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lt=filters.until)
    return events
