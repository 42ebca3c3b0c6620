"""E-mails of leadership messages, sent by the task worker through broadcasts/delivery.py."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dissent.broadcasts import delivery


@db_task()
def email_broadcast(broadcast_id: int) -> int:
    """The hand-off after a message is sent: its e-mails at once, batch after batch."""
    return delivery.deliver(broadcast_id)


@db_periodic_task(crontab(minute="*"))
def email_due_broadcasts() -> int:
    """Messages whose e-mailing is due: a lost hand-off, a retry after a failure, a lapsed lease."""
    return sum(delivery.deliver(pk) for pk in delivery.due_ids())
