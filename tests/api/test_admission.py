"""Admission: a worker works on a bounded number of requests; the rest queue,
and beyond the queue's bounds get 503 SERVER_BUSY before anything runs."""

from __future__ import annotations

import asyncio
import json

import httpx
from starlette.types import Receive, Scope, Send

from api.http.middleware import AdmissionMiddleware


class _Slow:
    """An ASGI app whose requests wait on ``release``; counts concurrency."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.running = 0
        self.peak = 0
        self.started = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.started += 1
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            if scope["path"] != "/livez":
                await self.release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            self.running -= 1


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
                             base_url="http://t")


async def test_queued_requests_run_in_turn_and_all_answer() -> None:
    inner = _Slow()
    app = AdmissionMiddleware(inner, max_inflight=2, max_queued=10, queue_timeout=5)
    async with _client(app) as c:
        tasks = [asyncio.create_task(c.get("/graphql")) for _ in range(8)]
        await asyncio.sleep(0.05)
        assert inner.started == 2  # the others wait for a place
        inner.release.set()
        answers = await asyncio.gather(*tasks)
    assert [r.status_code for r in answers] == [200] * 8
    assert inner.peak == 2


async def test_full_queue_and_queue_timeout_answer_busy() -> None:
    inner = _Slow()
    app = AdmissionMiddleware(inner, max_inflight=1, max_queued=1, queue_timeout=0.2)
    async with _client(app) as c:
        first = asyncio.create_task(c.get("/graphql"))
        await asyncio.sleep(0.02)
        queued = asyncio.create_task(c.get("/graphql"))
        await asyncio.sleep(0.02)
        refused = await c.get("/graphql")  # one working, one waiting: no room
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "2"
        body = json.loads(refused.text)
        assert body["errors"][0]["extensions"]["code"] == "SERVER_BUSY"
        assert body["errors"][0]["message"] == "服务繁忙，请稍后再试"
        timed_out = await queued  # waited 0.2 s without a place
        assert timed_out.status_code == 503
        # Health probes skip the queue even now.
        assert (await c.get("/livez")).status_code == 200
        inner.release.set()
        assert (await first).status_code == 200
        assert (await c.get("/graphql")).status_code == 200  # places come back
    assert inner.started == 3  # first, /livez and the last one: refusals never ran


async def test_a_cancelled_waiter_gives_back_nothing_it_did_not_take() -> None:
    """The client of a queued request goes away (or the server shuts down):
    the queue count and the places come back exactly."""
    inner = _Slow()
    app = AdmissionMiddleware(inner, max_inflight=1, max_queued=5, queue_timeout=5)

    async def call() -> None:
        async def receive() -> dict:
            return {"type": "http.request", "body": b""}

        async def send(_: dict) -> None:
            return None

        await app({"type": "http", "path": "/graphql"}, receive, send)  # type: ignore[arg-type]

    working = asyncio.create_task(call())
    await asyncio.sleep(0.01)
    waiters = [asyncio.create_task(call()) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert app._waiting == 3
    for w in waiters:
        w.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    assert app._waiting == 0
    inner.release.set()
    await working
    # One place, free again: a new request runs at once.
    await asyncio.wait_for(call(), 1)
    assert inner.started == 2  # the cancelled ones never ran
