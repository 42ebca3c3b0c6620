"""The application granian loads in each web worker of ``dissent serve``."""

from dissent.wsgi import application as django_application  # sets Django up: the imports below need it

# isort: split
from django.conf import settings

from dissent import fanout
from dissent.forums import feed
from dissent.live.app import LiveApplication
from dissent.live.wsgi_thread import WSGIThread
from dissent.server import THREADS_PER_WORKER

application = LiveApplication(
    feed=feed,
    fanout=fanout.default(),
    pages=WSGIThread(django_application, THREADS_PER_WORKER),
    max_streams=settings.DISSENT_LIVE_MAX_STREAMS,
)
