"""The typed GraphQL context: one per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request

from api.infra.state import AppState


@dataclass
class Context:
    request: Request
    state: AppState
    request_id: str
    in_batch: bool = False
    qr_rendered: bool = False  # Appointment.checkInQr: at most one per request
    loaders: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Any:
        return self.state.settings

    @property
    def providers(self) -> Any:
        return self.state.providers

    @property
    def kv(self) -> Any:
        return self.state.kv


Info = strawberry.Info[Context, None]
