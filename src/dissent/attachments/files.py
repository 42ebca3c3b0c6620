"""What a file may be: an allow-list of types checked by name *and* by content, a size
limit, and a file name that is safe to show and to save. Pure: no database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZIP = b"PK\x03\x04"
OFFICE = "application/vnd.openxmlformats-officedocument"
OPEN = "application/vnd.oasis.opendocument"

# extension -> (content type, what the first bytes must be; None: UTF-8 text without NUL bytes)
TYPES: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain", None),
    "md": ("text/markdown", None),
    "csv": ("text/csv", None),
    "docx": (f"{OFFICE}.wordprocessingml.document", ZIP),
    "xlsx": (f"{OFFICE}.spreadsheetml.sheet", ZIP),
    "pptx": (f"{OFFICE}.presentationml.presentation", ZIP),
    "odt": (f"{OPEN}.text", ZIP),
    "ods": (f"{OPEN}.spreadsheet", ZIP),
    "odp": (f"{OPEN}.presentation", ZIP),
}
UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_NAME = 150


class FileRefused(Exception):
    """The file is not accepted; the message says why in words a person understands."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str


def safe_filename(name: str) -> str:
    """The last path component, NFC, without control or reserved characters, at most 150 characters."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = UNSAFE.sub("_", base)
    base = re.sub(r"\s+", " ", base).strip(" .")
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:MAX_NAME]
    return base


def check_file(*, name: str, head: bytes, size: int, max_bytes: int, allowed: frozenset[str]) -> CheckedFile:
    """Accept or refuse; ``head`` is the start of the file (a few KB is enough)."""
    if size > max_bytes:
        raise FileRefused(
            f"the file is {size / 1_000_000:.1f} MB; the limit is {max_bytes / 1_000_000:.0f} MB"
        )
    if size == 0:
        raise FileRefused("the file is empty")
    filename = safe_filename(name)
    stem, dot, ext = filename.rpartition(".")
    ext = ext.lower()
    if not dot or not stem or ext not in TYPES or ext not in allowed:
        raise FileRefused("files of this type are not accepted; allowed: " + ", ".join(sorted(allowed)))
    content_type, magic = TYPES[ext]
    if magic is None:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            cut_by_head = size > len(head) and exc.reason == "unexpected end of data"
            if not cut_by_head:  # a character cut in two by the end of ``head`` is fine
                raise FileRefused(f"a .{ext} file must be UTF-8 text") from exc
            text = head[: exc.start].decode("utf-8")
        if "\x00" in text:
            raise FileRefused(f"a .{ext} file must be text")
    elif not head.startswith(magic):
        raise FileRefused(f"the file's content is not a .{ext} file")
    return CheckedFile(filename=filename, content_type=content_type)
