"""登簿 in the mock register: ``register(batch, guard)`` in one transaction.

Lock the unit, replay an already applied batch, read a fresh snapshot, ask
the platform's guard, check the batch against the register, apply the
operations (one register event each), bump the unit's version and keep the
batch record whose unique key makes any retry a replay.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from api.providers.register_write import (
    AppliedOperation,
    BatchConflict,
    Guard,
    RegisterBatch,
    RegisterResult,
    RegistrationBlocked,
)
from api.providers.registry import UnknownUnit
from api.providers.vault import PersonalDataVault
from mock_providers import register_ops
from mock_providers.models import RegisterBatchRecord, RegisterEvent, RegisterRight, RegisterUnit
from mock_providers.register_checks import check_against, check_shape
from mock_providers.register_rows import HolderCodec, lock_unit, read_snapshot
from mock_providers.storage import transaction

_ATTEMPTS = 5


def _now() -> datetime:
    return datetime.now(UTC)


class RegisterWriter:
    def __init__(self, vault: PersonalDataVault, clock: Callable[[], datetime] = _now) -> None:
        self._vault = vault
        self._codec = HolderCodec(vault)
        self._clock = clock

    async def register(self, batch: RegisterBatch, guard: Guard) -> RegisterResult:
        check_shape(batch)
        digest = batch.digest()
        for _ in range(_ATTEMPTS):
            try:
                return await self._once(batch, digest, guard)
            except IntegrityError:
                # Either the same case_ref committed on another unit lock (a
                # retry naming another unit) or a new register number was
                # taken: the first is answered from the record, the second
                # drawn again.
                done = await RegisterBatchRecord.get_or_none(case_ref=batch.case_ref)
                if done is not None:
                    return _replay(done, digest)
        raise RuntimeError("could not allocate register numbers for the batch")

    async def _once(self, batch: RegisterBatch, digest: str, guard: Guard) -> RegisterResult:
        async with transaction() as tx:
            unit = await lock_unit(tx, batch.unit_no)
            if unit is None:
                raise UnknownUnit(batch.unit_no)
            done = await RegisterBatchRecord.filter(case_ref=batch.case_ref).using_db(tx).first()
            if done is not None:
                return _replay(done, digest)
            now = self._clock()
            snapshot = await read_snapshot(tx, self._codec, unit, now)
            reasons = list(guard(snapshot))
            if reasons:
                raise RegistrationBlocked(reasons)
            check_against(batch, snapshot)
            right = (await RegisterRight.filter(unit_id=unit.id, current=True).using_db(tx)
                     .first())
            ctx = register_ops.Context(tx=tx, vault=self._vault, codec=self._codec, unit=unit,
                                       right=right, now=now, case_ref=batch.case_ref)
            applied = []
            for op in sorted(batch.operations, key=lambda o: register_ops.PHASE[o.kind]):
                change = await register_ops.apply(ctx, op)
                event = await RegisterEvent.create(
                    unit_id=unit.id, kind=op.kind, at=now,
                    holder_hashes=list(dict.fromkeys(change.holder_hashes)),
                    detail=register_ops.json_safe({**change.detail, "case_ref": batch.case_ref}),
                    using_db=tx)
                applied.append(AppliedOperation(kind=op.kind, event_seq=event.seq,
                                                title_no=change.title_no,
                                                proof_no=change.proof_no))
            version = applied[-1].event_seq
            await RegisterUnit.filter(id=unit.id).using_db(tx).update(version=version)
            result = RegisterResult(
                case_ref=batch.case_ref, unit_no=unit.unit_no, applied_at=now,
                right_id=str(ctx.right.id) if ctx.right else None,
                title_no=ctx.right.title_no if ctx.right else None,
                operations=tuple(applied), version=version)
            await RegisterBatchRecord.create(case_ref=batch.case_ref, unit_id=unit.id,
                                             batch_sha256=digest, applied_at=now,
                                             result=_dump(result), using_db=tx)
        return result


def _dump(r: RegisterResult) -> dict[str, Any]:
    return {"case_ref": r.case_ref, "unit_no": r.unit_no, "applied_at": r.applied_at.isoformat(),
            "right_id": r.right_id, "title_no": r.title_no, "version": r.version,
            "operations": [vars(op) for op in r.operations]}


def _replay(done: RegisterBatchRecord, digest: str) -> RegisterResult:
    if done.batch_sha256 != digest:
        raise BatchConflict("BATCH_CONFLICT", "该办件已登簿，且登簿内容与本次提交不同")
    r = done.result
    return RegisterResult(
        case_ref=r["case_ref"], unit_no=r["unit_no"],
        applied_at=datetime.fromisoformat(r["applied_at"]), right_id=r["right_id"],
        title_no=r["title_no"], version=r["version"],
        operations=tuple(AppliedOperation(**op) for op in r["operations"]), replayed=True)


__all__ = ["RegisterWriter"]
