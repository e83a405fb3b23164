"""The app's dependencies outside the web app: for ``run-jobs`` now, for a queue
worker later. The caller opens the database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from api.infra.crypto import PiiVault
from api.infra.keys import load_keyring
from api.infra.kv import open_kv
from api.infra.settings import Settings
from api.infra.state import AppState
from api.providers.container import build_providers


@contextlib.asynccontextmanager
async def job_state(settings: Settings) -> AsyncIterator[AppState]:
    ring = load_keyring(settings)
    vault = PiiVault(ring)
    kv = open_kv(settings)
    try:
        yield AppState(settings=settings, keyring=ring, vault=vault, kv=kv,
                       providers=build_providers(settings, vault))
    finally:
        await kv.aclose()
