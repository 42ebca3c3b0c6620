"""The one canonical JSON form for everything that is hashed or signed.

Outside verifiers are written from docs/bundle-format.md, section 1, not from this code:
any change here that changes a byte breaks every hash and signature already made.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any


def normalise_text(text: str) -> str:
    """The same words typed on two systems give the same text: NFC, and \\n line endings."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def normalised(value: Any) -> Any:
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, dict):
        return {normalise_text(str(k)): normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(v) for v in value]
    if value is None or isinstance(value, bool | int):
        return value
    raise TypeError(f"canonical JSON takes str, int, bool, None, list and dict, not {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """UTF-8 bytes of the canonical form. Floats are refused: their text form is not portable.

    A lone surrogate (JSON can spell one, ``"\\ud800"``) is no character and has no UTF-8
    form: it is refused as a ValueError that says so, not left to the encoder's error.
    """
    text = json.dumps(normalised(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code_point = f"U+{ord(exc.object[exc.start]):04X}"
        reason = "a lone surrogate (half of a UTF-16 pair) has no UTF-8 form"
        raise ValueError(f"canonical JSON refuses {code_point}: {reason}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
