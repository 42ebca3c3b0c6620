"""The forms of the listening-session pages. They shape input; the services judge it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from dissent.channel.content import MAX_MESSAGE, MAX_TITLE
from dissent.forums.services import MAX_LOCATION, MAX_QUESTION, MAX_REASON
from dissent.web.errors import PageForm
from dissent.web.forms import audience_field, text_area

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def moment(label: StrOrPromise) -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    return forms.DateTimeField(label=label, widget=widget)


class SessionForm(PageForm):
    """Times are read in the organisation's zone (the page says which)."""

    slug = "session"

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    starts_at = moment(_("Starts"))
    ends_at = moment(_("Ends"))
    location = forms.CharField(
        label=_("Place or link"),
        required=False,
        max_length=MAX_LOCATION,
        help_text=_("A room, or a link to join online, or both."),
    )
    units = audience_field()
    allow_anonymous = forms.BooleanField(label=_("Allow anonymous questions"), required=False, initial=True)
    premoderate = forms.BooleanField(
        label=_("Questions need approval first"),
        required=False,
        help_text=_("A moderator approves each question before others see it."),
    )


class QuestionForm(PageForm):
    slug = "ask"

    body = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_QUESTION}),
        help_text=_("At most 2,000 characters."),
    )
    anonymous = forms.BooleanField(label=_("Ask anonymously"), required=False)


class ReasonForm(PageForm):
    """Why a question is hidden (its author sees it), or why it is reported (moderators see it)."""

    slug = "reason"
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, required=False)


class AnswerForm(PageForm):
    slug = "answer"
    text = forms.CharField(
        label=_("Written answer"), max_length=MAX_MESSAGE, required=False, widget=text_area(3)
    )


class MergeForm(PageForm):
    slug = "merge"
    into = forms.CharField(label=_("Merge into"), max_length=32)
