"""Attaching files to memos and messages (reading them back is attachments/selectors.py's).

The memo's drafters attach supporting files while the text can still change; in the
conversation, each author attaches to their own message. Attachments are supporting
material: signatures cover the memo's text, not its files (docs/channel.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from dissent.attachments.files import FileRefused, check_file
from dissent.attachments.models import Attachment
from dissent.audit.services import record
from dissent.bounds import parse_id
from dissent.channel import policy, selectors
from dissent.channel.models import Message
from dissent.channel.status import CONVERSING, EDITABLE
from dissent.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from dissent.people.models import User
from dissent.vault import services as vault

HEAD_BYTES = 8192


class TooLarge(DomainError):
    code = "too_large"
    status = 413


def refuse(exc: FileRefused, size: int) -> DomainError:
    if size > settings.DISSENT_ATTACHMENT_MAX_BYTES:
        return TooLarge(str(exc))
    return InvalidInput(str(exc))


def attach_file(
    *, actor: User, memo_id: str, upload: File, message_id: str | None = None
) -> tuple[Attachment, str]:
    """Check, seal and store an uploaded file; returns it with its cleaned file name.

    Only the head is read until the file is accepted: an upload far over the limit is
    refused by its size, never read into memory whole.
    """
    size = upload.size or 0
    upload.seek(0)
    try:
        checked = check_file(
            name=upload.name or "",
            head=upload.read(HEAD_BYTES),
            size=size,
            max_bytes=settings.DISSENT_ATTACHMENT_MAX_BYTES,
            allowed=settings.DISSENT_ATTACHMENT_TYPES,
        )
    except FileRefused as exc:
        raise refuse(exc, size) from exc
    upload.seek(0)
    data = upload.read()
    with transaction.atomic():
        memo, access = selectors.memo_for(actor, memo_id, lock=True)
        message = None
        if message_id is None:
            if not access.is_drafter:
                raise PermissionDenied(_("Only the drafters attach files to the memo itself."))
            if memo.status not in EDITABLE:
                raise Conflict(_("Files can be attached to the memo only before it is submitted."))
        else:
            message_pk = parse_id(message_id)
            message = Message.objects.filter(memo=memo, pk=message_pk).first() if message_pk else None
            if message is None or not policy.can_read_thread(access):
                raise NotFound()
            if message.author_id != actor.pk:
                raise PermissionDenied(_("Files can be attached only to your own messages."))
            if memo.status not in CONVERSING:
                raise Conflict(_("The conversation on this memo is closed."))
        attachment = Attachment(
            memo=memo,
            message=message,
            uploaded_by=actor,
            content_type=checked.content_type,
            size=len(data),
        )
        attachment.filename = vault.seal_text(memo.data_key, checked.filename, aad=attachment.aad("name"))
        attachment.content = vault.seal(memo.data_key, data, aad=attachment.aad("content").encode("utf-8"))
        attachment.save()
        record(
            actor=actor,
            action="attachment.added",
            target=attachment,
            memo_id=memo.public_id,
            details={
                "size": len(data),
                "type": checked.content_type,
                "message_id": message.pk if message else None,
            },
        )
    return attachment, checked.filename
