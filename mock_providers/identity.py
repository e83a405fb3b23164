"""Mock of the 公安 population registry: people, their phones and ID-card photos."""

from __future__ import annotations

import hashlib
import uuid

from api.providers import idnumber
from api.providers.identity import Particulars, Person
from api.providers.vault import PersonalDataVault
from mock_providers.identity_history import IdentityHistory
from mock_providers.models import IdentityRecord

TABLE = "mock_identity"


class MockIdentityProvider:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault
        self.history = IdentityHistory(vault)

    def _dec(self, row: IdentityRecord, column: str, value: str) -> str:
        return self._vault.decrypt(value, table=TABLE, column=column, row=str(row.id))

    async def _find(self, id_number: str) -> IdentityRecord | None:
        if not idnumber.is_valid(id_number):
            return None
        digest = self._vault.blind_index(idnumber.normalize(id_number))
        return await IdentityRecord.get_or_none(id_number_hash=digest)

    async def verify(self, name: str, id_number: str) -> Person | None:
        row = await self._find(id_number)
        if row is None or self._dec(row, "name", row.name_enc) != name.strip():
            return None
        phone = self._dec(row, "phone", row.phone_enc) if row.phone_enc else None
        return Person(idnumber.normalize(id_number), name.strip(), row.gender, phone)

    async def reference_photo(self, id_number: str) -> bytes | None:
        row = await self._find(id_number)
        if row is None or row.photo_enc is None:
            return None
        return self._vault.decrypt_bytes(row.photo_enc, table=TABLE, column="photo",
                                         row=str(row.id))

    async def particulars(self, id_number: str) -> Particulars | None:
        return await self.history.particulars(id_number)

    def build_record(self, *, name: str, id_number: str, gender: str, phone: str | None,
                     photo: bytes | None = None, row_id: uuid.UUID | None = None
                     ) -> IdentityRecord:
        """An unsaved row with every personal field encrypted (for seeding in bulk)."""
        rid = row_id or uuid.uuid4()
        number = idnumber.normalize(id_number)

        def enc(column: str, value: str | bytes) -> str:
            return self._vault.encrypt(value, table=TABLE, column=column, row=str(rid))

        return IdentityRecord(
            id=rid,
            id_number_hash=self._vault.blind_index(number),
            id_number_enc=enc("id_number", number),
            name_enc=enc("name", name),
            gender=gender,
            phone_enc=enc("phone", phone) if phone else None,
            photo_enc=enc("photo", photo) if photo else None,
            photo_sha256=hashlib.sha256(photo).hexdigest() if photo else None,
        )

    async def register(self, *, name: str, id_number: str, gender: str, phone: str | None,
                       photo: bytes | None = None) -> IdentityRecord:
        """Add or replace a person (used by ``add-citizen`` and the demo seed)."""
        number = idnumber.normalize(id_number)
        existing = await IdentityRecord.get_or_none(id_number_hash=self._vault.blind_index(number))
        row = self.build_record(name=name, id_number=number, gender=gender, phone=phone,
                                photo=photo, row_id=existing.id if existing else None)
        if existing is not None:  # particulars are kept: same row, so still decryptable
            row.hukou_address_enc = existing.hukou_address_enc
            row.former_names_enc = existing.former_names_enc
        await row.save(force_update=existing is not None, force_create=existing is None)
        return row
