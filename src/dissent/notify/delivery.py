"""E-mail for inbox items: the worker's side of the outbox.

``notify()`` writes each row in the transaction of its change, due at once. Delivery reads
the due rows through a partial index on ``email_due_at`` and takes them one at a time with
a conditional UPDATE (the claim) that moves ``email_due_at`` a lease ahead and counts the
attempt, so two workers never send one row: the second finds it no longer due. It then
sends, and records the outcome only while the attempt is still its own (the attempt count
is the lease's token). A worker that dies mid-delivery loses nothing: the row is due again
when the lease ends. The send and its record cannot be one transaction with the mail
server, so a worker that dies (or stalls past the lease) after the server accepted the
message and before the record commits makes the one duplicate this allows.

A failed attempt waits 1, 2, 4, … minutes (at most four hours) before the next; after
``MAX_ATTEMPTS`` the row is given up and stays in the inbox. A server that cannot be
reached, or refuses mail altogether, ends the run: every due row would only wait for the
same timeout, so the rest stay due, without an attempt counted, for the next run.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dissent.notify.models import EmailStatus, Notification, Preference

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # well above a send's worst case under EMAIL_TIMEOUT (settings.py)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=4)
MAX_ATTEMPTS = 12  # about 16 hours of trying: a night's outage of the mail server loses nothing
BATCH = 200


def retry_delay(attempts: int) -> timedelta:
    """How long a row waits after its ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


class ServerDown(Exception):
    """The mail server took no mail at all: the run stops and the rest wait for the next."""


def wanted(note: Notification, muted: set[int]) -> bool:
    """No e-mail to people who turned it off, who left, or who have already read the item."""
    return note.user_id not in muted and note.user.is_active and bool(note.user.email) and not note.read_at


def deliver_due(*, ids: Sequence[int] | None = None) -> Delivery:
    """Send every e-mail due now (of ``ids`` only, for the hand-off after a commit).

    Run outside any transaction: each claim and each outcome commits at once, and nothing
    is held open while the mail server answers.
    """
    started = timezone.now()
    result = Delivery()
    connection = get_connection(fail_silently=False)
    try:
        while batch := list(due(now=started, ids=ids)[:BATCH]):
            muted = set(
                Preference.objects.filter(user_id__in={n.user_id for n in batch}, email=False).values_list(
                    "user_id", flat=True
                )
            )
            for note in batch:
                if not wanted(note, muted):
                    result.skipped += skip(note)
                    continue
                outcome = attempt(note, connection)
                if outcome == EmailStatus.SENT:
                    result.sent += 1
                elif outcome is not None:
                    result.failed += 1
    except ServerDown:
        result.failed += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()  # every outcome is recorded by now; a failing QUIT changes none
    return result


def due(*, now: datetime, ids: Sequence[int] | None = None) -> QuerySet[Notification]:
    """The rows whose e-mail is due, oldest first, read through the partial index on
    ``email_due_at``. Every row a run handles leaves this set (sent, skipped, leased or
    waiting for its retry), so a run ends."""
    rows = Notification.objects.filter(email_due_at__lte=now)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.select_related("user").order_by("email_due_at")


def skip(note: Notification) -> int:
    """Marked not sent, unless another worker holds the row."""
    return Notification.objects.filter(pk=note.pk, email_due_at__lte=timezone.now()).update(
        email_status=EmailStatus.SKIPPED, email_due_at=None
    )


def attempt(note: Notification, connection: BaseEmailBackend) -> str | None:
    """Claim, send, record: the row's e-mail status after this attempt, or None when another
    worker took the row first."""
    number = claim(note)
    if number is None:
        return None
    try:
        connection.open()  # once per run; a no-op while the connection is open
        send(note, connection)
    except Exception as exc:  # a failed attempt whatever went wrong, so that attempts stay bounded
        status = record_failure(note, number, exc)
        if mail_error(exc) and not isinstance(exc, smtplib.SMTPRecipientsRefused):
            raise ServerDown from exc
        return status
    record(
        note,
        number,
        email_status=EmailStatus.SENT,
        emailed_at=timezone.now(),
        email_due_at=None,
        email_error="",
    )
    return EmailStatus.SENT


def claim(note: Notification) -> int | None:
    """Take the row for one lease if it is still due and unchanged since it was read; the number
    of this attempt, or None when another worker has it."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=note.pk, email_due_at__lte=now, email_attempts=note.email_attempts
    ).update(email_due_at=now + LEASE, email_attempts=F("email_attempts") + 1)
    return note.email_attempts + 1 if claimed else None


def record(note: Notification, number: int, **outcome: object) -> None:
    """An attempt's outcome, written only while the attempt still holds the row: when its lease
    ran out and another worker claimed the row again, that worker's record stands."""
    held = Notification.objects.filter(pk=note.pk, email_status=EmailStatus.PENDING, email_attempts=number)
    if not held.update(**outcome):
        log.warning(
            "notification %s was claimed again while this worker sent it (its lease of %s ran out): "
            "its person may get the e-mail twice",
            note.pk,
            LEASE,
        )


def mail_error(exc: Exception) -> bool:
    """What a mail server or the network raises; anything else is a fault of ours, logged with
    its traceback."""
    return isinstance(exc, (smtplib.SMTPException, OSError))


def record_failure(note: Notification, number: int, exc: Exception) -> str:
    error = describe(exc)
    if number >= MAX_ATTEMPTS:
        record(note, number, email_status=EmailStatus.GIVEN_UP, email_due_at=None, email_error=error)
        log.error(
            "gave up e-mailing notification %s after %d attempts: %s",
            note.pk,
            number,
            error,
            exc_info=not mail_error(exc),
        )
        return EmailStatus.GIVEN_UP
    retry_at = timezone.now() + retry_delay(number)
    record(note, number, email_due_at=retry_at, email_error=error)
    log.warning(
        "e-mailing notification %s failed (attempt %d of %d): %s; next attempt at %s",
        note.pk,
        number,
        MAX_ATTEMPTS,
        error,
        retry_at.isoformat(timespec="seconds"),
        exc_info=not mail_error(exc),
    )
    return EmailStatus.PENDING


def send(note: Notification, connection: BaseEmailBackend) -> None:
    """The e-mail never says what the item is about: only that there is one, and where."""
    with translation.override(note.user.language):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("You have a new item"),
            message=_(
                "There is a new item for you in Dissent Channel.\n\n"
                "For your protection this e-mail never says what it is about. Open your inbox:\n{url}\n"
            ).format(url=f"{settings.BASE_URL}/inbox/"),
            from_email=None,
            recipient_list=[note.user.email],
            connection=connection,
        )


def describe(exc: Exception) -> str:
    """The error as one short sentence for the operator: its kind and the server's code, never
    the server's own words, which may repeat the address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(sorted({str(code) for code, _reply in exc.recipients.values()}))
        return f"The mail server refused the recipient ({codes})."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The mail server answered {exc.smtp_code} ({type(exc).__name__})."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection."
    if isinstance(exc, TimeoutError):
        return f"The mail server did not answer within {settings.EMAIL_TIMEOUT} seconds."
    if isinstance(exc, OSError) and exc.strerror:
        return f"Could not reach the mail server: {exc.strerror}."
    return f"Could not send through the mail server ({type(exc).__name__})."
