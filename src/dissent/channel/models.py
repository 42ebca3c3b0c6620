"""The channel: memos, their immutable versions, who drafted and who may read them,
the conversation with the office, and the office's response.

Everything a person wrote is stored sealed under the memo's data key (dissent.vault);
these tables hold only what the deadline clocks, routing and counting need in clear.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.channel.status import MemoStatus
from dissent.people.models import Unit, User
from dissent.people.roles import Role
from dissent.vault.models import DataKey

if TYPE_CHECKING:
    from dissent.channel.visibility import Standing


class DeadlineMode(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days (Dissent Channel rules)")
    EU_DIRECTIVE = "eu_directive", _("EU whistleblowing directive (calendar days and months)")


def default_distribution_roles() -> list[str]:
    return [Role.LEADERSHIP.value]


class ChannelSettings(models.Model):
    """One row (pk=1): who receives memos, who else reads them, and the deadline clock.

    Every number of the rules is a setting here, so an organisation can follow its own
    regulations without a code change.
    """

    receiving_office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving office"),
        help_text=_("The unit whose people (role 'office') receive and answer memos."),
    )
    distribution_roles = models.JSONField(
        _("standing distribution: roles"),
        default=default_distribution_roles,
        blank=True,
        help_text=_("Everyone holding one of these roles reads every submitted memo."),
    )
    distribution_people = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name=_("standing distribution: named people")
    )
    deadline_mode = models.CharField(
        _("deadline rules"), max_length=20, choices=DeadlineMode.choices, default=DeadlineMode.WORKING_DAYS
    )
    acknowledge_working_days = models.PositiveSmallIntegerField(
        _("acknowledge within (working days)"), default=2
    )
    response_working_days = models.PositiveSmallIntegerField(_("respond within (working days)"), default=30)
    extended_response_working_days = models.PositiveSmallIntegerField(
        _("respond within, once extended (working days)"), default=60
    )
    eu_acknowledge_days = models.PositiveSmallIntegerField(_("EU mode: acknowledge within (days)"), default=7)
    eu_feedback_months = models.PositiveSmallIntegerField(_("EU mode: feedback within (months)"), default=3)
    warn_working_days_before = models.PositiveSmallIntegerField(
        _("warn the office this many working days before a deadline"), default=1
    )
    holiday_country = models.CharField(
        _("public holidays of (country code)"), max_length=8, blank=True, default="US"
    )
    holiday_subdivision = models.CharField(_("region or state code"), max_length=16, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")
    leadership_signers_threshold = models.PositiveIntegerField(
        _("add leadership when a memo has at least this many signers"),
        null=True,
        blank=True,
        help_text=_("Empty: off. Counted over the signatures frozen at submission."),
    )
    leadership_agencies_threshold = models.PositiveSmallIntegerField(
        _("add leadership when a memo has signers from at least this many agencies"),
        null=True,
        blank=True,
        help_text=_("Empty: off. Counted over the signatures frozen at submission."),
    )

    class Meta:
        verbose_name = _("channel settings")
        verbose_name_plural = _("channel settings")

    def __str__(self) -> str:
        return str(_("Channel settings"))

    def clean(self) -> None:
        from zoneinfo import available_timezones

        import holidays

        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": _("Unknown time zone.")})
        if self.holiday_country and self.holiday_country not in holidays.list_supported_countries():
            raise ValidationError({"holiday_country": _("No holiday calendar for this country code.")})
        unknown = set(self.distribution_roles or []) - set(Role.values)
        if unknown:
            raise ValidationError({"distribution_roles": _("Unknown roles: %s") % ", ".join(sorted(unknown))})
        if self.extended_response_working_days < self.response_working_days:
            raise ValidationError(
                {"extended_response_working_days": _("An extension cannot shorten the deadline.")}
            )

    @classmethod
    def current(cls) -> ChannelSettings:
        """The settings row, created with the defaults on first use."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ClosureDay(models.Model):
    """A day the organisation is closed beyond the public holidays: no deadline clock runs."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


def new_public_id() -> str:
    """Opaque, unguessable ids: nobody learns how many memos exist or probes for them."""
    return secrets.token_hex(8)


class RerouteChannel(models.TextChoices):
    HR = "hr", _("Human resources (personnel and management matters)")
    INSPECTOR_GENERAL = "inspector_general", _("Inspector general (fraud, waste, abuse, law)")


class MemoQuerySet(models.QuerySet["Memo"]):
    """Memos narrowed by who asks. The rule itself is ``channel/visibility.py``'s, imported when
    asked: it reads signing's rows, and signing's models import this module."""

    def visible_to(self, actor: User, standing: Standing | None = None) -> MemoQuerySet:
        from dissent.channel import visibility

        return visibility.restrict(self, actor, standing)

    def with_access(self, actor: User, standing: Standing) -> MemoQuerySet:
        from dissent.channel import visibility

        return visibility.with_access(self, actor, standing)


class Memo(models.Model):
    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=MemoStatus.choices, default=MemoStatus.DRAFT, db_index=True
    )
    current_version = models.ForeignKey("MemoVersion", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    circulated_at = models.DateTimeField(null=True)
    submitted_at = models.DateTimeField(null=True, db_index=True)
    acknowledge_due = models.DateTimeField(null=True)
    response_due = models.DateTimeField(null=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True)
    extended_at = models.DateTimeField(null=True)
    extension_reason = models.BinaryField(null=True)
    responded_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    withdrawn_at = models.DateTimeField(null=True)
    rerouted_at = models.DateTimeField(null=True)
    rerouted_to = models.CharField(max_length=20, choices=RerouteChannel.choices, blank=True)
    reroute_note = models.BinaryField(null=True)
    # Deadline sweeps claim each warning once with a conditional UPDATE on these.
    acknowledge_warned_at = models.DateTimeField(null=True)
    acknowledge_escalated_at = models.DateTimeField(null=True)
    response_warned_at = models.DateTimeField(null=True)
    response_escalated_at = models.DateTimeField(null=True)
    # Agencies of the drafters at submission: their heads read the memo (unless the office's own).
    agencies = models.ManyToManyField(Unit, related_name="+", blank=True)
    signature_count = models.PositiveIntegerField(default=0)

    objects = MemoQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"memo {self.public_id} ({self.status})"

    def aad(self, place: str) -> str:
        """Binds each sealed value to this memo and its field, so it cannot be moved elsewhere."""
        return f"memo:{self.public_id}:{place}"


class Drafter(models.Model):
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="drafters")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="drafted")
    is_lead = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["memo", "user"], name="drafter_once_per_memo")]
        ordering = ("-is_lead", "added_at")

    def __str__(self) -> str:
        return f"{self.user_id} drafts {self.memo_id}"


class MemoVersion(models.Model):
    """An immutable version. ``sha256`` is over the canonical form (docs/bundle-format.md)."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["memo", "number"], name="version_number_once")]
        ordering = ("memo", "number")

    def __str__(self) -> str:
        return f"{self.memo_id} v{self.number}"


class Transition(models.Model):
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=MemoStatus.choices)
    to_status = models.CharField(max_length=20, choices=MemoStatus.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("memo", "at", "pk")

    def __str__(self) -> str:
        return f"{self.memo_id}: {self.from_status} → {self.to_status}"


class Reader(models.Model):
    """Someone the office head added to the distribution, with a reason the drafters see."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.BinaryField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["memo", "user"], name="reader_once_per_memo")]

    def __str__(self) -> str:
        return f"{self.user_id} reads {self.memo_id}"


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    MEETING = "meeting", _("Meeting proposal")
    REPLY = "reply", _("Drafters' reply to the response")


class Message(models.Model):
    """The conversation between drafters and office; the body (and meeting times) are sealed."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("memo", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.kind} on {self.memo_id}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    DECLINED = "declined", _("Declined")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")


class Response(models.Model):
    memo = models.OneToOneField(Memo, on_delete=models.CASCADE, related_name="response")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"response to {self.memo_id}"


class ResponseItem(models.Model):
    """The outcome for one recommendation; the outcome is in clear for the outcome reports."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    text = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="one_outcome_per_recommendation")
        ]
        ordering = ("response", "number")

    def __str__(self) -> str:
        return f"{self.response_id} #{self.number}: {self.outcome}"
