"""The application granian loads in each web worker of ``dissent serve``."""

import sys

from dissent.wsgi import application as django_application  # sets Django up: the imports below need it

# isort: split
from django.conf import settings

from dissent import fanout
from dissent.forums import feed
from dissent.live.app import LiveApplication
from dissent.live.wsgi_thread import WSGIThread
from dissent.server import THREADS_PER_WORKER

SWITCH_INTERVAL_SECONDS = 0.0005

# Django's thread gives up the GIL at every query and then waits for the event loop's thread
# to hand it back, by default after 5 ms: while the loop wrote a snapshot to thousands of
# streams, a vote took a quarter of a second (bench/sse_fanout.py). Handing it back sooner
# costs the loop little.
sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)

application = LiveApplication(
    feed=feed,
    fanout=fanout.default(),
    pages=WSGIThread(django_application, THREADS_PER_WORKER),
    max_streams=settings.DISSENT_LIVE_MAX_STREAMS,
)
