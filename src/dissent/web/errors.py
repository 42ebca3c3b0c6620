"""The one place where domain errors become pages.

- ``NotFound`` is the 404 page, the same for a missing memo and one the person may not see.
- Any other refusal met while a form was being handled becomes that form's error
  (``attempt``), so the page is shown again with what the person typed.
- A refusal no form caught (a bare button, a crafted request) becomes a message on the memo
  page (``refusal_page``).

Services change nothing unless they succeed (each runs in one transaction), so none of
these paths leaves anything half-saved, and none is a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from dissent.errors import DomainError, NotFound

T = TypeVar("T")


class FieldGroups(DjangoTemplates):
    """Renders each ``field.as_field_group`` (label, help, errors, input) inside one element."""

    field_template_name = "web/_field.html"


class PageForm(forms.Form):
    """A form whose submission calls one service. ``status`` is what its page answers with.

    Ids are prefixed with ``slug``, so several forms live on one page without clashing.
    """

    default_renderer = FieldGroups()
    slug = "form"
    status = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.slug}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def attempt(form: PageForm, action: Callable[[], T]) -> T | None:
    """Validate ``form`` and run ``action``; None (with the reason on the form) when refused.

    NotFound is not caught: what the person may not see stays a 404, even mid-form.
    """
    if not form.is_valid():
        form.status = 422
        return None
    try:
        return action()
    except NotFound:
        raise
    except DomainError as exc:
        form.add_error(None, exc.detail)
        form.status = exc.status
        return None


def refusal_page(
    request: HttpRequest, exc: DomainError, view_kwargs: Mapping[str, Any], *, htmx: bool
) -> HttpResponse:
    """htmx is told to load the whole memo page, not to swap it into a fragment."""
    if isinstance(exc, NotFound):
        return render(request, "404.html", status=404)
    messages.error(request, exc.detail)
    memo_id = view_kwargs.get("memo_id")
    url = reverse("memo", kwargs={"memo_id": memo_id}) if memo_id else reverse("memos")
    return HttpResponseClientRedirect(url) if htmx else redirect(url)
