"""E-mails for inbox items, sent by the task worker through notify/delivery.py."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dissent.notify import delivery


@db_task()
def email_notifications(notification_ids: list[int]) -> int:
    """The hand-off after a commit: these rows at once, rather than at the next minute."""
    return delivery.deliver_due(ids=notification_ids).sent


@db_periodic_task(crontab(minute="*"))
def email_due_notifications() -> int:
    """Whatever is due: rows whose hand-off was lost in a crash, retries, expired leases.
    ``dissent worker`` also queues it as it starts."""
    return delivery.deliver_due().sent
