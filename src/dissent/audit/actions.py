"""The one mapping from action codes to what people read on the audit pages.

Codes are stable, namespaced identifiers stored in the chain (``memo.read``); the text is
translated at display time, so the chain never depends on a language. Apps that record
a new code add it here; an unknown code is shown as the code itself.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AUDIT_READ = "audit.read"
AUDIT_EXPORTED = "audit.exported"

ACTIONS: dict[str, Promise] = {
    "memo.created": _("Created a memo draft"),
    "memo.read": _("Read a memo"),
    "memo.submitted": _("Submitted a memo"),
    "memo.acknowledged": _("Acknowledged a memo"),
    "memo.responded": _("Responded to a memo"),
    "memo.closed": _("Closed a memo"),
    "memo.edited": _("Saved a new version of a memo"),
    "memo.drafter_added": _("Added a co-drafter"),
    "memo.circulating": _("Opened a memo for signature"),
    "memo.withdrawn": _("Withdrew a memo"),
    "memo.rerouted": _("Re-routed a memo"),
    "memo.extended": _("Extended a response deadline"),
    "memo.reader_added": _("Added a reader to a memo"),
    "memo.message": _("Wrote in a memo's conversation"),
    "memo.meeting": _("Proposed a meeting about a memo"),
    "memo.thread_read": _("Read a memo's conversation"),
    "attachment.added": _("Attached a file"),
    "attachment.listed": _("Saw the names of a memo's attached files"),
    "attachment.downloaded": _("Downloaded an attached file"),
    "deadline.warned": _("Warned the office of a deadline"),
    "deadline.escalated": _("Escalated a missed deadline"),
    "broadcast.sent": _("Sent a message to staff"),
    "forum.scheduled": _("Scheduled a listening session"),
    "forum.registered": _("Registered for a listening session"),
    "forum.question_asked": _("Asked a question in a listening session, by name"),
    "forum.question_reported": _("Reported a question in a listening session"),
    "forum.question_moderated": _("Moderated a question in a listening session"),
    "forum.closed": _("Closed a listening session"),
    "forum.exported": _("Exported a listening session's questions"),
    "signature.added": _("Signed a memo"),
    "signature.withdrawn": _("Withdrew a signature"),
    "admin.added": _("Added an object in the admin site"),
    "admin.changed": _("Changed an object in the admin site"),
    "admin.deleted": _("Deleted an object in the admin site"),
    "admin.action": _("Ran an admin-site action on an object"),
    "cli.units_imported": _("Imported units from the command line"),
    "cli.people_imported": _("Imported people from the command line"),
    "cli.tokens_created": _("Issued API tokens from the command line"),
    "cli.tokens_revoked": _("Revoked API tokens from the command line"),
    "cli.keys_rotated": _("Rotated the key-encryption key from the command line"),
    AUDIT_READ: _("Read the audit trail"),
    AUDIT_EXPORTED: _("Exported the audit trail"),
}


def describe(code: str) -> str:
    text = ACTIONS.get(code)
    return str(text) if text is not None else code
