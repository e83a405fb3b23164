"""Mock 公安 particulars: today's name and 户籍 address, former names and former
ID numbers (a 15-digit number upgraded to 18 digits, or a corrected number).

Rows live beside the identity records (``mock_identity`` carries the address
and the former names, ``mock_identity_former_id`` the former numbers, each
blind-indexed so an old number finds today's person).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

from api.providers.answers import sealed
from api.providers.identity import Particulars
from api.providers.vault import PersonalDataVault, canonical_id_number
from mock_providers.models import FormerIdNumber, IdentityRecord

TABLE = "mock_identity"
FORMER_TABLE = "mock_identity_former_id"


class IdentityHistory:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault

    def _dec(self, table: str, row: object, column: str, value: str) -> str:
        return self._vault.decrypt(value, table=table, column=column, row=str(row))

    async def _person(self, number: str) -> tuple[IdentityRecord | None, bool]:
        digest = self._vault.blind_index(number)
        row = await IdentityRecord.get_or_none(id_number_hash=digest)
        if row is not None:
            return row, False
        former = await FormerIdNumber.get_or_none(id_number_hash=digest).select_related("person")
        return (former.person, True) if former else (None, False)

    async def particulars(self, id_number: str) -> Particulars | None:
        row, as_former = await self._person(canonical_id_number(id_number))
        if row is None:
            return None
        formers = await FormerIdNumber.filter(person_id=row.id).order_by("changed_on")
        names = (json.loads(self._dec(TABLE, row.id, "former_names", row.former_names_enc))
                 if row.former_names_enc else [])
        return sealed(
            Particulars, fetched_at=datetime.now(UTC),
            id_number=self._dec(TABLE, row.id, "id_number", row.id_number_enc),
            name=self._dec(TABLE, row.id, "name", row.name_enc),
            hukou_address=(self._dec(TABLE, row.id, "hukou_address", row.hukou_address_enc)
                           if row.hukou_address_enc else None),
            former_names=tuple(names),
            former_id_numbers=tuple(self._dec(FORMER_TABLE, f.id, "id_number", f.id_number_enc)
                                    for f in formers),
            asked_as_former=as_former)

    async def set_particulars(self, id_number: str, *, hukou_address: str | None = None,
                              former_names: list[str] | None = None) -> bool:
        """Record the 户籍 address and former names of a registered person (seeding,
        tests); False when no such person. Writing the same values again is a no-op."""
        row = await IdentityRecord.get_or_none(
            id_number_hash=self._vault.blind_index(canonical_id_number(id_number)))
        if row is None:
            return False
        current = await self.particulars(id_number)
        assert current is not None
        values: dict[str, str | None] = {}
        if hukou_address is not None and hukou_address != current.hukou_address:
            values["hukou_address_enc"] = self._vault.encrypt(
                hukou_address, table=TABLE, column="hukou_address", row=str(row.id))
        if former_names is not None and tuple(former_names) != current.former_names:
            values["former_names_enc"] = self._vault.encrypt(
                json.dumps(former_names, ensure_ascii=False), table=TABLE,
                column="former_names", row=str(row.id))
        if values:
            await IdentityRecord.filter(id=row.id).update(**values)
        return True

    async def add_former_id_number(self, id_number: str, former: str, *, changed_on: date,
                                   reason: str) -> bool:
        """Record that the person now holding ``id_number`` once held ``former``;
        idempotent. False when no such person."""
        row = await IdentityRecord.get_or_none(
            id_number_hash=self._vault.blind_index(canonical_id_number(id_number)))
        if row is None:
            return False
        number = canonical_id_number(former)
        digest = self._vault.blind_index(number)
        if await FormerIdNumber.exists(id_number_hash=digest):
            return True
        rid = uuid.uuid4()
        await FormerIdNumber.create(
            id=rid, person_id=row.id, id_number_hash=digest,
            id_number_enc=self._vault.encrypt(number, table=FORMER_TABLE, column="id_number",
                                              row=str(rid)),
            changed_on=changed_on, reason=reason)
        return True
