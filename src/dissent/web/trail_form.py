"""The auditor's filter form: memo, person (e-mail or id), action, and a range of days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.audit.actions import ACTIONS
from dissent.audit.selectors import TrailFilters
from dissent.bounds import parse_id
from dissent.people.selectors import person_id_by_email


class TrailFilterForm(forms.Form):
    memo = forms.CharField(label=_("Memo"), required=False, max_length=40)
    actor = forms.CharField(label=_("Person (e-mail or id)"), required=False, max_length=254)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_actor(self) -> int | None:
        """An e-mail address or an id; a person who was never in the directory is a form error."""
        value = self.cleaned_data["actor"].strip()
        if not value:
            return None
        if value.isascii() and value.isdigit():
            if (pk := parse_id(value)) is None:
                raise forms.ValidationError(_("Nobody has this id."))
            return pk
        person = person_id_by_email(value)
        if person is None:
            raise forms.ValidationError(_("Nobody with this e-mail address is in the directory."))
        return person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The range ends before it starts."))
        return cleaned

    def filters(self) -> TrailFilters:
        """Whole days in the server's time zone; ``until`` includes its day."""
        data = self.cleaned_data
        return TrailFilters(
            memo=data["memo"].strip(),
            actor=data["actor"],
            action=data["action"].strip(),
            since=start_of(data["since"]) if data["since"] else None,
            until=start_of(data["until"] + timedelta(days=1)) if data["until"] else None,
        )

    @staticmethod
    def action_codes() -> list[tuple[str, str]]:
        return [(code, str(text)) for code, text in ACTIONS.items()]


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
