"""The mocks as the provider implementation named ``mock`` (the default of
``FSREG_PROVIDERS``), with their tables in a database of their own.

Factories import their module when called, so naming this package costs
nothing until a mock is chosen.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from api.providers.adapters import AdapterEnv, AdapterRegistry, Factory, Implementation, Storage
from mock_providers.storage import APP, CONNECTION

# What each mock's constructor takes from the environment, by name.
_NEEDS: dict[str, Callable[[AdapterEnv], Any]] = {
    "vault": lambda env: env.vault,
    "keys_dir": lambda env: env.keys_dir,
    "seal_dir": lambda env: env.var_dir / "seal",
}


def _lazy(module: str, cls: str, *needs: str) -> Factory:
    def build(env: AdapterEnv) -> Any:
        made = getattr(importlib.import_module(f"mock_providers.{module}"), cls)
        return made(*(_NEEDS[n](env) for n in needs))

    return build


def _keyed() -> Any:
    from mock_providers.keyed_columns import BLIND_INDEXES, ENCRYPTED

    return ENCRYPTED, BLIND_INDEXES


MOCK = Implementation(
    name="mock",
    factories={
        "identity": _lazy("identity", "MockIdentityProvider", "vault"),
        "registry": _lazy("registry", "MockRegistryProvider", "vault"),
        "sms": _lazy("outbox", "MockSmsGateway", "vault"),
        "rating": _lazy("outbox", "MockRatingPlatform"),
        "assertions": _lazy("assertion", "MockPlatformAssertions", "keys_dir"),
        "seal": _lazy("seal", "LocalSealProvider", "seal_dir"),
        "archive": _lazy("archive", "MockAuditArchive"),
        "contracts": _lazy("contracts", "MockContractFilings", "vault"),
        "civil": _lazy("civil", "MockCivilAffairs", "vault"),
        "licences": _lazy("licences", "MockLicenceLibrary", "vault"),
        "banks": _lazy("banks", "MockBankConfirmations"),
    },
    stand_in=True,
    storage=Storage(label=APP, models=("mock_providers.models",
                                       "mock_providers.department_models"),
                    migrations="mock_providers.migrations", connection=CONNECTION,
                    keyed=_keyed),
)


def register(adapters: AdapterRegistry) -> None:
    adapters.add(MOCK)
