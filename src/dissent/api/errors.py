"""The one place where errors become API responses: always ``{"detail", "code"}``.

Domain errors keep their own code and status; framework errors get stable codes;
anything unexpected is a JSON 500 that reveals nothing, never an HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from dissent.errors import DomainError

log = logging.getLogger(__name__)

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
NOT_AUTHENTICATED = {
    "detail": "Authentication required: log in or send Authorization: Bearer <token>.",
    "code": "not_authenticated",
}
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
}


class ErrorOut(Schema):
    """What every refusal answers, for the OpenAPI description of an operation's errors."""

    detail: str
    code: str


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "Every refusal: a sentence for people and a stable code for programs.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
ERROR_RESPONSE = {
    "description": "Refused: the body says why (`code` is one of the stable error codes).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document(schema: dict[str, Any]) -> None:
    """Add the error answer to every operation of an OpenAPI ``schema``: any operation may
    refuse (401 without credentials, 404 for what the actor may not see, 413 for a large body,
    400 for text no database can store, 422 for invalid input, 409 out of order), always with
    ``{detail, code}``; clients and the API fuzzer then find every status they get documented."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {}).setdefault("4XX", ERROR_RESPONSE)


def error_body(detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def describe_validation(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in {"body", "payload", "query", "path"})
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return (
        "Invalid input — " + "; ".join(parts) + ("" if len(errors) <= 5 else f" (and {len(errors) - 5} more)")
    )


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, error_body(exc.detail, exc.code), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = error_body(describe_validation(list(exc.errors)), "invalid", errors=exc.errors)
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, NOT_AUTHENTICATED, status=401)

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return api.create_response(request, error_body("You may not do this.", "forbidden"), status=403)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = STATUS_CODES.get(exc.status_code, "error")
        return api.create_response(request, error_body(str(exc.message), code), status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, NOT_FOUND, status=404)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        body = error_body("The request is too large.", "too_large")
        return api.create_response(request, body, status=413)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("unexpected API error on %s %s", request.method, request.path)
        return api.create_response(request, error_body("Internal error.", "server_error"), status=500)
