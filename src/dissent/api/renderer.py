"""JSON rendering: times as full ISO 8601 with an explicit offset (``+00:00``), to the microsecond.

Django's encoder writes ``Z`` and cuts to milliseconds; deadlines end at 23:59:59.999999,
and clients comparing them should see exactly what is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class ExactTimeEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class ApiRenderer(JSONRenderer):
    encoder_class = ExactTimeEncoder
    json_dumps_params = {"ensure_ascii": False}
