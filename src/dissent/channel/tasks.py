"""Periodic work of the channel, run by the task worker (``dissent serve`` starts it)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dissent.channel.sweeps import sweep_deadlines


@db_periodic_task(crontab(minute="*/10"))
def deadline_sweep() -> tuple[int, int]:
    result = sweep_deadlines(now=timezone.now())
    return result.warned, result.escalated
