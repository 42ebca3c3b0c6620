"""The channel's page forms. They only shape input for the services, which do the real checking."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dissent.channel.content import (
    MAX_BODY,
    MAX_MESSAGE,
    MAX_POLICY_AREA,
    MAX_RECOMMENDATIONS,
    MAX_SUMMARY,
    MAX_TITLE,
)
from dissent.channel.models import Outcome, RerouteChannel
from dissent.channel.services import OutcomeIn
from dissent.web.errors import PageForm

# Recommendation fields shown without JavaScript: enough for most memos, one more on request.
MIN_RECOMMENDATION_ROWS = 3
MEETING_FIELDS = 3


def text_area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MemoForm(PageForm):
    """Title, summary, Markdown body, policy area, and a list of recommendations.

    Recommendations are repeated ``recommendation`` fields, numbered on the page. Blank ones
    are ignored, so a person removes one by clearing it; "Add another recommendation" posts
    the form back with one more field (htmx swaps in only the list), saving nothing.
    """

    slug = "memo"

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    policy_area = forms.CharField(
        label=_("Policy area"),
        required=False,
        max_length=MAX_POLICY_AREA,
        help_text=_("For example: development cooperation, trade, consular affairs."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=MAX_SUMMARY,
        widget=text_area(3),
        help_text=_("A few sentences: what is wrong with the policy, and what you ask for."),
    )
    body = forms.CharField(
        label=_("Memo"),
        max_length=MAX_BODY,
        widget=text_area(16),
        help_text=_("Markdown: ## starts a heading, **bold**, *italic*, - starts a list item."),
    )

    def __init__(
        self, data: QueryDict | None = None, *, recommendations: Sequence[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        fields = data.getlist("recommendation") if data is not None else list(recommendations)
        self.recommendations = [text.strip() for text in fields if text.strip()]
        self.adds_row = data is not None and "add_recommendation" in data
        self.rows = min(max(MIN_RECOMMENDATION_ROWS, len(fields)) + int(self.adds_row), MAX_RECOMMENDATIONS)

    @property
    def focus_row(self) -> int:
        """The first empty field after "add another", so the person can type straight away (0: none)."""
        return len(self.recommendations) + 1 if self.adds_row else 0

    def recommendation_rows(self) -> list[tuple[int, str]]:
        """What the page shows: as many fields as before (one more on request), filled ones first."""
        blanks = max(self.rows - len(self.recommendations), 0)
        return list(enumerate([*self.recommendations, *[""] * blanks], 1))


class CoDrafterForm(PageForm):
    slug = "drafter"
    email = forms.EmailField(label=_("E-mail address of the co-drafter"))


class ExtendForm(PageForm):
    slug = "extend"
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=MAX_MESSAGE,
        widget=text_area(3),
        help_text=_("The drafters see this reason."),
    )


class RerouteForm(PageForm):
    slug = "reroute"
    channel = forms.ChoiceField(label=_("Send to"), choices=RerouteChannel.choices)
    note = forms.CharField(
        label=_("Note to the drafters"),
        max_length=MAX_MESSAGE,
        widget=text_area(3),
        help_text=_("Say why the memo is outside the scope of the dissent channel."),
    )


class ReaderForm(PageForm):
    slug = "reader"
    email = forms.EmailField(label=_("E-mail address of the reader"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2_000,
        widget=text_area(2),
        help_text=_("The drafters see who was added and why."),
    )


class RespondForm(PageForm):
    """The response: its text, then an outcome and an explanation for every recommendation."""

    slug = "respond"
    body = forms.CharField(label=_("Response"), widget=text_area(8), help_text=_("Markdown."))

    def __init__(
        self, data: QueryDict | None = None, *, recommendations: Sequence[str], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.recommendations = list(recommendations)
        choices = [("", _("Choose an outcome")), *Outcome.choices]
        for number, _text in enumerate(self.recommendations, 1):
            self.fields[f"outcome_{number}"] = forms.ChoiceField(
                label=_("Outcome for recommendation %(n)d") % {"n": number}, choices=choices
            )
            self.fields[f"text_{number}"] = forms.CharField(
                label=_("Explanation for recommendation %(n)d") % {"n": number},
                max_length=MAX_MESSAGE,
                widget=text_area(3),
            )

    def items(self) -> list[tuple[int, str, forms.BoundField, forms.BoundField]]:
        numbered = enumerate(self.recommendations, 1)
        return [(n, text, self[f"outcome_{n}"], self[f"text_{n}"]) for n, text in numbered]

    def outcomes(self) -> list[OutcomeIn]:
        data = self.cleaned_data
        return [
            OutcomeIn(number=n, outcome=data[f"outcome_{n}"], text=data[f"text_{n}"])
            for n in range(1, len(self.recommendations) + 1)
        ]


class MessageForm(PageForm):
    """A message in the thread; the office may add times to propose a meeting."""

    slug = "message"
    body = forms.CharField(label=_("Message"), max_length=MAX_MESSAGE, widget=text_area(3))

    def __init__(self, data: QueryDict | None = None, *, may_propose: bool, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.may_propose = may_propose
        if may_propose:
            for n in range(1, MEETING_FIELDS + 1):
                self.fields[f"meeting_{n}"] = forms.DateTimeField(
                    label=_("Proposed time %(n)d") % {"n": n},
                    required=False,
                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                )

    def meeting_fields(self) -> list[forms.BoundField]:
        return [self[f"meeting_{n}"] for n in range(1, MEETING_FIELDS + 1)] if self.may_propose else []

    def meeting_times(self) -> list[datetime]:
        times = [self.cleaned_data.get(field.name) for field in self.meeting_fields()]
        return [t for t in times if t is not None]


class ReplyForm(PageForm):
    slug = "reply"
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_MESSAGE,
        widget=text_area(4),
        help_text=_("You can reply once. Replying closes the memo."),
    )


class PreferenceForm(PageForm):
    slug = "preference"
    email = forms.BooleanField(
        label=_("Send me an e-mail when there is a new item"),
        required=False,
        help_text=_("The e-mail never says what the item is about; it links to this inbox."),
    )


class InviteForm(PageForm):
    slug = "invite"
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=text_area(2),
        help_text=_("Separate addresses with commas, spaces or new lines."),
    )
    units = forms.CharField(
        label=_("Unit codes"),
        required=False,
        help_text=_("Everyone eligible in these units and the units below them, e.g. MFA-NOR; DCA."),
    )

    def addresses(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if part]

    def unit_codes(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.cleaned_data["units"]) if part]


class SignForm(PageForm):
    slug = "sign"
    version_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    name_visible = forms.BooleanField(label=_("co-signers see my name"), required=False)


def codes_in(text: str) -> list[str]:
    """Codes or ids typed in one field, separated by commas, spaces or line breaks."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def audience_field() -> forms.CharField:
    """The units a message or a session is for, typed as codes; none means all staff."""
    return forms.CharField(
        label=_("Units"),
        required=False,
        help_text=_("Unit codes, separated by commas; each includes the units below it. Empty: all staff."),
    )


class BroadcastForm(PageForm):
    """A message to staff: the service judges the units and memos and names what it refuses."""

    slug = "broadcast"

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE,
        widget=text_area(10),
        help_text=_("Markdown: ## starts a heading, **bold**, *italic*, - starts a list item."),
    )
    units = audience_field()
    memos = forms.CharField(
        label=_("Linked memos"),
        required=False,
        help_text=_(
            "Memo ids, separated by commas. Each reader sees only the memos they may see; "
            "the others are not mentioned to them."
        ),
    )
