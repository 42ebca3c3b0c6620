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
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Q

from dissent.audit.models import AuditEvent
from dissent.audit.services import record
from dissent.channel.models import ChannelSettings
from dissent.notify.services import notify
from dissent.people import services as people_services
from dissent.people.models import ApiToken, RoleAssignment, User
from dissent.people.roles import Role
from dissent.people.services import ImportResult

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


def import_directory(*, kind: str, data: bytes, skip_invalid: bool) -> ImportResult:
    """``dissent units import`` / ``people import``: the import and its one event commit together.

    The event names the file by SHA-256 and counts rows; for people it lists the roles that
    ended (``before``) and began (``after``) as ``person-id:role``, so a grant by import is
    announced like one in the admin site.
    """
    importer = people_services.import_units if kind == "units" else people_services.import_people
    with transaction.atomic():
        held = role_pairs() if kind == "people" else set()
        result = importer(data=data, skip_invalid=skip_invalid)
        now_held = role_pairs() if kind == "people" else set()
        changes: Changes = {}
        if held != now_held:
            changes["role_assignments"] = {
                "before": sorted(held - now_held),
                "after": sorted(now_held - held),
            }
        record_change(
            actor=None,
            action=f"cli.{kind}_imported",
            target=None,
            changes=changes,
            via="cli",
            file_sha256=hashlib.sha256(data).hexdigest(),
            created=result.created,
            updated=result.updated,
            skipped=len(result.skipped),
        )
    return result


def issue_tokens(*, emails: Sequence[str], days: int | None = None) -> list[tuple[str, str]]:
    """``dissent tokens create``: the tokens and one event naming them by id (never the token)."""
    with transaction.atomic():
        issued = people_services.create_tokens(emails=emails, days=days)
        tokens = ApiToken.objects.filter(digest__in=[people_services.token_digest(t) for _e, t in issued])
        made = list(tokens.order_by("pk").values_list("pk", "user_id", "expires_at"))
        record_change(
            actor=None,
            action="cli.tokens_created",
            target=None,
            changes={},
            via="cli",
            tokens=[{"token": pk, "person": user_id, "expires_at": expires} for pk, user_id, expires in made],
        )
    return issued


def revoke_tokens(*, ids: Sequence[int]) -> int:
    """``dissent tokens revoke``: revoke by id; one event names those it revoked."""
    with transaction.atomic():
        live = list(ApiToken.objects.filter(pk__in=ids, revoked_at__isnull=True).order_by("pk"))
        count = people_services.revoke_tokens(tokens=live)
        if count:
            record_change(
                actor=None,
                action="cli.tokens_revoked",
                target=None,
                changes={},
                via="cli",
                tokens=[{"token": t.pk, "person": t.user_id} for t in live],
            )
    return count


def note_key_rotation(*, old_kek_id: str, new_kek_id: str, rewrapped: Mapping[str, int]) -> AuditEvent:
    """``dissent keys rotate`` happened: the fingerprints (never the keys) and what was re-wrapped."""
    return record_change(
        actor=None,
        action="cli.keys_rotated",
        target=None,
        changes={"kek_id": {"before": old_kek_id, "after": new_kek_id}},
        via="cli",
        rewrapped=dict(rewrapped),
    )
