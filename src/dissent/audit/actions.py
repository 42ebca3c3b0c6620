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
    "signature.added": _("Signed a memo"),
    "signature.withdrawn": _("Withdrew a signature"),
    AUDIT_READ: _("Read the audit trail"),
    AUDIT_EXPORTED: _("Exported the audit trail"),
}


def describe(code: str) -> str:
    text = ACTIONS.get(code)
    return str(text) if text is not None else code
