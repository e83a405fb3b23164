"""``/livez`` checks nothing; ``/readyz`` checks DB, Redis and keys with short
timeouts and answers only ``ok`` / ``unavailable`` per check (RELIABILITY 30)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from tortoise import connections

from api.state import AppState

log = logging.getLogger("api.health")


async def livez(_: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def _db() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def _check(name: str, probe: Callable[[], Awaitable[object]], limit: float) -> bool:
    try:
        async with asyncio.timeout(limit):
            await probe()
    except Exception as exc:  # any failure means not ready; the log keeps the detail
        log.warning("readiness check %s failed: %s", name, type(exc).__name__)
        return False
    return True


async def readyz(request: Request) -> JSONResponse:
    state: AppState | None = getattr(request.app.state, "fsreg", None)
    if state is None:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    timeout = state.settings.readiness_timeout_seconds

    async def keys() -> None:
        if not state.keyring.pii_keys or not state.keyring.token_keys:
            raise RuntimeError("no keys")

    names = ("database", "redis", "keys")
    results = await asyncio.gather(
        _check("database", _db, timeout),
        _check("redis", state.kv.ping, timeout),
        _check("keys", keys, timeout),
    )
    checks = {n: "ok" if ok else "unavailable" for n, ok in zip(names, results, strict=True)}
    ready = all(results)
    return JSONResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status_code=200 if ready else 503)


async def favicon(_: Request) -> Response:
    """No icon, and no 404 in every browser's console either."""
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})
