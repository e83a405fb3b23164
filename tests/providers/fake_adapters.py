"""A provider package as a real adapter would be one: ``register`` adds an
implementation named ``fake`` (an identity service and an SMS gateway without
the development inbox), chosen by settings alone."""

from __future__ import annotations

from typing import Any

from api.providers.adapters import AdapterEnv, AdapterRegistry, Implementation
from api.providers.identity import Particulars, Person


class FakeIdentity:
    async def verify(self, name: str, id_number: str) -> Person | None:
        return None

    async def reference_photo(self, id_number: str) -> bytes | None:
        return None

    async def particulars(self, id_number: str) -> Particulars | None:
        return None


class QuietSmsGateway:
    """A gateway that sends and keeps nothing to show: no ``recent``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, phone: str, template: str, params: dict[str, Any], *,
                   idempotency_key: str) -> str:
        self.sent.append((template, idempotency_key))
        return idempotency_key


def _identity(_: AdapterEnv) -> Any:
    return FakeIdentity()


def _sms(_: AdapterEnv) -> Any:
    return QuietSmsGateway()


def register(adapters: AdapterRegistry) -> None:
    adapters.add(Implementation(name="fake", factories={"identity": _identity, "sms": _sms}))
