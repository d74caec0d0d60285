"""Rate-limit counters in Redis for tests, kept apart per test by a key prefix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import redis

# Rate-limit counters of in-process tests and browser journeys; tests/deployed uses database 3.
LIMITS_REDIS_URL = "redis://127.0.0.1:6379/2"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def redis_or_fail(url: str, what: str):
    """A client of the Redis database at url; fails the test, saying how to start Redis."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        client.close()
        pytest.fail(f"{what} in Redis, as deployed; start it: {START_REDIS}")
    return client


@dataclass
class Limits:
    """The rate-limit counters of one test: its key prefix in the Redis limits database."""

    prefix: str
    redis: Any = field(repr=False)

    def keys(self) -> list[str]:
        """The Redis keys counted under this test's prefix."""
        return sorted(
            key.decode() for key in self.redis.scan_iter(match=f"*LIMITER/{self.prefix}/*")
        )

    @property
    def config(self) -> dict:
        """App settings that count this test's rate limits in Redis, as in production."""
        return {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": LIMITS_REDIS_URL,
            "RATELIMIT_KEY_PREFIX": self.prefix,
        }
