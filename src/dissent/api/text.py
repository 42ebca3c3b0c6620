"""JSON bodies whose text every database and every hash can take: no lone surrogates.

JSON can spell a lone UTF-16 surrogate ("\\ud800"); Python parses it into a string that
UTF-8 cannot encode, so the first query or canonical hash that met it raised, a 500
(design/pitfalls.md). The API refuses such a body before any view runs, with a 400 that
says what is wrong. Valid pairs (an escaped emoji) pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from dissent.api.errors import error_body

API_PREFIX = "/api/"
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # the only way a surrogate gets into JSON text


def holds_lone_surrogate(body: bytes) -> bool:
    """Whether any key or string in the JSON ``body`` is not encodable text; bad JSON is not
    this check's business (the API answers it)."""
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
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


class RefuseLoneSurrogatesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and request.content_type == "application/json":
            try:
                body = request.body
            except RequestDataTooBig:  # the API answers it with its own 413
                return self.get_response(request)
            if SURROGATE_ESCAPE.search(body) and holds_lone_surrogate(body):
                detail = _(
                    "The request holds text that is not valid Unicode (a lone surrogate such as "
                    "\\ud800). Send the text as typed, in UTF-8."
                )
                return JsonResponse(error_body(detail, "bad_request"), status=400)
        return self.get_response(request)
