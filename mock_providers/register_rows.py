"""Reading the mock register's rows into the Protocol's answers, and the unit lock.

Shared by the register's reads (``holdings``, ``unit``) and its writes
(``record_event``, ``register``). Imports nothing from the app but the
Protocols: the vault comes in typed by ``PersonalDataVault``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from api.providers.register_write import NewHolder, RightSnapshot, UnitSnapshot
from api.providers.registry import CoHolder, Encumbrance
from api.providers.vault import PersonalDataVault, canonical_id_number
from mock_providers.models import (
    RegisterEncumbrance,
    RegisterHolder,
    RegisterRight,
    RegisterUnit,
)

HOLDER_TABLE = "mock_reg_holder"


class HolderCodec:
    """Encrypts and decrypts register holders (row-bound AES-GCM, blind-indexed ID)."""

    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault

    def index(self, id_number: str) -> str:
        return self._vault.blind_index(canonical_id_number(id_number))

    def enc(self, row_id: uuid.UUID, column: str, value: str) -> str:
        return self._vault.encrypt(value, table=HOLDER_TABLE, column=column, row=str(row_id))

    def build(self, right_id: uuid.UUID, holder: NewHolder) -> RegisterHolder:
        rid = uuid.uuid4()
        number = canonical_id_number(holder.id_number)
        return RegisterHolder(
            id=rid, right_id=right_id, holder_hash=self.index(number),
            id_number_enc=self.enc(rid, "id_number", number),
            name_enc=self.enc(rid, "name", holder.name),
            address_enc=self.enc(rid, "address", holder.address) if holder.address else None,
            share_percent=holder.share_percent)

    def decrypt(self, h: RegisterHolder) -> CoHolder:
        def dec(column: str, value: str) -> str:
            return self._vault.decrypt(value, table=HOLDER_TABLE, column=column, row=str(h.id))

        return CoHolder(name=dec("name", h.name_enc), id_number=dec("id_number", h.id_number_enc),
                        share_percent=h.share_percent,
                        address=dec("address", h.address_enc) if h.address_enc else None)


def encumbrance_of(e: RegisterEncumbrance) -> Encumbrance:
    return Encumbrance(kind=e.kind, proof_no=e.proof_no, party=e.party, amount=e.amount,
                       document_no=e.document_no, starts_on=e.starts_on, ends_on=e.ends_on,
                       status=e.status, registered_at=e.registered_at,
                       transfer_restricted=e.transfer_restricted, consent_ref=e.consent_ref)


async def lock_unit(tx: BaseDBAsyncClient, unit_no: str) -> RegisterUnit | None:
    """Take the unit's write lock before reading anything of it.

    PostgreSQL: ``SELECT ... FOR UPDATE`` on the unit row; every writer of the
    unit (``register``, ``record_event``) takes it first, so they serialise and
    each reads what the one before committed (READ COMMITTED re-reads per
    statement). SQLite has one writer at a time but a deferred transaction
    reads before it writes, so a second process could read a stale snapshot
    and then be refused the upgrade: a write as the first statement takes the
    database's write lock at once (what ``BEGIN IMMEDIATE`` would do)."""
    if tx.capabilities.dialect == "sqlite":
        await tx.execute_query(
            "UPDATE mock_reg_unit SET version = version WHERE unit_no = ?", [unit_no])
        return await RegisterUnit.filter(unit_no=unit_no).using_db(tx).first()
    return await RegisterUnit.filter(unit_no=unit_no).using_db(tx).select_for_update().first()


async def read_snapshot(conn: BaseDBAsyncClient | None, codec: HolderCodec, unit: RegisterUnit,
                        now: datetime) -> UnitSnapshot:
    right = await RegisterRight.filter(unit_id=unit.id, current=True).using_db(conn).first()
    holders = (await RegisterHolder.filter(right_id=right.id).using_db(conn).order_by("id")
               if right else [])
    encumbrances = await RegisterEncumbrance.filter(unit_id=unit.id, status="ACTIVE").using_db(
        conn).order_by("registered_at", "proof_no")
    return UnitSnapshot(
        unit_no=unit.unit_no, district_code=unit.district_code, address=unit.address,
        use=unit.use, building_area=unit.building_area, interior_area=unit.interior_area,
        land_right_type=unit.land_right_type, land_use_start=unit.land_use_start,
        land_use_end=unit.land_use_end,
        right=RightSnapshot(
            right_id=str(right.id), title_no=right.title_no, right_type=right.right_type,
            co_ownership=right.co_ownership, acquired_via=right.acquired_via,
            registered_at=right.registered_at,
            holders=tuple(codec.decrypt(h) for h in holders)) if right else None,
        encumbrances=tuple(encumbrance_of(e) for e in encumbrances),
        version=unit.version, read_at=now)
