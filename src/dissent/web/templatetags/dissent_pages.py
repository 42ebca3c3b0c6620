"""Template helpers of the channel pages: the main navigation and how a deadline reads."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dissent.broadcasts import policy as broadcast_policy
from dissent.broadcasts import selectors as broadcast_selectors
from dissent.notify import selectors as notify_selectors
from dissent.people.models import User
from dissent.people.roles import Role
from dissent.people.selectors import roles_of

register = template.Library()

SECTIONS = (
    ("/memos/", "memos"),
    ("/office/", "office"),
    ("/inbox/", "inbox"),
    ("/messages/staff/", "staff_messages"),
    ("/messages/", "messages"),
    ("/audit/", "audit"),
    ("/sessions/", "sessions"),
)


@register.inclusion_tag("web/_nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, Any]:
    """Links for a signed-in person, with their unread counts; the office queue for the office,
    messages to staff for leadership."""
    request = context["request"]
    user = request.user
    assert isinstance(user, User)
    roles = roles_of(user)  # for the links only; what a person may do is policy.py's question
    section = next((name for prefix, name in SECTIONS if request.path.startswith(prefix)), "")
    return {
        "section": section,
        "unread": notify_selectors.unread_count(user),
        "unread_messages": broadcast_selectors.unread_count(user),
        "leadership": broadcast_policy.can_send(roles),
        "office": bool(roles & {Role.OFFICE, Role.OFFICE_HEAD}),
        "auditor": Role.AUDITOR in roles,
    }


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
