"""Process-wide resources, opened by the lifespan and closed by it (never at import).

``AppState`` is also the one dependency every service function takes (its
first parameter, ``state``) when it needs anything of the process: the
settings, the key ring, the vault, the shared store, a provider, the face pool.
A command or a job outside the web app opens one with ``open_state``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as redis

from api.infra.crypto import PiiVault
from api.infra.keys import Keyring
from api.infra.settings import Settings
from api.providers.container import Providers


@dataclass
class AppState:
    settings: Settings
    keyring: Keyring
    vault: PiiVault
    kv: redis.Redis
    providers: Providers
    face: Any = None  # api.face.pool.FacePool, started by the lifespan
    # Small per-worker caches of cheap, non-critical answers (e.g. the /readyz
    # calendar notice); never state another worker needs.
    cache: dict[str, Any] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def open_state(settings: Settings) -> AsyncIterator[AppState]:
    """The state of one command or job run (no face pool); the caller opens the
    database. The store's connection is closed on the way out."""
    from api.infra.keys import load_keyring
    from api.infra.kv import open_kv
    from api.providers.container import build_providers

    ring = load_keyring(settings)
    vault = PiiVault(ring)
    kv = open_kv(settings)
    try:
        yield AppState(settings=settings, keyring=ring, vault=vault, kv=kv,
                       providers=build_providers(settings, vault))
    finally:
        await kv.aclose()
