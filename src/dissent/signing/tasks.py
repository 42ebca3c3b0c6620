"""Background work for co-signing."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from dissent.signing import keys


@db_task()
def make_keys(user_ids: list[int]) -> int:
    """Invitees' signing keys, made after the invitation so neither inviting nor signing waits for them."""
    return keys.ensure_keys(user_ids)
