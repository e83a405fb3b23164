"""``/livez`` checks nothing; ``/readyz`` checks DB, Redis and keys with short
timeouts and answers only ``ok`` / ``unavailable`` per check (RELIABILITY 30),
plus ``notices`` for operators that never change readiness (the holiday
calendar's coverage)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from tortoise import connections

from api.infra.state import AppState

log = logging.getLogger("api.http.health")


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
    *results, notices = await asyncio.gather(
        _check("database", _db, timeout),
        _check("redis", state.kv.ping, timeout),
        _check("keys", keys, timeout),
        _notices(state, timeout),
    )
    checks = {n: "ok" if ok else "unavailable" for n, ok in zip(names, results, strict=True)}
    ready = all(results)
    body: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": checks}
    if notices:
        body["notices"] = notices
    return JSONResponse(body, status_code=200 if ready else 503)


_NOTICE_TTL = 600.0


async def _notices(state: AppState, limit: float) -> dict[str, object]:
    """For operators, never part of readiness: the holiday calendar's coverage
    (``ENDING_SOON`` within ``calendar_warn_days``, ``ENDED`` past it). Cached
    per worker; on any failure simply left out."""
    from api.services.appointments import calendar as cal
    from api.services.appointments import holidays as holiday_calendar

    cached = state.cache.get("readyz.notices")
    now = time.monotonic()
    if cached is not None and now - cached[0] < _NOTICE_TTL:
        return dict(cached[1])
    try:
        async with asyncio.timeout(limit):
            cover = await holiday_calendar.coverage(cal.local_day(cal.now()),
                                                    state.settings.calendar_warn_days)
    except Exception as exc:  # a notice is optional; the log keeps why it is missing
        log.warning("readiness notice calendar failed: %s", type(exc).__name__)
        return {}
    notices: dict[str, object] = {
        "calendar": {"status": cover.status, "coveredThrough": cover.end.isoformat()}}
    state.cache["readyz.notices"] = (now, notices)
    return dict(notices)


async def favicon(_: Request) -> Response:
    """No icon, and no 404 in every browser's console either."""
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})
