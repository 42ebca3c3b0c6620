"""The ASGI entry point, for ASGI servers (``dissent serve`` itself serves WSGI: docs/architecture.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dissent.settings")
application = get_asgi_application()

from dissent.audit.services import seal_in_background  # noqa: E402 - needs the settings above

seal_in_background()  # a long-running web process: seal in batches, like the WSGI workers
