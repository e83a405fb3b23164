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

from api.face.config import FaceSettings
from api.face.pool import FacePool
from api.graphql.schema import build_schema, possible_types
from api.http import oauth, pages, ui
from api.http.client_address import TrustedProxyMiddleware, parse_networks
from api.http.graphql_view import GraphQLView
from api.http.health import favicon, livez, readyz
from api.http.middleware import AdmissionMiddleware, GraphQLGuardMiddleware, RequestIdMiddleware
from api.http.persisted import PersistedOperations
from api.infra.crypto import PiiVault
from api.infra.db import tortoise_config
from api.infra.keys import load_keyring
from api.infra.kv import open_kv
from api.infra.logging import configure_logging, install_redaction
from api.infra.settings import (
    ConfigurationError,
    Settings,
    get_settings,
    production_refusals,
    refusal_message,
)
from api.infra.state import AppState
from api.providers.container import build_providers
from api.services.session import consent
from auth.backend import TokenBackend

log = logging.getLogger("api.app")


def start_register_sync(state: AppState) -> asyncio.Task[None] | None:
    """Background jobs, all idempotent so every worker may run them: reading
    register events into notifications, recording no-shows, the SMS
    reminders the day before an appointment, the 基本满意 default ratings, the
    好差评 outbox delivery and the audit trail's checkpoints (when due; several
    workers anchoring at once leave one checkpoint)."""
    interval = state.settings.register_sync_seconds
    if interval <= 0:
        return None

    async def loop() -> None:
        from datetime import UTC, datetime

        from api.services import audit_anchor
        from api.services.appointments import calendar as cal
        from api.services.appointments import holidays as holiday_calendar
        from api.services.appointments.booking import send_reminders, sweep_no_shows
        from api.services.privacy.notifications import sync_register_events
        from api.services.ratings.outbox import deliver_due
        from api.services.ratings.rating import apply_default_ratings
        from api.services.ratings.workorders import recompute_provisional

        checked_calendar_on = None
        while True:
            await asyncio.sleep(interval)
            try:
                today = cal.local_day(cal.now())
                if today != checked_calendar_on:  # daily: the operators' warning, recounts
                    checked_calendar_on = today
                    await holiday_calendar.warn_if_ending(today, state.settings.calendar_warn_days)
                    await recompute_provisional(state)
                while await sync_register_events(state):
                    pass
                now = datetime.now(UTC)
                await sweep_no_shows(state, now)
                await send_reminders(state, now)
                await apply_default_ratings(state, now)
                await deliver_due(state, now)
                await audit_anchor.periodic(state, state.settings.audit_checkpoint_seconds, now)
            except Exception:  # keep going after a transient failure; it is logged
                log.exception("background job failed")

    return asyncio.create_task(loop(), name="background-jobs")


async def _startup_notices(settings: Settings) -> None:
    """What an operator must act on soon, in the log at start-up (never fatal)."""
    from api.services.appointments import calendar as cal
    from api.services.appointments import holidays as holiday_calendar

    try:
        async with asyncio.timeout(settings.readiness_timeout_seconds):
            await holiday_calendar.warn_if_ending(cal.local_day(cal.now()),
                                                  settings.calendar_warn_days)
    except TimeoutError:  # a slow database must not hold the start-up; the daily run repeats it
        log.warning("holiday calendar coverage check timed out at start-up")


def create_app(settings: Settings | None = None, *, face_pool: Any = None) -> Starlette:
    """``face_pool`` lets tests share one warmed pool across apps; by default the
    lifespan owns a pool whose workers start on the first face attempt."""
    settings = settings or get_settings()
    if os.environ.get("FSREG_SETUP_LOGGING") == "1":
        configure_logging()
    install_redaction()
    # Settings built with model_copy/model_construct skip their validators: check
    # again, before a port is bound, that production has its shared stores.
    if problems := production_refusals(settings):
        raise ConfigurationError(refusal_message(problems))
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
            await _startup_notices(settings)
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
        # Outermost: everything after it (limits, sessions, the access log) sees
        # the client behind trusted proxies only (api/client_address.py).
        Middleware(TrustedProxyMiddleware, trusted=parse_networks(settings.trusted_proxies)),
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
