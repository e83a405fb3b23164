"""The mocks as the provider implementation named ``mock`` (the default of
``FSREG_PROVIDERS``), with their tables in a database of their own.

Factories import their module when called, so naming this package costs
nothing until a mock is chosen.
"""

from __future__ import annotations

from typing import Any

from api.providers.adapters import AdapterEnv, AdapterRegistry, Implementation, Storage
from mock_providers.storage import APP, CONNECTION


def _identity(env: AdapterEnv) -> Any:
    from mock_providers.identity import MockIdentityProvider

    return MockIdentityProvider(env.vault)


def _registry(env: AdapterEnv) -> Any:
    from mock_providers.registry import MockRegistryProvider

    return MockRegistryProvider(env.vault)


def _sms(env: AdapterEnv) -> Any:
    from mock_providers.outbox import MockSmsGateway

    return MockSmsGateway(env.vault)


def _rating(_: AdapterEnv) -> Any:
    from mock_providers.outbox import MockRatingPlatform

    return MockRatingPlatform()


def _assertions(env: AdapterEnv) -> Any:
    from mock_providers.assertion import MockPlatformAssertions

    return MockPlatformAssertions(env.keys_dir)


def _seal(env: AdapterEnv) -> Any:
    from mock_providers.seal import LocalSealProvider

    return LocalSealProvider(env.var_dir / "seal")


def _archive(_: AdapterEnv) -> Any:
    from mock_providers.archive import MockAuditArchive

    return MockAuditArchive()


def _contracts(env: AdapterEnv) -> Any:
    from mock_providers.contracts import MockContractFilings

    return MockContractFilings(env.vault)


def _civil(env: AdapterEnv) -> Any:
    from mock_providers.civil import MockCivilAffairs

    return MockCivilAffairs(env.vault)


def _licences(env: AdapterEnv) -> Any:
    from mock_providers.licences import MockLicenceLibrary

    return MockLicenceLibrary(env.vault)


def _banks(_: AdapterEnv) -> Any:
    from mock_providers.banks import MockBankConfirmations

    return MockBankConfirmations()


def _keyed() -> Any:
    from mock_providers.keyed_columns import BLIND_INDEXES, ENCRYPTED

    return ENCRYPTED, BLIND_INDEXES


MOCK = Implementation(
    name="mock",
    factories={"identity": _identity, "registry": _registry, "sms": _sms, "rating": _rating,
               "assertions": _assertions, "seal": _seal, "archive": _archive,
               "contracts": _contracts, "civil": _civil, "licences": _licences,
               "banks": _banks},
    stand_in=True,
    storage=Storage(label=APP, models=("mock_providers.models",
                                       "mock_providers.department_models"),
                    migrations="mock_providers.migrations", connection=CONNECTION,
                    keyed=_keyed),
)


def register(adapters: AdapterRegistry) -> None:
    adapters.add(MOCK)
