"""Mock of the 不动产登记簿: units, rights, holders, encumbrances and register events.

``holdings`` answers in a constant number of queries whatever the number of
properties, because the platform calls it on every "my properties" view.
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError

from api.providers import idnumber
from api.providers.register_write import Guard, RegisterBatch, RegisterResult, UnitSnapshot
from api.providers.registry import (
    CoHolder,
    Holding,
    RegisterEventRecord,
    UnknownUnit,
)
from api.providers.vault import PersonalDataVault
from mock_providers import numbering
from mock_providers.models import (
    RegisterEncumbrance,
    RegisterEvent,
    RegisterHolder,
    RegisterRight,
    RegisterUnit,
)
from mock_providers.register_rows import (
    HOLDER_TABLE,
    HolderCodec,
    encumbrance_of,
    lock_unit,
    read_snapshot,
)
from mock_providers.register_write import RegisterWriter
from mock_providers.storage import transaction

__all__ = ["HOLDER_TABLE", "MockRegistryProvider", "UnknownUnit"]
ENCUMBRANCE_KINDS = {"MORTGAGE", "SEIZURE", "PRE_REGISTRATION", "OBJECTION"}
RELEASE_KINDS = {f"{k}_RELEASE": k for k in ENCUMBRANCE_KINDS}


class MockRegistryProvider:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault
        self._codec = HolderCodec(vault)
        self._writer = RegisterWriter(vault)

    # -- writing -----------------------------------------------------------
    def build_holder(self, *, right_id: uuid.UUID, name: str, id_number: str,
                     share_percent: Decimal | None, row_id: uuid.UUID | None = None
                     ) -> RegisterHolder:
        rid = row_id or uuid.uuid4()
        number = idnumber.normalize(id_number)

        def enc(column: str, value: str) -> str:
            return self._vault.encrypt(value, table=HOLDER_TABLE, column=column, row=str(rid))

        return RegisterHolder(id=rid, right_id=right_id, holder_hash=self._vault.blind_index(number),
                              id_number_enc=enc("id_number", number), name_enc=enc("name", name),
                              share_percent=share_percent)

    def _decrypt_holder(self, h: RegisterHolder) -> CoHolder:
        return self._codec.decrypt(h)

    # -- reading -----------------------------------------------------------
    async def holdings(self, id_number: str) -> list[Holding]:
        if not idnumber.is_valid(id_number):
            return []
        digest = self._vault.blind_index(idnumber.normalize(id_number))
        mine = await RegisterHolder.filter(holder_hash=digest, right__current=True).select_related(
            "right", "right__unit")
        if not mine:
            return []
        right_ids = [h.right_id for h in mine]
        unit_ids = [h.right.unit_id for h in mine]
        holders_by_right: dict[Any, list[RegisterHolder]] = defaultdict(list)
        for h in await RegisterHolder.filter(right_id__in=right_ids).order_by("id"):
            holders_by_right[h.right_id].append(h)
        enc_by_unit: dict[Any, list[RegisterEncumbrance]] = defaultdict(list)
        for e in await RegisterEncumbrance.filter(unit_id__in=unit_ids, status="ACTIVE").order_by(
                "registered_at"):
            enc_by_unit[e.unit_id].append(e)
        result = []
        for h in sorted(mine, key=lambda x: x.right.registered_at):
            right, unit = h.right, h.right.unit
            result.append(Holding(
                right_id=str(right.id), unit_no=unit.unit_no, title_no=right.title_no,
                district_code=unit.district_code, address=unit.address, use=unit.use,
                right_type=right.right_type, building_area=unit.building_area,
                interior_area=unit.interior_area, land_right_type=unit.land_right_type,
                land_use_end=unit.land_use_end, co_ownership=right.co_ownership,
                share_percent=h.share_percent, registered_at=right.registered_at,
                holders=tuple(self._decrypt_holder(x) for x in holders_by_right[right.id]),
                encumbrances=tuple(encumbrance_of(e) for e in enc_by_unit[unit.id]),
            ))
        return result

    async def events_since(self, seq: int, limit: int = 500) -> list[RegisterEventRecord]:
        rows = await RegisterEvent.filter(seq__gt=seq).order_by("seq").limit(limit).select_related(
            "unit")
        return [_event(r) for r in rows]

    async def unit(self, unit_no: str) -> UnitSnapshot | None:
        unit = await RegisterUnit.get_or_none(unit_no=unit_no)
        return None if unit is None else await read_snapshot(None, self._codec, unit,
                                                             datetime.now(UTC))

    async def unit_of_right(self, right_id: str) -> UnitSnapshot | None:
        try:
            key = uuid.UUID(right_id)
        except ValueError:
            return None
        right = await RegisterRight.get_or_none(id=key).select_related("unit")
        return None if right is None else await read_snapshot(None, self._codec, right.unit,
                                                              datetime.now(UTC))

    # -- writing the register ------------------------------------------------
    async def register(self, batch: RegisterBatch, guard: Guard) -> RegisterResult:
        return await self._writer.register(batch, guard)

    # -- recording events --------------------------------------------------
    async def record_event(self, unit_no: str, kind: str, detail: dict) -> RegisterEventRecord:
        """Record MORTGAGE / SEIZURE / PRE_REGISTRATION / OBJECTION (and their
        ``*_RELEASE``) or TRANSFER (detail: ``name``, ``id_number``) on a unit."""
        for _ in range(5):
            try:
                return await self._record_event(unit_no, kind, detail)
            except IntegrityError:
                # A new title or proof number drew a serial already used this
                # year: the unique constraint caught it, draw again.
                continue
        raise RuntimeError("could not allocate a register number")

    async def _record_event(self, unit_no: str, kind: str, detail: dict) -> RegisterEventRecord:
        now = datetime.now(UTC)
        async with transaction() as tx:
            # The same lock as ``register``: a seizure and a transfer on one
            # unit serialise, and the later one sees the earlier one.
            unit = await lock_unit(tx, unit_no)
            if unit is None:
                raise UnknownUnit(unit_no)
            right = await RegisterRight.filter(unit_id=unit.id, current=True).using_db(tx).first()
            concerned = [h.holder_hash for h in await RegisterHolder.filter(
                right_id=right.id).using_db(tx)] if right else []
            public_detail: dict[str, Any] = {}
            if kind in ENCUMBRANCE_KINDS:
                enc = await _add_encumbrance(tx, unit, kind, detail, now)
                public_detail = {"proof_no": enc.proof_no, "party": enc.party}
            elif kind in RELEASE_KINDS:
                released = await RegisterEncumbrance.filter(
                    unit_id=unit.id, kind=RELEASE_KINDS[kind], status="ACTIVE").using_db(tx).update(
                    status="RELEASED")
                public_detail = {"released": released}
            elif kind == "TRANSFER":
                new_right = await self._transfer(tx, unit, right, detail, now)
                concerned.append(self._vault.blind_index(idnumber.normalize(detail["id_number"])))
                public_detail = {"title_no": new_right.title_no}
            else:
                raise ValueError(f"unknown register event kind {kind}")
            event = await RegisterEvent.create(unit_id=unit.id, kind=kind, at=now,
                                               holder_hashes=concerned, detail=public_detail,
                                               using_db=tx)
            await RegisterUnit.filter(id=unit.id).using_db(tx).update(version=event.seq)
        event.unit = unit
        return _event(event)

    async def _transfer(self, tx: Any, unit: RegisterUnit, right: RegisterRight | None,
                        detail: dict, now: datetime) -> RegisterRight:
        if right is not None:
            await RegisterRight.filter(id=right.id).using_db(tx).update(current=False, ended_at=now)
        new_right = await RegisterRight.create(
            id=uuid.uuid4(), unit_id=unit.id, title_no=numbering.title_no(now.year, secrets.randbelow(9_000_000)),
            right_type=right.right_type if right else "国有建设用地使用权/房屋所有权",
            co_ownership="SOLE", acquired_via=detail.get("via", "买卖"), registered_at=now,
            current=True, using_db=tx)
        await self.build_holder(right_id=new_right.id, name=detail["name"],
                                id_number=detail["id_number"], share_percent=None).save(
            using_db=tx, force_create=True)
        return new_right


async def _add_encumbrance(tx: Any, unit: RegisterUnit, kind: str, detail: dict,
                           now: datetime) -> RegisterEncumbrance:
    starts = date.fromisoformat(detail["starts_on"]) if "starts_on" in detail else now.date()
    ends = date.fromisoformat(detail["ends_on"]) if detail.get("ends_on") else None
    return await RegisterEncumbrance.create(
        id=uuid.uuid4(), unit_id=unit.id, kind=kind,
        proof_no=numbering.proof_no(now.year, secrets.randbelow(9_000_000)),
        party=detail.get("party", ""),
        amount=Decimal(str(detail["amount"])) if detail.get("amount") is not None else None,
        document_no=detail.get("document_no"), starts_on=starts, ends_on=ends, status="ACTIVE",
        registered_at=now, using_db=tx)


def _event(r: RegisterEvent) -> RegisterEventRecord:
    return RegisterEventRecord(seq=r.seq, kind=r.kind, unit_no=r.unit.unit_no,
                               address=r.unit.address, at=r.at,
                               holder_hashes=tuple(r.holder_hashes), detail=dict(r.detail))
