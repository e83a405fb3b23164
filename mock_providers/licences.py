"""Mock of the provincial 电子证照 library: registered e-licences and their holders."""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from api.providers.licences import LICENCE_TYPES, REVOKED, VALID, ELicence, LicenceConflict
from api.providers.vault import PersonalDataVault, canonical_id_number
from mock_providers.department_models import LicenceHolderRow, LicenceRow
from mock_providers.storage import transaction

HOLDER_TABLE = "mock_elicence_holder"


class MockLicenceLibrary:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault

    async def register_licence(self, code: str, number: str, holder_id_numbers: list[str],
                               issued_at: datetime, pdf_sha256: str) -> ELicence:
        if not code.isdigit() or not number.strip() or not holder_id_numbers \
                or len(pdf_sha256) != 64 or issued_at.tzinfo is None:
            raise ValueError("licence code, number, holders, issue time and PDF hash are required")
        holders = [canonical_id_number(h) for h in holder_id_numbers]
        wanted = (code, holders, issued_at, pdf_sha256.lower())
        existing = await self._by_number(number)
        if existing is None:
            # Registered concurrently under the same number: compared below.
            with contextlib.suppress(IntegrityError):
                await self._insert(code, number, holders, issued_at, pdf_sha256.lower())
            existing = await self._by_number(number)
        assert existing is not None
        if (existing.code, list(existing.holder_id_numbers), existing.issued_at,
                existing.pdf_sha256) != wanted:
            raise LicenceConflict(f"licence {number} is registered with other content")
        return existing

    async def _insert(self, code: str, number: str, holders: list[str], issued_at: datetime,
                      pdf_sha256: str) -> None:
        lid = uuid.uuid4()
        async with transaction() as tx:
            await LicenceRow.create(id=lid, number=number, code=code, issued_at=issued_at,
                                    pdf_sha256=pdf_sha256, status=VALID,
                                    registered_at=datetime.now(UTC), using_db=tx)
            for n, holder in enumerate(holders):
                rid = uuid.uuid4()
                await LicenceHolderRow.create(
                    id=rid, licence_id=lid, position=n, holder_hash=self._vault.blind_index(holder),
                    id_number_enc=self._vault.encrypt(holder, table=HOLDER_TABLE,
                                                      column="id_number", row=str(rid)),
                    using_db=tx)

    async def revoke_licence(self, number: str, reason: str) -> ELicence | None:
        await LicenceRow.filter(number=number, status=VALID).update(
            status=REVOKED, revoked_reason=reason[:60], revoked_at=datetime.now(UTC))
        return await self._by_number(number)

    async def licences_of(self, id_number: str, *, include_revoked: bool = False
                          ) -> list[ELicence]:
        digest = self._vault.blind_index(canonical_id_number(id_number))
        ids = await LicenceHolderRow.filter(holder_hash=digest).values_list("licence_id",
                                                                            flat=True)
        query = LicenceRow.filter(id__in=list(ids))
        if not include_revoked:
            query = query.filter(status=VALID)
        return await self._answers(list(await query.order_by("-issued_at", "number")))

    async def _by_number(self, number: str) -> ELicence | None:
        row = await LicenceRow.get_or_none(number=number)
        return None if row is None else (await self._answers([row]))[0]

    async def _answers(self, rows: list[LicenceRow]) -> list[ELicence]:
        holders: dict[uuid.UUID, list[str]] = defaultdict(list)
        for h in await LicenceHolderRow.filter(licence_id__in=[r.id for r in rows]).order_by(
                "position"):
            holders[h.licence_id].append(self._vault.decrypt(
                h.id_number_enc, table=HOLDER_TABLE, column="id_number", row=str(h.id)))
        return [ELicence(code=r.code, type_name=LICENCE_TYPES.get(r.code, r.code),
                         number=r.number, holder_id_numbers=tuple(holders[r.id]),
                         issued_at=r.issued_at, pdf_sha256=r.pdf_sha256, status=r.status,
                         revoked_reason=r.revoked_reason, registered_at=r.registered_at)
                for r in rows]
