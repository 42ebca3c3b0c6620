"""The channel's rules for this organisation, kept in one editable place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dissent.people.models import Unit, User
from dissent.people.roles import Role


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
        _("deadline rules"),
        max_length=20,
        choices=DeadlineMode.choices,
        default=DeadlineMode.WORKING_DAYS,
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
    holiday_country = models.CharField(
        _("public holidays of (country code)"), max_length=8, blank=True, default="US"
    )
    holiday_subdivision = models.CharField(_("region or state code"), max_length=16, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")

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
