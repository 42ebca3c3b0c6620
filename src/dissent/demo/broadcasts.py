"""A demo message from leadership to all staff, neutral on what any memo asks.

Sent through the same service as a real one: an audit event, and e-mails from the worker.
"""

from __future__ import annotations

from dissent.broadcasts import services
from dissent.channel.models import Memo
from dissent.demo.memos import person

TITLE = "Listening sessions on the water programme consolidation"
BODY = (
    "Colleagues in both agencies have written a joint memo about the planned consolidation of the "
    "water programmes. It is with the receiving office, which will answer it in the usual way.\n\n"
    "We know views differ. To hear them, we will hold **two listening sessions** next month, one "
    "in each agency, open to all staff. Questions may be sent in advance.\n\n"
    "Thank you to everyone who takes the time to say what they think."
)


def load_demo_broadcasts(*, about: Memo) -> None:
    """One message to all staff, linking the memo ``about``: those who may see it find the link."""
    services.send_broadcast(actor=person("leader"), title=TITLE, body=BODY, memo_ids=[about.public_id])
