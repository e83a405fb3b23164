"""Process-wide resources, opened by the lifespan and closed by it (never at import)."""

from __future__ import annotations

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
