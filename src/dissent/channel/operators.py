"""Changes operators make, through the admin site or the ``dissent`` command: audited like any
other change, and announced when they widen who may read memos.

An administrator who could quietly add themselves to the distribution, read, and remove
themselves again would make the audit trail's "who read what" meaningless. So every
operator change is one event in the chain, with the fields it changed before and after
(secrets only as "changed"), and a change that lets more people read memos (the standing
distribution, the receiving office, a role that reads or runs the channel) is announced
to the auditors and the office head at once, in the change's own transaction.
"""

from __future__ import annotations

import datetime
import getpass
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models import Q

from dissent.audit.models import AuditEvent
from dissent.audit.services import record
from dissent.channel.models import ChannelSettings
from dissent.notify.services import notify
from dissent.people.models import RoleAssignment, User
from dissent.people.roles import Role

# Roles that read other people's memos or run the installation: granting one widens who reads.
READER_ROLES = frozenset({Role.OFFICE, Role.OFFICE_HEAD, Role.LEADERSHIP, Role.AUDITOR, Role.ADMIN})
# Settings fields that decide who reads every submitted memo.
READER_SETTINGS = ("receiving_office", "distribution_roles", "distribution_people")
# Fields whose values never enter the trail: only that they changed.
SECRET_FIELDS = frozenset({"password", "digest", "data", "secret", "seed", "key"})
HIDDEN = "(secret)"  # what the trail shows in place of a secret value
ACCESS_WIDENED = "access.widened"

Changes = dict[str, dict[str, Any]]


def plain(value: Any) -> Any:
    """A value as the chain can hash it: no floats, no dates, no model instances."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=str)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def field_values(obj: models.Model) -> dict[str, Any]:
    """The object's own fields (foreign keys as ids, many-to-many as sorted ids), ready to compare."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        values[field.name] = plain(getattr(obj, field.attname))
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """``{field: {"before": …, "after": …}}`` for each field that differs; secrets as "changed"."""
    changes: Changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in SECRET_FIELDS:
            changes[name] = {"before": HIDDEN, "after": HIDDEN, "changed": True}
        else:
            changes[name] = {"before": old, "after": new}
    return changes


def operator_details(via: str) -> dict[str, str]:
    """Who ran a change besides the actor: the route, and for the command line the OS account."""
    if via != "cli":
        return {"via": via}
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a passwd entry
        os_user = ""
    return {"via": via, "os_user": os_user}


def record_change(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None,
    changes: Changes,
    via: str,
    **facts: Any,
) -> AuditEvent:
    """One event for one operator change; announce it when it widens who reads memos.

    ``actor`` is the administrator (None for the command line, which names its OS user);
    ``facts`` are extra metadata such as counts. Call it inside the change's transaction.
    """
    details: dict[str, Any] = {"operator": operator_details(via), "changes": changes, **plain(facts)}
    if target is not None:
        details["object"] = str(target)[:200] if not isinstance(target, User) else target.email
    event = record(actor=actor, action=action, target=target, details=details)
    if widens_readers(target, changes):
        announce_widening()
    return event


def widens_readers(target: models.Model | None, changes: Changes) -> bool:
    """More people may read memos after this change than before."""
    if isinstance(target, ChannelSettings):
        for name in READER_SETTINGS:
            change = changes.get(name)
            if change is None:
                continue
            if name == "receiving_office" and change["after"] is not None:
                return True
            if name != "receiving_office" and set(change["after"] or []) - set(change["before"] or []):
                return True
        return False
    roles = changes.get("role_assignments")
    if roles is None:
        return False
    gained = set(plain(roles["after"]) or []) - set(plain(roles["before"]) or [])
    return any(granted_reader_role(value) for value in gained)


def granted_reader_role(value: Any) -> bool:
    """A role code (a person's roles in the admin site), or ``person-id:role`` (a directory import)."""
    return str(value).rsplit(":", 1)[-1] in READER_ROLES


def announce_widening() -> None:
    """Tell the auditors and the office head (inbox and e-mail) that who may read has widened."""
    watchers = User.objects.filter(
        Q(role_assignments__role__in=[Role.AUDITOR, Role.OFFICE_HEAD]), is_active=True
    ).distinct()
    notify(users=watchers, kind=ACCESS_WIDENED)


def role_pairs(user_ids: Iterable[int] | None = None) -> set[str]:
    """Every ``person-id:role`` held (of these people, or of everyone), for before/after of an import."""
    rows = RoleAssignment.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return {f"{user_id}:{role}" for user_id, role in rows.values_list("user_id", "role")}
