"""The one canonical JSON form for everything that is hashed or signed.

Pure Python, no Django: `dissent verify` and outside verifiers must reproduce it exactly.
Rules (docs/bundle-format.md): text normalised to Unicode NFC with "\\n" line endings;
JSON with sorted keys, separators (",", ":"), ensure_ascii=False; encoded as UTF-8.
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
    """UTF-8 bytes of the canonical form. Floats are refused: their text form is not portable."""
    return json.dumps(normalised(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
