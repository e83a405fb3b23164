"""Serves ``mobile_demo/``: the mini-program demo at /demo/, the kiosk screen at
/kiosk/, their shared scripts at /ui/, the operation manifest and the
``possibleTypes`` map of the schema's unions and interfaces (for client caches).

Plain files, no build step. Every response carries a strict Content Security
Policy (scripts and styles from this origin only, no inline script), and the
camera is allowed for this origin only (face login).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from api.http.persisted import PersistedOperations
from api.providers.messaging import DevInbox

ROOT = Path(__file__).resolve().parents[2] / "mobile_demo"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob: mediastream:; connect-src 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    # Short: a new deployment's scripts and operation hashes arrive together.
    (b"cache-control", b"no-cache"),
]


class _Files(StaticFiles):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await super().__call__(scope, receive, with_headers)  # type: ignore[arg-type]


async def dev_sms_inbox(request: Request) -> Response:
    """Development and test only: the mock SMS gateway's last messages, so the
    demo can show the login code a real phone would receive ("模拟短信"). A
    gateway without the development inbox shows none."""
    sms = request.app.state.fsreg.providers.sms
    rows = await sms.recent(10) if isinstance(sms, DevInbox) else []
    return JSONResponse({"messages": [
        {"at": m.at.isoformat(), "to": m.to, "template": m.template,
         "code": m.body.get("code")} for m in rows]},
        headers={"cache-control": "no-store"})


def routes(persisted: PersistedOperations, *, dev: bool,
           possible_types: dict[str, list[str]] | None = None) -> list[BaseRoute]:
    async def manifest(_: Request) -> Response:
        return JSONResponse({"version": 1, "algorithm": "sha256",
                             "operations": persisted.manifest},
                            headers={"cache-control": "no-cache"})

    async def types(_: Request) -> Response:
        return JSONResponse(possible_types or {}, headers={"cache-control": "no-cache"})

    def to_slash(target: str) -> Route:
        async def redirect(_: Request) -> Response:
            return RedirectResponse(target, status_code=308)
        return Route(target.rstrip("/"), redirect)

    return [
        Route("/ui/operations.json", manifest),
        Route("/ui/possible-types.json", types),
        *([Route("/dev/sms-inbox", dev_sms_inbox)] if dev else []),
        to_slash("/demo/"),
        to_slash("/kiosk/"),
        Mount("/demo", _Files(directory=ROOT / "demo", html=True, check_dir=False)),
        Mount("/kiosk", _Files(directory=ROOT / "kiosk", html=True, check_dir=False)),
        Mount("/ui", _Files(directory=ROOT / "shared", check_dir=False)),
    ]
