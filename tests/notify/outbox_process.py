"""A real process for the crash test (tests/notify/test_crash.py), configured by its environment.

``python -m tests.notify.outbox_process submit-and-die``: sets up the personas, drafts a
memo and submits it through the service, then kills itself with SIGKILL right after the
submission commits, before any on-commit callback runs.
``state``: every notification row, as JSON.
``deliver``: one run of the periodic delivery task; prints how many e-mails it sent.
"""

from __future__ import annotations

import json
import os
import signal
import sys


def submit_and_die() -> None:
    from django.db import connection

    from dissent.channel import services
    from dissent.channel.models import ChannelSettings
    from dissent.people import services as people
    from dissent.people.models import Unit, User
    from tests.conftest import PEOPLE, UNITS

    people.import_units(data=UNITS.encode())
    people.import_people(data=PEOPLE.encode())
    config = ChannelSettings.current()
    config.receiving_office = Unit.objects.get(code="PPS")
    config.save()
    drafter = User.objects.get(email="drafter@example.org")
    memo = services.create_memo(
        actor=drafter, title="Water", summary="", body="The plan.", recommendations=["Keep it."]
    )

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    connection.run_and_clear_commit_hooks = die  # type: ignore[method-assign]
    services.submit_memo(actor=drafter, memo_id=memo.public_id)
    sys.exit("the submission returned: the process was not killed after its commit")


def state() -> None:
    from dissent.notify.models import Notification
    from dissent.people.models import User

    emails = dict(User.objects.values_list("pk", "email"))
    rows = [row | {"email": emails[row["user_id"]]} for row in Notification.objects.order_by("pk").values()]
    print(json.dumps(rows, default=str))


def deliver() -> None:
    from dissent.notify.tasks import email_due_notifications

    print(email_due_notifications.call_local())


if __name__ == "__main__":
    from dissent.cli.shared import setup_django

    setup_django()
    {"submit-and-die": submit_and_die, "state": state, "deliver": deliver}[sys.argv[1]]()
