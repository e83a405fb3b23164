"""Pure-ASGI middleware: request id, admission (bounded concurrency), body-size
cap, content-type check.

Pure ASGI rather than ``BaseHTTPMiddleware``: it runs on every request of the
hot path, and the cap must refuse an oversized body before it is read.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ErrorCode
from api.infra.logging import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


async def _reply(send: Send, status: int, code: ErrorCode, request_id: str, *,
                 retry_after: int | None = None) -> None:
    """A GraphQL-shaped error body; ``x-request-id`` is added by RequestIdMiddleware."""
    extensions: dict[str, object] = {"code": code, "requestId": request_id}
    headers = [(b"content-type", b"application/json; charset=utf-8"),
               (b"cache-control", b"no-store")]
    if retry_after is not None:
        extensions["retryAfterSeconds"] = retry_after
        headers.append((b"retry-after", str(retry_after).encode()))
    body = json.dumps({"errors": [{"message": code.message, "extensions": extensions}],
                       "extensions": {"requestId": request_id}}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        *headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class GraphQLGuardMiddleware:
    """Caps the body (413 before parsing) and requires UTF-8 JSON on ``path`` POSTs
    (media type and charset compared case-insensitively)."""

    def __init__(self, app: ASGIApp, *, path: str, max_body_bytes: int) -> None:
        self.app = app
        self.path = path
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id", "-")
        headers = dict(scope["headers"])
        if scope["method"] == "POST" and not _is_utf8_json(headers.get(b"content-type", b"")):
            await _reply(send, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, request_id)
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _reply(send, 413, ErrorCode.PAYLOAD_TOO_LARGE, request_id)
            return
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:  # chunked body without a length
                    raise _BodyTooLarge
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _reply(send, 413, ErrorCode.PAYLOAD_TOO_LARGE, request_id)


class _BodyTooLarge(Exception):
    pass


def _is_utf8_json(content_type: bytes) -> bool:
    media, *params = content_type.decode("latin-1").split(";")
    if media.strip().lower() != "application/json":
        return False
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
                "utf-8", "utf8"):
            return False
    return True


class AdmissionMiddleware:
    """Bounds the requests a worker works on at once; the rest wait their turn.

    Under a flash crowd (1,000 citizens at 09:00) an unbounded worker starts
    every request together: each gets a slice of one event loop, the loop lags
    by seconds, and the per-call timeouts to the store and the database (which
    measure wall time) fire although Redis and PostgreSQL are idle. Queued here
    instead, a request starts only when one of ``max_inflight`` places frees up,
    so the timeouts measure the dependencies again. A request that cannot get a
    place within ``queue_timeout`` seconds, or arrives when ``max_queued`` are
    already waiting, is answered 503 ``SERVER_BUSY`` with ``Retry-After``,
    before its body is read and before anything is written.

    Health probes skip the queue (a busy worker is alive and ready), and so do
    the demo's static files: a slow phone reading a script must not hold a
    place an operation needs. ``exempt`` entries are path prefixes.
    """

    def __init__(self, app: ASGIApp, *, max_inflight: int, max_queued: int,
                 queue_timeout: float, exempt: tuple[str, ...] = ("/livez", "/readyz")) -> None:
        self.app = app
        self.max_queued = max_queued
        self.queue_timeout = queue_timeout
        self.exempt = exempt
        self._places = asyncio.Semaphore(max_inflight)
        self._waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id", "-")
        if self._places.locked() and self._waiting >= self.max_queued:
            await _busy(send, request_id)
            return
        self._waiting += 1
        try:
            async with asyncio.timeout(self.queue_timeout):
                await self._places.acquire()
        except TimeoutError:
            await _busy(send, request_id)
            return
        finally:
            self._waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            self._places.release()


async def _busy(send: Send, request_id: str) -> None:
    await _reply(send, 503, ErrorCode.SERVER_BUSY, request_id, retry_after=2)
