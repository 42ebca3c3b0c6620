"""What a memo says: validated, hashed over its canonical form, sealed for storage.

The hashed document is ``{memo_id, version, title, summary, body, recommendations:
[{number, text}], policy_area}`` in canonical JSON (dissent.proof.canonical); its SHA-256
is the version's identity that signatures bind to (docs/bundle-format.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dissent.errors import InvalidInput
from dissent.proof.canonical import canonical_json, normalise_text, sha256_hex
from dissent.vault import services as vault
from dissent.vault.models import DataKey

MAX_TITLE = 300
MAX_SUMMARY = 5_000
MAX_BODY = 200_000
MAX_RECOMMENDATIONS = 50
MAX_RECOMMENDATION = 5_000
MAX_POLICY_AREA = 200
MAX_MESSAGE = 50_000


class ContentTooLong(InvalidInput):
    code = "too_long"
    status = 422


@dataclass(frozen=True)
class MemoContent:
    title: str
    summary: str
    body: str
    recommendations: tuple[str, ...]
    policy_area: str = ""

    def as_document(self, *, memo_id: str, version: int) -> dict[str, Any]:
        return {
            "memo_id": memo_id,
            "version": version,
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "recommendations": [{"number": i, "text": t} for i, t in enumerate(self.recommendations, 1)],
            "policy_area": self.policy_area,
        }


def clean_text(value: str, *, field: str, limit: int, required: bool) -> str:
    text = normalise_text(value).strip()
    if required and not text:
        raise InvalidInput(_("%(field)s must not be empty") % {"field": field})
    if len(text) > limit:
        raise ContentTooLong(
            _("%(field)s is %(length)s characters long; the limit is %(limit)s")
            % {"field": field, "length": f"{len(text):,}", "limit": f"{limit:,}"}
        )
    return text


def one_line_title(value: str) -> str:
    """A checked title on one line, spaces collapsed: it is also an e-mail subject or a heading."""
    return " ".join(clean_text(value, field="title", limit=MAX_TITLE, required=True).split())


def make_content(
    *, title: str, summary: str, body: str, recommendations: list[str], policy_area: str = ""
) -> MemoContent:
    """Normalised, checked content; every problem is an InvalidInput naming the field."""
    if len(recommendations) > MAX_RECOMMENDATIONS:
        raise ContentTooLong(_("A memo has at most %(n)d recommendations.") % {"n": MAX_RECOMMENDATIONS})
    return MemoContent(
        title=clean_text(title, field="title", limit=MAX_TITLE, required=True),
        summary=clean_text(summary, field="summary", limit=MAX_SUMMARY, required=False),
        body=clean_text(body, field="body", limit=MAX_BODY, required=True),
        recommendations=tuple(
            clean_text(text, field=f"recommendation {i}", limit=MAX_RECOMMENDATION, required=True)
            for i, text in enumerate(recommendations, 1)
        ),
        policy_area=clean_text(policy_area, field="policy_area", limit=MAX_POLICY_AREA, required=False),
    )


def version_sha256(content: MemoContent, *, memo_id: str, version: int) -> str:
    return sha256_hex(canonical_json(content.as_document(memo_id=memo_id, version=version)))


def seal_content(key: DataKey, content: MemoContent, *, aad: str) -> bytes:
    data = {
        "title": content.title,
        "summary": content.summary,
        "body": content.body,
        "recommendations": list(content.recommendations),
        "policy_area": content.policy_area,
    }
    return vault.seal(key, json.dumps(data, ensure_ascii=False).encode("utf-8"), aad=aad.encode("utf-8"))


def open_content(key: DataKey, sealed: bytes, *, aad: str) -> MemoContent:
    data = json.loads(vault.open_sealed(key, sealed, aad=aad.encode("utf-8")))
    return MemoContent(
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        recommendations=tuple(data["recommendations"]),
        policy_area=data["policy_area"],
    )


def clean_codes(values: Sequence[str], *, limit: int, too_many: str) -> list[str]:
    """Distinct, stripped, in the order given; InvalidInput ``too_many`` past ``limit``."""
    codes = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(codes) > limit:
        raise InvalidInput(too_many % {"n": limit})
    return codes
