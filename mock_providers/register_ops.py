"""Applying one register operation inside ``register``'s transaction.

Each function changes the rows and returns what its register event says: the
event kind is the operation's, ``holder_hashes`` are everyone whose holdings
the change concerns (old and new holders of a transfer, so the sellers' and the
buyers' certificates of holdings are superseded), ``detail`` holds no personal
data (masked names only).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from api.providers.register_write import (
    OBJECTION_LAPSE_DAYS,
    Correction,
    HolderChange,
    MortgageCarryOver,
    MortgageRelease,
    Objection,
    RegisterOperation,
    TitleReplacement,
    Transfer,
)
from api.providers.vault import PersonalDataVault, canonical_id_number
from mock_providers import numbering
from mock_providers.models import (
    RegisterEncumbrance,
    RegisterHolder,
    RegisterObjector,
    RegisterRight,
    RegisterUnit,
    RegisterVoidedTitle,
)
from mock_providers.register_checks import parse_correction
from mock_providers.register_rows import HolderCodec

CHINA = timezone(timedelta(hours=8))
RIGHT_TYPE = "国有建设用地使用权/房屋所有权"
OBJECTOR_TABLE = "mock_reg_objector"
# Applied in this order whatever order the batch lists them: the old mortgage
# goes before the transfer, a carried-over one is re-attached after it.
PHASE = {"MORTGAGE_RELEASE": 0, "TRANSFER": 1, "MORTGAGE_CARRY_OVER": 2, "HOLDER_CHANGE": 3,
         "CORRECTION": 4, "OBJECTION": 5, "TITLE_REPLACEMENT": 6}


@dataclass
class Context:
    tx: BaseDBAsyncClient
    vault: PersonalDataVault
    codec: HolderCodec
    unit: RegisterUnit
    right: RegisterRight | None
    now: datetime
    case_ref: str


@dataclass
class Change:
    detail: dict[str, Any]
    holder_hashes: list[str] = field(default_factory=list)
    title_no: str | None = None
    proof_no: str | None = None


def new_title_no(now: datetime) -> str:
    # Serials from 1,000,000 up: clear of the generated history's low numbers;
    # a collision is caught by the unique constraint and the batch retried.
    return numbering.title_no(now.astimezone(CHINA).year, 1_000_000 + secrets.randbelow(8_000_000))


def new_proof_no(now: datetime) -> str:
    return numbering.proof_no(now.astimezone(CHINA).year, 1_000_000 + secrets.randbelow(8_000_000))


def mask_name(name: str) -> str:
    return "*" if len(name) <= 1 else name[0] + "*" * (len(name) - 1)


async def _holders(ctx: Context) -> list[RegisterHolder]:
    if ctx.right is None:
        return []
    return list(await RegisterHolder.filter(right_id=ctx.right.id).using_db(ctx.tx).order_by("id"))


async def _hashes(ctx: Context) -> list[str]:
    return [h.holder_hash for h in await _holders(ctx)]


async def _void_title(ctx: Context, reason: str) -> tuple[str, str]:
    assert ctx.right is not None
    old, new = ctx.right.title_no, new_title_no(ctx.now)
    await RegisterVoidedTitle.create(title_no=old, right_id=ctx.right.id, reason=reason,
                                     replaced_by=new, case_ref=ctx.case_ref, voided_at=ctx.now,
                                     using_db=ctx.tx)
    await RegisterRight.filter(id=ctx.right.id).using_db(ctx.tx).update(title_no=new)
    ctx.right.title_no = new
    return old, new


async def transfer(ctx: Context, op: Transfer) -> Change:
    old = ctx.right
    concerned = await _hashes(ctx)
    if old is not None:
        await RegisterRight.filter(id=old.id).using_db(ctx.tx).update(current=False,
                                                                       ended_at=ctx.now)
    right = await RegisterRight.create(
        id=uuid.uuid4(), unit_id=ctx.unit.id, title_no=new_title_no(ctx.now),
        right_type=old.right_type if old else RIGHT_TYPE, co_ownership=op.co_ownership,
        acquired_via=op.acquired_via, registered_at=ctx.now, current=True, using_db=ctx.tx)
    rows = [ctx.codec.build(right.id, h) for h in op.holders]
    for row in rows:
        await row.save(using_db=ctx.tx, force_create=True)
    ctx.right = right
    return Change(detail={"title_no": right.title_no,
                          "previous_title_no": old.title_no if old else None,
                          "via": op.acquired_via, "co_ownership": op.co_ownership,
                          "contract_filing_no": op.contract_filing_no},
                  holder_hashes=concerned + [r.holder_hash for r in rows],
                  title_no=right.title_no)


async def _mortgage(ctx: Context, proof_no: str) -> RegisterEncumbrance:
    row = await RegisterEncumbrance.filter(unit_id=ctx.unit.id, proof_no=proof_no,
                                           kind="MORTGAGE", status="ACTIVE").using_db(ctx.tx).first()
    assert row is not None  # check_against found it under the same lock
    return row


async def mortgage_release(ctx: Context, op: MortgageRelease) -> Change:
    row = await _mortgage(ctx, op.proof_no)
    await RegisterEncumbrance.filter(id=row.id).using_db(ctx.tx).update(status="RELEASED")
    return Change(detail={"proof_no": op.proof_no, "party": row.party,
                          "evidence_ref": op.evidence_ref},
                  holder_hashes=await _hashes(ctx), proof_no=op.proof_no)


async def mortgage_carry_over(ctx: Context, op: MortgageCarryOver) -> Change:
    row = await _mortgage(ctx, op.proof_no)
    await RegisterEncumbrance.filter(id=row.id).using_db(ctx.tx).update(consent_ref=op.consent_ref)
    assert ctx.right is not None
    return Change(detail={"proof_no": op.proof_no, "party": row.party,
                          "consent_ref": op.consent_ref, "title_no": ctx.right.title_no},
                  holder_hashes=await _hashes(ctx), proof_no=op.proof_no)


async def holder_change(ctx: Context, op: HolderChange) -> Change:
    digest = ctx.codec.index(op.id_number)
    holder = next(h for h in await _holders(ctx) if h.holder_hash == digest)
    values: dict[str, Any] = {}
    if op.new_name:
        values["name_enc"] = ctx.codec.enc(holder.id, "name", op.new_name.strip())
    if op.new_id_number:
        number = canonical_id_number(op.new_id_number)
        values.update(id_number_enc=ctx.codec.enc(holder.id, "id_number", number),
                      holder_hash=ctx.codec.index(number))
    if op.new_address:
        values["address_enc"] = ctx.codec.enc(holder.id, "address", op.new_address.strip())
    await RegisterHolder.filter(id=holder.id).using_db(ctx.tx).update(**values)
    voided, title = await _void_title(ctx, "HOLDER_CHANGE")
    changed = [k for k, v in (("name", op.new_name), ("id_number", op.new_id_number),
                              ("address", op.new_address)) if v]
    return Change(detail={"title_no": title, "voided_title_no": voided, "changed": changed,
                          "evidence_ref": op.evidence_ref},
                  holder_hashes=[digest, *await _hashes(ctx)], title_no=title)


async def correction(ctx: Context, op: Correction) -> Change:
    value = parse_correction(op)
    old = getattr(ctx.unit, op.field)
    await RegisterUnit.filter(id=ctx.unit.id).using_db(ctx.tx).update(**{op.field: value})
    setattr(ctx.unit, op.field, value)
    return Change(detail={"field": op.field, "old": str(old), "new": str(value),
                          "reason": op.reason},
                  holder_hashes=await _hashes(ctx))


async def objection(ctx: Context, op: Objection) -> Change:
    starts = ctx.now.astimezone(CHINA).date()
    lapses = starts + timedelta(days=OBJECTION_LAPSE_DAYS)
    enc = await RegisterEncumbrance.create(
        id=uuid.uuid4(), unit_id=ctx.unit.id, kind="OBJECTION", proof_no=new_proof_no(ctx.now),
        party=mask_name(op.party_name.strip()), amount=None, document_no=None, starts_on=starts,
        ends_on=lapses, status="ACTIVE", registered_at=ctx.now, using_db=ctx.tx)
    rid, number = uuid.uuid4(), canonical_id_number(op.party_id_number)

    def sealed(column: str, value: str) -> str:
        return ctx.vault.encrypt(value, table=OBJECTOR_TABLE, column=column, row=str(rid))

    await RegisterObjector.create(id=rid, encumbrance_id=enc.id,
                                  party_hash=ctx.vault.blind_index(number),
                                  id_number_enc=sealed("id_number", number),
                                  name_enc=sealed("name", op.party_name.strip()),
                                  reason=op.reason, using_db=ctx.tx)
    return Change(detail={"proof_no": enc.proof_no, "party": enc.party,
                          "lapses_on": lapses.isoformat()},
                  holder_hashes=await _hashes(ctx), proof_no=enc.proof_no)


async def title_replacement(ctx: Context, op: TitleReplacement) -> Change:
    voided, title = await _void_title(ctx, op.reason)
    return Change(detail={"title_no": title, "voided_title_no": voided, "reason": op.reason},
                  holder_hashes=await _hashes(ctx), title_no=title)


async def apply(ctx: Context, op: RegisterOperation) -> Change:
    if isinstance(op, Transfer):
        return await transfer(ctx, op)
    if isinstance(op, MortgageRelease):
        return await mortgage_release(ctx, op)
    if isinstance(op, MortgageCarryOver):
        return await mortgage_carry_over(ctx, op)
    if isinstance(op, HolderChange):
        return await holder_change(ctx, op)
    if isinstance(op, Correction):
        return await correction(ctx, op)
    if isinstance(op, Objection):
        return await objection(ctx, op)
    return await title_replacement(ctx, op)


def json_safe(detail: dict[str, Any]) -> dict[str, Any]:
    """Event details go into a JSON column: decimals and dates as text."""
    result: dict[str, Any] = json.loads(json.dumps(detail, default=str))
    return result
