"""Mock of 民政: marriage registrations (both spouses) and registered deaths."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from api.providers.answers import sealed
from api.providers.civil import (
    DIVORCED,
    MARRIED,
    UNMARRIED,
    WIDOWED,
    DeathRecord,
    MarriageRecord,
)
from api.providers.vault import PersonalDataVault, canonical_id_number
from mock_providers.department_models import DeathRow, MarriageRow
from mock_providers.storage import transaction

MARRIAGE_TABLE, DEATH_TABLE = "mock_civil_marriage", "mock_civil_death"
NAMESPACE = uuid.UUID("0d7e3b1c-5a8f-4f0e-9c61-2b3a4d5e6f70")


class MockCivilAffairs:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault

    def _index(self, id_number: str) -> str:
        return self._vault.blind_index(canonical_id_number(id_number))

    def _dec(self, table: str, row: uuid.UUID, column: str, value: str) -> str:
        return self._vault.decrypt(value, table=table, column=column, row=str(row))

    def _enc(self, table: str, row: uuid.UUID, column: str, value: str) -> str:
        return self._vault.encrypt(value, table=table, column=column, row=str(row))

    async def marriage_record(self, id_number: str) -> MarriageRecord:
        number = canonical_id_number(id_number)
        row = await MarriageRow.filter(person_hash=self._index(number)).order_by(
            "-married_on").first()
        now = datetime.now(UTC)
        if row is None:
            return sealed(MarriageRecord, fetched_at=now, id_number=number, status=UNMARRIED,
                          spouse_name=None, spouse_id_number=None, married_on=None,
                          ended_on=None)
        status = MARRIED if row.ended_on is None else (
            DIVORCED if row.ended_by == "DIVORCE" else WIDOWED)
        return sealed(
            MarriageRecord, fetched_at=now, id_number=number, status=status,
            spouse_name=self._dec(MARRIAGE_TABLE, row.id, "spouse_name", row.spouse_name_enc),
            spouse_id_number=self._dec(MARRIAGE_TABLE, row.id, "spouse_id_number",
                                       row.spouse_id_number_enc),
            married_on=row.married_on, ended_on=row.ended_on)

    async def death_record(self, id_number: str) -> DeathRecord:
        number = canonical_id_number(id_number)
        row = await DeathRow.get_or_none(person_hash=self._index(number))
        now = datetime.now(UTC)
        if row is None:
            return sealed(DeathRecord, fetched_at=now, id_number=number, deceased=False,
                          name=None, died_on=None, certificate_no=None)
        return sealed(DeathRecord, fetched_at=now, id_number=number, deceased=True,
                      name=self._dec(DEATH_TABLE, row.id, "name", row.name_enc),
                      died_on=row.died_on, certificate_no=row.certificate_no)

    # -- registering (seeding and tests) ----------------------------------------------
    async def register_marriage(self, a: tuple[str, str], b: tuple[str, str],
                                married_on: date) -> bool:
        """Register the marriage of a and b (name, ID number); False if already there."""
        rows = []
        for (_, me), (spouse_name, spouse) in ((a, b), (b, a)):
            number = canonical_id_number(me)
            rid = uuid.uuid5(NAMESPACE, f"marriage:{number}:{married_on.isoformat()}")
            rows.append(MarriageRow(
                id=rid, person_hash=self._index(number),
                id_number_enc=self._enc(MARRIAGE_TABLE, rid, "id_number", number),
                spouse_name_enc=self._enc(MARRIAGE_TABLE, rid, "spouse_name", spouse_name),
                spouse_id_number_enc=self._enc(MARRIAGE_TABLE, rid, "spouse_id_number",
                                               canonical_id_number(spouse)),
                married_on=married_on))
        if await MarriageRow.filter(id__in=[r.id for r in rows]).exists():
            return False
        async with transaction() as tx:
            await MarriageRow.bulk_create(rows, using_db=tx)
        return True

    async def register_divorce(self, id_number: str, on: date) -> int:
        """End the person's current marriage (both spouses' rows) by divorce."""
        return await self._end(id_number, on, "DIVORCE")

    async def _end(self, id_number: str, on: date, by: str) -> int:
        row = await MarriageRow.filter(person_hash=self._index(id_number), ended_on=None).first()
        if row is None:
            return 0
        spouse = self._dec(MARRIAGE_TABLE, row.id, "spouse_id_number", row.spouse_id_number_enc)
        return await MarriageRow.filter(
            person_hash__in=[self._index(id_number), self._index(spouse)],
            married_on=row.married_on, ended_on=None).update(ended_on=on, ended_by=by)

    async def register_death(self, name: str, id_number: str, died_on: date,
                             certificate_no: str) -> bool:
        """Register a death (the spouse becomes widowed); False if already registered."""
        number = canonical_id_number(id_number)
        if await DeathRow.exists(person_hash=self._index(number)):
            return False
        rid = uuid.uuid5(NAMESPACE, f"death:{number}")
        await DeathRow.create(id=rid, person_hash=self._index(number),
                              id_number_enc=self._enc(DEATH_TABLE, rid, "id_number", number),
                              name_enc=self._enc(DEATH_TABLE, rid, "name", name),
                              died_on=died_on, certificate_no=certificate_no)
        await self._end(number, died_on, "DEATH")
        return True
