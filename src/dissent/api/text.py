"""What the API refuses before any view runs: requests too large, and text no database can store.

JSON can spell a lone UTF-16 surrogate ("\\ud800"); Python parses it into a string that
UTF-8 cannot encode, so the first query or canonical hash that met it raised, a 500
(design/pitfalls.md). JSON, a path and a query string can also carry a NUL character, which
PostgreSQL refuses in every text parameter, again a 500. A body of any size was read whole
before any check. The API refuses all of these here, once, with ``{detail, code}``:

- a body over ``API_MAX_BODY_BYTES`` (an upload: over the attachment limit): 413 ``too_large``;
- a NUL in the path or the query, a body that is not UTF-8 (``json.loads`` reads bytes with
  ``surrogatepass``, so an encoded surrogate slipped through), a lone surrogate or a NUL in any
  JSON key or string: 400 ``bad_request``;
- a JSON body that is not an object (``false``, ``[]``): 422 ``invalid``; every operation takes
  an object, and Django Ninja read anything else as "no fields", a 200 that changed nothing.

Valid pairs (an escaped emoji) pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from dissent.api.errors import error_body

API_PREFIX = "/api/"
API_MAX_BODY_BYTES = 1_000_000  # the largest memo (200,000 characters) is at most 800 KB of UTF-8
MULTIPART_OVERHEAD = 64_000  # the form fields and part headers around an uploaded file
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
# The only ways a surrogate or a NUL gets into JSON text are escapes; most bodies hold neither.
SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)")
JSON_OBJECT_START = re.compile(rb"\s*(?:\{|$)")


def unstorable_text(body: bytes) -> bool:
    """Whether any key or string in the JSON ``body`` holds a lone surrogate or a NUL; bad JSON
    is not this check's business (the API answers it)."""
    try:
        pending: list[Any] = [json.loads(body)]
    except (ValueError, RecursionError):
        return False
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                return True
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def refusal(request: HttpRequest) -> JsonResponse | None:
    """The answer to an API request that must not reach a view, or None."""
    if request.content_type in FORM_TYPES:  # only the attachment upload takes a form
        limit = settings.DISSENT_ATTACHMENT_MAX_BYTES
        if declared_length(request) > limit + MULTIPART_OVERHEAD:
            detail = _("The upload is larger than %(mb)s MB, the limit for a file.") % {
                "mb": megabytes(limit)
            }
            return JsonResponse(error_body(detail, "too_large"), status=413)
    elif declared_length(request) > API_MAX_BODY_BYTES:
        detail = _("The request body is larger than %(mb)s MB, the limit for JSON.") % {
            "mb": megabytes(API_MAX_BODY_BYTES)
        }
        return JsonResponse(error_body(detail, "too_large"), status=413)
    if "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    ):
        detail = _("The address holds a NUL character, which no text here may contain.")
        return JsonResponse(error_body(detail, "bad_request"), status=400)
    if request.content_type in FORM_TYPES:
        return None
    body = request.body
    try:
        body.decode("utf-8")  # strict: Python's JSON parser would let UTF-8-encoded surrogates through
    except UnicodeDecodeError:
        detail = _("The request body is not UTF-8 text. Send JSON in UTF-8.")
        return JsonResponse(error_body(detail, "bad_request"), status=400)
    if SUSPECT_ESCAPE.search(body) and unstorable_text(body):
        detail = _(
            "The request holds text that cannot be stored: a lone surrogate such as \\ud800, or a "
            "NUL character (\\u0000). Send the text as typed, in UTF-8."
        )
        return JsonResponse(error_body(detail, "bad_request"), status=400)
    if not JSON_OBJECT_START.match(body) and is_json(body):  # bad JSON: the API's own 400
        detail = _("The request body must be a JSON object: {…} with the fields this operation takes.")
        return JsonResponse(error_body(detail, "invalid"), status=422)
    return None


def is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.3g}"


class RefuseUnusableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and (answer := refusal(request)) is not None:
            return answer
        return self.get_response(request)
