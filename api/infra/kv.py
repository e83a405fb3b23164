"""The shared key-value store: Redis through ``redis.asyncio``, or, when
``REDIS_URL`` is unset, an in-process Redis-compatible store (fakeredis with
Lua), so both run one code path. ``aioredis`` is abandoned and does not
import on Python 3.11; do not use it.
"""

from __future__ import annotations

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from api.infra.settings import Settings


def open_kv(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        # No automatic retries: redis-py retries on timeout by default, which
        # can run a non-idempotent command (GETDEL of a single-use challenge)
        # twice. A failure surfaces at once as SERVICE_UNAVAILABLE instead.
        return redis.Redis.from_url(
            settings.redis_url,
            retry=Retry(NoBackoff(), 0),
            socket_timeout=settings.redis_timeout_seconds,
            socket_connect_timeout=settings.redis_timeout_seconds,
            health_check_interval=15,
            decode_responses=False,
        )
    import fakeredis

    return fakeredis.FakeAsyncRedis()
