"""Template helpers of the channel pages: how a deadline reads."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def days_left(days: int | None) -> SafeString:
    """Working days to a deadline as words, with overdue marked in text, not only in colour."""
    if days is None:
        return format_html("")
    if days < 0:
        text = ngettext("Overdue by %(n)d working day", "Overdue by %(n)d working days", -days) % {"n": -days}
        return format_html('<strong class="due due-overdue">{}</strong>', text)
    if days == 0:
        return format_html('<span class="due due-today">{}</span>', _("Due today"))
    text = ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}
    return format_html('<span class="due">{}</span>', text)
