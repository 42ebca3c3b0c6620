"""The JSON API v1: one NinjaAPI, each app contributing its own router."""

from ninja import NinjaAPI

from dissent.api import errors
from dissent.api.auth import API_AUTH
from dissent.api.renderer import ApiRenderer
from dissent.attachments.api import router as attachments_router
from dissent.audit.api import router as audit_router
from dissent.channel.api import router as channel_router
from dissent.people.api import router as people_router
from dissent.signing.api import router as signing_router

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
