"""`dissent check --deploy`: the Redis that holds the session keys must not write them to disk.

A session's pseudonym key is destroyed when it closes (``keys.py``); a Redis that saves
snapshots or appends to a log may keep a copy on disk past that moment. Redis servers that
refuse ``CONFIG GET`` (some managed services) are not judged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning


def redis_keeps_no_copies(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    if not settings.REDIS_URL:
        return []
    import redis

    try:
        config = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).config_get("*")
    except redis.RedisError:
        return []
    persists = bool(config.get("save")) or config.get("appendonly") == "yes"
    if not persists:
        return []
    return [
        CheckWarning(
            "The Redis at REDIS_URL persists to disk (save or appendonly), and it holds the "
            "listening sessions' keys, which must not outlive a session's close.",
            hint='Set save "" and appendonly no for this Redis (docs/deploy.md).',
            id="dissent.W101",
        )
    ]
