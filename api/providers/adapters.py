"""The providers the platform asks (``Providers``), and what a provider package
registers: factories by name, and the tables it keeps.

A package named in ``FSREG_PROVIDER_PACKAGES`` has a function
``register(adapters: AdapterRegistry) -> None`` that adds one or more
``Implementation``s; settings then choose one per provider (``FSREG_PROVIDERS``,
``FSREG_PROVIDER_OVERRIDES``), and ``api/providers/container.py`` builds them.
So a real adapter is a package and a configuration change, never an edit of
the platform. This module is the boundary: it imports nothing of the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from api.providers.archive import AuditArchive
from api.providers.assertion import PlatformAssertionVerifier
from api.providers.banks import BankConfirmations
from api.providers.civil import CivilAffairsProvider
from api.providers.contracts import ContractFilings
from api.providers.identity import IdentityProvider
from api.providers.keyed import BlindIndexField, EncryptedColumn
from api.providers.licences import ELicenceLibrary
from api.providers.messaging import RatingPlatform, SmsGateway
from api.providers.registry import RegistryProvider
from api.providers.seal import SealProvider
from api.providers.vault import PersonalDataVault


@dataclass
class Providers:
    identity: IdentityProvider
    registry: RegistryProvider
    sms: SmsGateway
    rating: RatingPlatform
    assertions: PlatformAssertionVerifier
    seal: SealProvider
    archive: AuditArchive
    contracts: ContractFilings  # 住建 网签备案
    civil: CivilAffairsProvider  # 民政 marriages and deaths
    licences: ELicenceLibrary  # provincial 电子证照 library
    banks: BankConfirmations  # mortgagees' repayment confirmations


# The providers by the names settings use (FSREG_PROVIDER_OVERRIDES=identity=...).
KINDS = tuple(f.name for f in fields(Providers))


@dataclass(frozen=True)
class AdapterEnv:
    """What a factory is given: the platform's means, typed by boundary Protocols."""

    vault: PersonalDataVault  # for an adapter that keeps personal data itself
    keys_dir: Path  # the mounted secrets (an adapter's credentials, certificates)
    var_dir: Path  # writable state of this deployment


Factory = Callable[[AdapterEnv], Any]
KeyedColumns = tuple[Sequence[EncryptedColumn], Sequence[BlindIndexField]]


@dataclass(frozen=True)
class Storage:
    """Tables an implementation keeps itself: a tortoise app on a connection of its
    own, in its own database (``FSREG_MOCK_DATABASE_URL``), never joined with the
    platform's. ``keyed`` lists its ciphertexts and blind indexes for the key jobs."""

    label: str
    models: tuple[str, ...]
    migrations: str
    connection: str
    keyed: Callable[[], KeyedColumns] | None = None


@dataclass(frozen=True)
class Implementation:
    name: str
    factories: Mapping[str, Factory]  # kind -> factory, for the kinds it implements
    # A stand-in for a government system (a mock): production refuses it unless
    # FSREG_ALLOW_MOCK_PROVIDERS=true says so knowingly.
    stand_in: bool = False
    storage: Storage | None = None


@dataclass
class AdapterRegistry:
    implementations: dict[str, Implementation] = field(default_factory=dict)

    def add(self, implementation: Implementation) -> None:
        if implementation.name in self.implementations:
            raise ValueError(f"provider implementation {implementation.name!r} registered twice")
        unknown = set(implementation.factories) - set(KINDS)
        if unknown:
            raise ValueError(f"{implementation.name!r} registers unknown providers "
                             f"{sorted(unknown)}; known: {', '.join(KINDS)}")
        self.implementations[implementation.name] = implementation
