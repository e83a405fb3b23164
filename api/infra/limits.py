"""Counters, locks and single-use values in the shared store (Redis).

Owns: fixed-window attempt counters and lockouts that every worker sees,
single-use challenges (GETDEL), and the mapping of store failures to
``SERVICE_UNAVAILABLE`` so security decisions fail closed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from api.errors import ServiceUnavailable

# INCR and set the window's expiry on first use, atomically.
_INCR_WINDOW = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}
"""


# Several windows of one budget (e.g. a minute, an hour, a day): take one unit
# from all of them, or from none when any is full (then its TTL), atomically.
# KEYS: one per window; ARGV: window seconds and limit, pairwise.
_TAKE_BUDGET = """
for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[2 * i]) then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 1 then ttl = 1 end
    return ttl
  end
end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2 * i - 1]) end
end
return 0
"""


@contextlib.asynccontextmanager
async def store_errors() -> AsyncIterator[None]:
    try:
        yield
    except (RedisError, OSError, ConnectionError, TimeoutError):
        raise ServiceUnavailable() from None


async def hit(kv: redis.Redis, key: str, window_seconds: int) -> tuple[int, int]:
    """Count one event in the window; returns (count, seconds until the window resets)."""
    async with store_errors():
        count, ttl = await kv.eval(_INCR_WINDOW, 1, key, window_seconds)
    return int(count), max(int(ttl), 1)


async def take_budget(kv: redis.Redis, key: str, windows: list[tuple[int, int]]) -> int:
    """0 when one unit was taken from every ``(window_seconds, limit)`` of ``key``,
    else the seconds until the full window resets (nothing is taken then)."""
    keys = [f"{key}:{seconds}" for seconds, _ in windows]
    args = [v for seconds, limit in windows for v in (seconds, limit)]
    async with store_errors():
        wait = await kv.eval(_TAKE_BUDGET, len(keys), *keys, *args)
    return int(wait)


async def lock_ttl(kv: redis.Redis, key: str) -> int:
    """Seconds left on a lock, or 0 when not locked."""
    async with store_errors():
        ttl = await kv.ttl(key)
    return max(int(ttl), 0)


async def set_lock(kv: redis.Redis, key: str, seconds: int) -> None:
    async with store_errors():
        await kv.set(key, b"1", ex=seconds)


async def clear(kv: redis.Redis, *keys: str) -> None:
    async with store_errors():
        await kv.delete(*keys)


async def put_once(kv: redis.Redis, key: str, value: dict[str, Any], ttl_seconds: int) -> None:
    async with store_errors():
        await kv.set(key, json.dumps(value).encode(), ex=ttl_seconds, nx=True)


async def take_once(kv: redis.Redis, key: str) -> dict[str, Any] | None:
    """Read and delete in one step: a value can be used once, by one worker."""
    async with store_errors():
        raw = await kv.getdel(key)
    return json.loads(raw) if raw else None


async def remember(kv: redis.Redis, key: str, ttl_seconds: int) -> bool:
    """True the first time ``key`` is seen within its lifetime, False after."""
    async with store_errors():
        return bool(await kv.set(key, b"1", ex=ttl_seconds, nx=True))


async def exists(kv: redis.Redis, key: str) -> bool:
    async with store_errors():
        return bool(await kv.exists(key))
