"""E-mailing a message to everyone it addresses, from the task worker, in batches.

Nobody gets a row of their own when a message is sent (the request would write 80,000 rows
for a message to all staff). Instead the message keeps a cursor: ``email_through`` is the
last person, by id, already handled. A run claims the message with a conditional UPDATE
that moves ``email_due_at`` a lease ahead (so two workers never take the same batch), reads
the next ``BATCH`` people after the cursor, sends, and moves the cursor past them, batch by
batch, until nobody is left.

A recipient the server refuses is logged and passed over. A server that fails altogether
ends the run: the cursor stays after the last person reached and the message is due again
in ``RETRY``; after ``MAX_FAILURES`` such runs in a row it is given up (logged). A worker
that dies mid-batch loses nothing: the message is due again when its lease ends, and the
people of that batch already sent to get the message twice (as with notify/delivery.py).

The e-mail carries the message itself: it is addressed to everyone it reaches, unlike a
memo, so the content may travel. Linked memos are not named in it: each reader sees those
they may see on the message's page.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dissent.broadcasts.models import Broadcast, Read
from dissent.notify import selectors as notify
from dissent.people import selectors as people
from dissent.people.models import User

log = logging.getLogger(__name__)

BATCH = 500
LEASE = timedelta(minutes=10)  # a batch at EMAIL_TIMEOUT per send stays well inside it
RETRY = timedelta(minutes=5)
MAX_FAILURES = 48  # four hours of a mail server that takes nothing


class ServerDown(Exception):
    """The mail server took nothing: the run stops and the message waits for the next."""


def deliver(broadcast_id: int) -> int:
    """Send the message to everyone not yet reached; how many e-mails this run sent."""
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        while (message := claim(broadcast_id)) is not None:
            batch = people.active_people_after(
                message.email_through, unit_ids=audience_of(message), limit=BATCH
            )
            if not batch:
                finish(message)
                break
            count, reached = send_batch(message, batch, connection)
            sent += count
            if reached != batch[-1].pk:
                fail(message, reached)
                break
            advance(message, reached)
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return sent


def due_ids() -> list[int]:
    """The messages whose e-mailing is due: new ones whose hand-off was lost, retries, lapsed leases."""
    return list(
        Broadcast.objects.filter(email_due_at__lte=timezone.now())
        .order_by("email_due_at")
        .values_list("pk", flat=True)
    )


def claim(broadcast_id: int) -> Broadcast | None:
    """The message, held for one lease, if it is due; None when done or another worker has it."""
    message = Broadcast.objects.filter(pk=broadcast_id, email_due_at__lte=timezone.now()).first()
    if message is None:
        return None
    now = timezone.now()
    held = Broadcast.objects.filter(
        pk=message.pk, email_due_at__lte=now, email_through=message.email_through
    ).update(email_due_at=now + LEASE)
    return message if held else None


def audience_of(message: Broadcast) -> set[int] | None:
    return None if message.to_all else set(message.audience.values_list("unit_id", flat=True))


def send_batch(message: Broadcast, batch: list[User], connection: BaseEmailBackend) -> tuple[int, int]:
    """Send to each person in ``batch`` who wants e-mail, has not read the message yet and is not
    its author: how many were
    sent, and the id of the last person handled (the whole batch unless the server failed)."""
    muted = notify.muted_among(p.pk for p in batch) | readers_among(message, batch)
    sent, reached = 0, message.email_through
    for person in batch:
        if person.pk != message.author_id and person.pk not in muted:
            try:
                connection.open()  # once per run; a no-op while the connection is open
                send(message, person, connection)
                sent += 1
            except smtplib.SMTPRecipientsRefused:
                log.warning("the mail server refused person %s for message %s", person.pk, message.public_id)
            except Exception as exc:  # the run stops whatever went wrong, so that runs stay bounded
                log.warning(
                    "e-mailing message %s stopped before person %s (%s); it is due again in %s",
                    message.public_id,
                    person.pk,
                    type(exc).__name__,
                    RETRY,
                    exc_info=not isinstance(exc, smtplib.SMTPException | OSError),  # ours: with the traceback
                )
                return sent, reached
        reached = person.pk
    return sent, reached


def readers_among(message: Broadcast, batch: list[User]) -> set[int]:
    """Those who already read the message in Dissent Channel: they need no e-mail of it."""
    return set(
        Read.objects.filter(broadcast=message, user_id__in=[p.pk for p in batch]).values_list(
            "user_id", flat=True
        )
    )


def advance(message: Broadcast, reached: int) -> None:
    """Past ``reached``, due at once for the next batch, while the lease is still this run's."""
    Broadcast.objects.filter(pk=message.pk, email_through=message.email_through).update(
        email_through=reached, email_due_at=timezone.now(), email_failures=0
    )
    message.email_through = reached


def fail(message: Broadcast, reached: int) -> None:
    failures = message.email_failures + 1
    if failures >= MAX_FAILURES:
        log.error("gave up e-mailing message %s after %d failed runs", message.public_id, failures)
        due = None
    else:
        due = timezone.now() + RETRY
    Broadcast.objects.filter(pk=message.pk, email_through=message.email_through).update(
        email_through=reached, email_due_at=due, email_failures=F("email_failures") + 1
    )


def finish(message: Broadcast) -> None:
    Broadcast.objects.filter(pk=message.pk, email_through=message.email_through).update(
        email_due_at=None, emailed_at=timezone.now()
    )


def send(message: Broadcast, person: User, connection: BaseEmailBackend) -> None:
    with translation.override(person.language):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + message.title,
            message=_(
                "A message from leadership to staff:\n\n{title}\n\n{body}\n\n"
                "Read it, and any memos it links that you may see, in Dissent Channel:\n{url}\n"
            ).format(
                title=message.title,
                body=message.body,
                url=f"{settings.BASE_URL}/messages/{message.public_id}/",
            ),
            from_email=None,
            recipient_list=[person.email],
            connection=connection,
        )
