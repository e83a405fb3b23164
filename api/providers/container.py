"""Wires the configured provider implementations (today: the in-process mocks)."""

from __future__ import annotations

from dataclasses import dataclass

from api.infra.crypto import PiiVault
from api.infra.settings import Settings
from api.providers.archive import AuditArchive
from api.providers.assertion import PlatformAssertionVerifier
from api.providers.banks import BankConfirmations
from api.providers.civil import CivilAffairsProvider
from api.providers.contracts import ContractFilings
from api.providers.identity import IdentityProvider
from api.providers.licences import ELicenceLibrary
from api.providers.messaging import RatingPlatform, SmsGateway
from api.providers.registry import RegistryProvider
from api.providers.seal import SealProvider


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


def build_providers(settings: Settings, vault: PiiVault) -> Providers:
    from mock_providers.archive import MockAuditArchive
    from mock_providers.assertion import MockPlatformAssertions
    from mock_providers.banks import MockBankConfirmations
    from mock_providers.civil import MockCivilAffairs
    from mock_providers.contracts import MockContractFilings
    from mock_providers.identity import MockIdentityProvider
    from mock_providers.licences import MockLicenceLibrary
    from mock_providers.outbox import MockRatingPlatform, MockSmsGateway
    from mock_providers.registry import MockRegistryProvider
    from mock_providers.seal import LocalSealProvider

    return Providers(
        identity=MockIdentityProvider(vault),
        registry=MockRegistryProvider(vault),
        sms=MockSmsGateway(vault),
        rating=MockRatingPlatform(),
        assertions=MockPlatformAssertions(settings.resolved_keys_dir),
        seal=LocalSealProvider(settings.var_dir / "seal"),
        archive=MockAuditArchive(),
        contracts=MockContractFilings(vault),
        civil=MockCivilAffairs(vault),
        licences=MockLicenceLibrary(vault),
        banks=MockBankConfirmations(),
    )
