"""The typed GraphQL context: one per request (CONVENTIONS 4).

Resolvers reach the process's resources through it (``settings``,
``providers``, ``kv``, the whole ``state`` for a service call) and the caller
through the principal accessors: ``citizen()``, ``staff()`` and ``client()``
return the authenticated principal of that kind or raise the coded error a
permission class would (``UNAUTHENTICATED``, ``SERVICE_UNAVAILABLE`` when the
revocation store could not be asked, ``FORBIDDEN``). The request id is not
here: services read it from ``api.infra.logging`` where they record it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis.asyncio as redis
import strawberry
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from api.errors import Forbidden, ServiceUnavailable, Unauthenticated
from api.infra.settings import Settings
from api.infra.state import AppState
from api.providers.container import Providers
from api.providers.registry import Holding
from auth.backend import Principal


@dataclass
class Loaders:
    """The request's DataLoaders (CONVENTIONS 5), keyed by citizen id. Each is
    made by its slice's ``loaders.py`` the first time a field asks for it, so a
    request that needs none builds none; nothing but DataLoaders lives here."""

    holdings: DataLoader[str, list[Holding]] | None = None
    id_numbers: DataLoader[str, str] | None = None


@dataclass
class Context:
    request: Request
    state: AppState
    in_batch: bool = False
    qr_rendered: bool = False  # Appointment.checkInQr: at most one per request
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def providers(self) -> Providers:
        return self.state.providers

    @property
    def kv(self) -> redis.Redis:
        return self.state.kv

    @property
    def principal(self) -> Principal | None:
        """Whoever the bearer token names; None for an anonymous request."""
        user = self.request.scope.get("user")
        return user if isinstance(user, Principal) else None

    def citizen(self) -> Principal:
        return self._require("citizen")

    def staff(self) -> Principal:
        """A hall staff member: ``subject`` is ``HALL:name``."""
        return self._require("staff")

    def client(self) -> Principal:
        """An approved third-party institution (a client token)."""
        return self._require("client")

    def _require(self, kind: str) -> Principal:
        principal = self.principal
        if principal is None:
            raise Unauthenticated()
        if not principal.verifiable:
            raise ServiceUnavailable()
        if principal.kind != kind:
            raise Forbidden()
        return principal


Info = strawberry.Info[Context, None]
