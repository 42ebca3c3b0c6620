"""Every route the server answers, read from Django's resolver and the API's OpenAPI document,
so that a route added tomorrow is in the matrix or fails the test that says it is not."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from dissent.api.main import api

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class UrlRoute:
    route: str  # as written in the URL configuration, e.g. "memos/<slug:memo_id>/"
    name: str  # namespaced, e.g. "audit:trail"


def url_routes() -> list[UrlRoute]:
    found: list[UrlRoute] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), inner)
            else:
                found.append(UrlRoute(prefix + str(p.pattern), f"{namespace}{p.name or ''}"))

    walk(get_resolver().url_patterns, "", "")
    return found


def api_operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the OpenAPI document, paths as it writes them."""
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    )


def as_openapi_path(route: str) -> str:
    """``api/v1/memos/<memo_id>`` as the OpenAPI document writes it: ``/api/v1/memos/{memo_id}``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
