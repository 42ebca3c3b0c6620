"""`dissent check --deploy` warns of a Redis that would keep the session keys on disk."""

from __future__ import annotations

import pytest
import redis

from dissent.forums.checks import redis_keeps_no_copies


class ConfiguredRedis:
    """A Redis answering CONFIG GET as one configured so would; the shared test Redis is left alone."""

    def __init__(self, config: dict[str, str]) -> None:
        self.config = config

    def config_get(self, pattern: str) -> dict[str, str]:
        return self.config


@pytest.mark.parametrize(
    ("config", "warned"),
    [
        ({"save": "3600 1 300 100", "appendonly": "no"}, ["dissent.W101"]),
        ({"save": "", "appendonly": "yes"}, ["dissent.W101"]),
        ({"save": "", "appendonly": "no"}, []),
    ],
)
def test_a_redis_that_writes_to_disk_is_named(
    settings, monkeypatch: pytest.MonkeyPatch, config: dict[str, str], warned: list[str]
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    monkeypatch.setattr(redis.Redis, "from_url", lambda *args, **kwargs: ConfiguredRedis(config))
    assert [w.id for w in redis_keeps_no_copies()] == warned


def test_the_redis_in_use_answers_config_get_in_the_shape_the_check_reads(settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    config = redis.Redis.from_url(settings.REDIS_URL).config_get("*")
    assert isinstance(config.get("save"), str)
    assert config.get("appendonly") in ("yes", "no")


def test_without_redis_there_is_nothing_to_check(settings) -> None:
    settings.REDIS_URL = ""
    assert redis_keeps_no_copies() == []
