"""The WSGI entry point that ``dissent serve`` (granian) and other WSGI servers load."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dissent.settings")
application = get_wsgi_application()

from dissent.audit.services import seal_in_background  # noqa: E402 - needs the settings above

seal_in_background()
