"""Attachments in the JSON API: multipart upload, list, download."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Schema, Status, UploadedFile

from dissent.api.auth import actor
from dissent.attachments import selectors, services
from dissent.attachments.models import Attachment

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: str
    filename: str
    content_type: str
    size: int
    message_id: str | None
    created_at: datetime


class AttachmentList(Schema):
    items: list[AttachmentOut]
    count: int


@router.post("/memos/{memo_id}/attachments", response={201: AttachmentOut}, summary="Attach a file")
def attach(
    request: HttpRequest, memo_id: str, file: File[UploadedFile], message_id: Form[str | None] = None
) -> Status[AttachmentOut]:
    attachment, name = services.attach_file(
        actor=actor(request), memo_id=memo_id, upload=file, message_id=message_id
    )
    return Status(201, out(attachment, name))


def out(a: Attachment, name: str) -> AttachmentOut:
    return AttachmentOut(
        id=a.public_id,
        filename=name,
        content_type=a.content_type,
        size=a.size,
        message_id=str(a.message_id) if a.message_id else None,
        created_at=a.created_at,
    )


@router.get("/memos/{memo_id}/attachments", response=AttachmentList, summary="Files of a memo")
def list_attachments(request: HttpRequest, memo_id: str) -> AttachmentList:
    items = [out(a, name) for a, name in selectors.visible_attachments(actor(request), memo_id)]
    return AttachmentList(items=items, count=len(items))


@router.get("/memos/{memo_id}/attachments/{attachment_id}", summary="Download a file (audited)")
def download(request: HttpRequest, memo_id: str, attachment_id: str) -> HttpResponse:
    opened = selectors.open_attachment(actor=actor(request), memo_id=memo_id, attachment_id=attachment_id)
    response = HttpResponse(opened.content, content_type=opened.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=opened.filename) or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
