"""The app factory: ``uvicorn --factory api.app:create_app``. No module-level clients."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route
from tortoise.contrib.starlette import RegisterTortoise

from api import oauth, pages, ui
from api.crypto import PiiVault
from api.db import tortoise_config
from api.face.config import FaceSettings
from api.face.pool import FacePool
from api.graphql_view import GraphQLView
from api.health import favicon, livez, readyz
from api.keys import load_keyring
from api.kv import open_kv
from api.logging import configure_logging, install_redaction
from api.middleware import AdmissionMiddleware, GraphQLGuardMiddleware, RequestIdMiddleware
from api.persisted import PersistedOperations
from api.providers.container import build_providers
from api.schema import build_schema, possible_types
from api.services import consent
from api.settings import Settings, get_settings
from api.state import AppState
from auth.backend import TokenBackend

log = logging.getLogger("api.app")


def start_register_sync(state: AppState) -> asyncio.Task[None] | None:
    """Background jobs, all idempotent so every worker may run them: reading
    register events into notifications, recording no-shows, the SMS
    reminders the day before an appointment, the 基本满意 default ratings and
    the 好差评 outbox delivery."""
    interval = state.settings.register_sync_seconds
    if interval <= 0:
        return None

    async def loop() -> None:
        from datetime import UTC, datetime

        from api.services.appointments import send_reminders, sweep_no_shows
        from api.services.notifications import sync_register_events
        from api.services.ratings import apply_default_ratings
        from api.services.ratings_outbox import deliver_due

        while True:
            await asyncio.sleep(interval)
            try:
                while await sync_register_events(state):
                    pass
                now = datetime.now(UTC)
                await sweep_no_shows(state.settings, now)
                await send_reminders(state, now)
                await apply_default_ratings(state.settings, now)
                await deliver_due(state.settings, state.providers.rating, now)
            except Exception:  # keep going after a transient failure; it is logged
                log.exception("background job failed")

    return asyncio.create_task(loop(), name="background-jobs")


def create_app(settings: Settings | None = None, *, face_pool: Any = None) -> Starlette:
    """``face_pool`` lets tests share one warmed pool across apps; by default the
    lifespan owns a pool whose workers start on the first face attempt."""
    settings = settings or get_settings()
    if os.environ.get("FSREG_SETUP_LOGGING") == "1":
        configure_logging()
    install_redaction()
    # Fail at construction, before a port is bound, when keys are missing or
    # are development keys in production (RELIABILITY 22).
    keyring = load_keyring(settings)
    if settings.biometric_consent_version not in consent.NOTICES:
        raise RuntimeError(f"no notice text for biometric_consent_version "
                           f"{settings.biometric_consent_version!r} (api/services/consent.py)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        vault = PiiVault(keyring)
        kv = open_kv(settings)
        pool = face_pool or FacePool(FaceSettings.from_settings(settings))
        async with RegisterTortoise(app, config=tortoise_config(settings, serving=True)):
            app.state.fsreg = AppState(settings=settings, keyring=keyring, vault=vault, kv=kv,
                                       providers=build_providers(settings, vault), face=pool)
            syncer = start_register_sync(app.state.fsreg)
            try:
                yield
            finally:
                if syncer is not None:
                    syncer.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await syncer
                await kv.aclose()
                if face_pool is None:
                    await pool.close()

    schema = build_schema(settings)
    persisted = PersistedOperations.load()
    view = GraphQLView(schema, state_getter=lambda: app.state.fsreg, persisted=persisted,
                       production=settings.is_production,
                       max_batch=settings.max_batch_operations)
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(AdmissionMiddleware, max_inflight=settings.max_inflight_requests,
                   max_queued=settings.max_queued_requests,
                   queue_timeout=settings.queue_timeout_seconds,
                   exempt=("/livez", "/readyz", "/favicon.ico", "/demo", "/kiosk", "/ui/")),
        Middleware(GraphQLGuardMiddleware, path="/graphql", max_body_bytes=settings.max_body_bytes),
        Middleware(AuthenticationMiddleware, backend=TokenBackend()),
    ]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                                     allow_methods=["GET", "POST"],
                                     allow_headers=["authorization", "content-type"]))
    app: Starlette = Starlette(
        routes=[
            Route("/livez", livez),
            Route("/readyz", readyz),
            Route("/favicon.ico", favicon),
            # Every method reaches the view: it answers 405 with ``Allow`` itself.
            Route("/graphql", view),
            Route("/.well-known/jwks.json", pages.jwks),
            Route("/oauth/token", oauth.token, methods=["POST"]),
            Route("/files/certificates/{certificate_id}.pdf", pages.certificate_pdf),
            Route("/v/{payload:path}", pages.verify_page),
            Route("/verify", pages.verify_form),
            *(ui.routes(persisted, dev=settings.dev_sms_inbox and not settings.is_production,
                        possible_types=possible_types(schema))
              if settings.serve_demo else []),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    return app
