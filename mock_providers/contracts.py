"""Mock of 住建's 网签备案 system: filed sale contracts and their parties."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime

from api.providers.answers import sealed
from api.providers.contracts import FILED, ContractParty, FiledContract
from api.providers.vault import PersonalDataVault, canonical_id_number
from mock_providers.datagen.specs import ContractSpec
from mock_providers.department_models import ContractPartyRow, FiledContractRow
from mock_providers.storage import transaction

__all__ = ["ContractSpec", "MockContractFilings"]

PARTY_TABLE = "mock_hc_contract_party"


class MockContractFilings:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault

    # -- answering ---------------------------------------------------------------
    async def filed_contract(self, filing_no: str) -> FiledContract | None:
        row = await FiledContractRow.get_or_none(filing_no=filing_no.strip())
        return None if row is None else (await self._answers([row]))[0]

    async def contracts_for_unit(self, unit_no: str) -> list[FiledContract]:
        rows = await FiledContractRow.filter(unit_no=unit_no).order_by("-filed_on", "-filing_no")
        return await self._answers(list(rows))

    async def _answers(self, rows: list[FiledContractRow]) -> list[FiledContract]:
        parties: dict[uuid.UUID, list[ContractPartyRow]] = defaultdict(list)
        for p in await ContractPartyRow.filter(contract_id__in=[r.id for r in rows]).order_by(
                "role", "position"):
            parties[p.contract_id].append(p)
        now = datetime.now(UTC)
        return [sealed(
            FiledContract, fetched_at=now, filing_no=r.filing_no, kind=r.kind, status=r.status,
            unit_no=r.unit_no, price=r.price, signed_on=r.signed_on, filed_on=r.filed_on,
            cancelled_on=r.cancelled_on,
            sellers=tuple(self._party(p) for p in parties[r.id] if p.role == "SELLER"),
            buyers=tuple(self._party(p) for p in parties[r.id] if p.role == "BUYER"),
            buyer_co_ownership=r.buyer_co_ownership) for r in rows]

    def _party(self, p: ContractPartyRow) -> ContractParty:
        def dec(column: str, value: str) -> str:
            return self._vault.decrypt(value, table=PARTY_TABLE, column=column, row=str(p.id))

        return ContractParty(name=dec("name", p.name_enc),
                             id_number=dec("id_number", p.id_number_enc),
                             share_percent=p.share_percent)

    # -- filing (seeding and tests) --------------------------------------------------
    def build_rows(self, specs: Iterable[ContractSpec]
                   ) -> tuple[list[FiledContractRow], list[ContractPartyRow]]:
        """Unsaved, encrypted rows; party ids derive from the contract id (deterministic)."""
        contracts, parties = [], []
        for s in specs:
            contracts.append(FiledContractRow(
                id=s.id, filing_no=s.filing_no, kind=s.kind, status=s.status, unit_no=s.unit_no,
                price=s.price, signed_on=s.signed_on, filed_on=s.filed_on,
                cancelled_on=s.cancelled_on, buyer_co_ownership=s.buyer_co_ownership))
            for role, people in (("SELLER", s.sellers), ("BUYER", s.buyers)):
                for n, person in enumerate(people):
                    parties.append(self._party_row(s.id, role, n, person))
        return contracts, parties

    def _party_row(self, contract_id: uuid.UUID, role: str, n: int,
                   person: ContractParty) -> ContractPartyRow:
        rid = uuid.uuid5(contract_id, f"{role}:{n}")
        number = canonical_id_number(person.id_number)

        def enc(column: str, value: str) -> str:
            return self._vault.encrypt(value, table=PARTY_TABLE, column=column, row=str(rid))

        return ContractPartyRow(id=rid, contract_id=contract_id, role=role, position=n,
                                party_hash=self._vault.blind_index(number),
                                id_number_enc=enc("id_number", number),
                                name_enc=enc("name", person.name),
                                share_percent=person.share_percent)

    async def file(self, specs: Iterable[ContractSpec]) -> int:
        """File contracts not filed yet (by filing number); returns how many were new."""
        specs = list(specs)
        known = set(await FiledContractRow.filter(
            filing_no__in=[s.filing_no for s in specs]).values_list("filing_no", flat=True))
        contracts, parties = self.build_rows(s for s in specs if s.filing_no not in known)
        if not contracts:
            return 0
        async with transaction() as tx:
            await FiledContractRow.bulk_create(contracts, using_db=tx)
            await ContractPartyRow.bulk_create(parties, using_db=tx)
        return len(contracts)

    async def cancel(self, filing_no: str, on: date) -> bool:
        """撤销备案; True when a FILED contract was cancelled now."""
        return bool(await FiledContractRow.filter(filing_no=filing_no, status=FILED).update(
            status="CANCELLED", cancelled_on=on))
