"""The JSON API v1: one NinjaAPI, a router for each part of the contract (design/api-contract.md).

The routers live here, not in the apps they call: an API operation is an entry point like a
page or a command, above every app it uses (docs/architecture.md, "Layers").
"""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from dissent.api import errors
from dissent.api.attachments import router as attachments_router
from dissent.api.audit import router as audit_router
from dissent.api.auth import API_AUTH
from dissent.api.broadcasts import router as broadcasts_router
from dissent.api.forums import router as forums_router
from dissent.api.memos import router as channel_router
from dissent.api.people import router as people_router
from dissent.api.renderer import ApiRenderer
from dissent.api.signing import router as signing_router


class DissentApi(NinjaAPI):
    """The API whose OpenAPI document also describes how each operation refuses."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors.document(schema)
        return schema


api = DissentApi(
    title="Dissent Channel API",
    version="1",
    description="JSON API v1. Authenticate with `Authorization: Bearer <token>` or a browser session.",
    auth=API_AUTH,
    urls_namespace="api-v1",
    renderer=ApiRenderer(),
)
errors.install(api)
api.add_router("", people_router)
api.add_router("", channel_router)
api.add_router("", attachments_router)
api.add_router("", audit_router)
api.add_router("", signing_router)
api.add_router("", broadcasts_router)
api.add_router("", forums_router)
