"""The JSON API v1: one NinjaAPI, a router for each part of the contract (design/api-contract.md).

The routers live here, not in the apps they call: an API operation is an entry point like a
page or a command, above every app it uses (docs/architecture.md, "Layers").
"""

from ninja import NinjaAPI

from dissent.api import errors
from dissent.api.attachments import router as attachments_router
from dissent.api.audit import router as audit_router
from dissent.api.auth import API_AUTH
from dissent.api.broadcasts import router as broadcasts_router
from dissent.api.memos import router as channel_router
from dissent.api.people import router as people_router
from dissent.api.renderer import ApiRenderer
from dissent.api.signing import router as signing_router

api = NinjaAPI(
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
