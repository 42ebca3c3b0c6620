"""Reads of attachments, scoped to the actor like the memo they belong to; every list of names
and every download is audited.

Files on the memo are seen by whoever may see the memo; files on messages only by those in
the conversation (``policy.can_read_thread``), like the messages themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from dissent.attachments.models import Attachment
from dissent.audit.services import record
from dissent.channel import policy, selectors
from dissent.errors import NotFound
from dissent.people.models import User
from dissent.vault import services as vault


@dataclass(frozen=True)
class OpenedAttachment:
    filename: str
    content_type: str
    content: bytes


def visible_attachments(actor: User, memo_id: str) -> list[tuple[Attachment, str]]:
    """(attachment, file name) the actor may see; message files only for those in the conversation.

    File names are content ("draft-response-to-minister.docx"), so showing them is recorded
    (``attachment.listed``), as reading a memo or its conversation is.
    """
    memo, access = selectors.memo_for(actor, memo_id)
    rows = Attachment.objects.filter(memo=memo)
    if not policy.can_read_thread(access):
        rows = rows.filter(message__isnull=True)
    named = [(a, vault.open_text(memo.data_key, bytes(a.filename), aad=a.aad("name"))) for a in rows]
    if named:
        record(
            actor=actor,
            action="attachment.listed",
            target=memo,
            memo_id=memo.public_id,
            details={"files": len(named)},
        )
    return named


def open_attachment(*, actor: User, memo_id: str, attachment_id: str) -> OpenedAttachment:
    """The file for download; recorded as ``attachment.downloaded``."""
    memo, access = selectors.memo_for(actor, memo_id)
    attachment = Attachment.objects.filter(memo=memo, public_id=attachment_id).first()
    if attachment is None or (attachment.message_id is not None and not policy.can_read_thread(access)):
        raise NotFound()
    attachment.memo = memo
    opened = OpenedAttachment(
        filename=vault.open_text(memo.data_key, bytes(attachment.filename), aad=attachment.aad("name")),
        content_type=attachment.content_type,
        content=vault.open_sealed(
            memo.data_key, bytes(attachment.content), aad=attachment.aad("content").encode("utf-8")
        ),
    )
    record(
        actor=actor,
        action="attachment.downloaded",
        target=attachment,
        memo_id=memo.public_id,
        details={"size": attachment.size},
    )
    return opened
