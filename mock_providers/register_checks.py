"""Whether a batch fits the register: the register's own consistency, not the
platform's rules (those come in as the guard). A batch that fails here raises
InvalidBatch before anything is written."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation

from api.providers.register_write import (
    CORRECTABLE_FIELDS,
    IN_SHARES,
    JOINT,
    SOLE,
    VIA_GIFT,
    VIA_INHERITANCE,
    VIA_SALE,
    Correction,
    HolderChange,
    InvalidBatch,
    MortgageCarryOver,
    MortgageRelease,
    RegisterBatch,
    TitleReplacement,
    Transfer,
    UnitSnapshot,
)
from api.providers.vault import canonical_id_number

USES = ("住宅", "商业", "办公", "车位")


def check_shape(batch: RegisterBatch) -> None:
    """What can be told without reading the register."""
    if not batch.case_ref or len(batch.case_ref) > 80:
        raise InvalidBatch("BAD_CASE_REF", "办件编号为空或过长")
    if not batch.operations:
        raise InvalidBatch("EMPTY_BATCH", "登簿批次中没有任何登记事项")
    kinds = Counter(op.kind for op in batch.operations)
    if kinds["TRANSFER"] > 1 or kinds["TITLE_REPLACEMENT"] > 1:
        raise InvalidBatch("CONFLICTING_OPERATIONS", "同一批次只能有一项转移登记或一项补换证")
    if kinds["TRANSFER"] and (kinds["HOLDER_CHANGE"] or kinds["TITLE_REPLACEMENT"]):
        raise InvalidBatch("CONFLICTING_OPERATIONS", "转移登记不能与变更登记或补换证同批办理")
    if kinds["MORTGAGE_CARRY_OVER"] and not kinds["TRANSFER"]:
        raise InvalidBatch("CARRY_OVER_WITHOUT_TRANSFER", "带押过户须与转移登记同批办理")
    proofs = [op.proof_no for op in batch.operations
              if isinstance(op, MortgageRelease | MortgageCarryOver)]
    if len(proofs) != len(set(proofs)):
        raise InvalidBatch("CONFLICTING_OPERATIONS", "同一抵押权在批次中出现了两次")
    for op in batch.operations:
        if isinstance(op, Transfer):
            _check_transfer(op)
        elif isinstance(op, MortgageCarryOver) and not op.consent_ref.strip():
            raise InvalidBatch("CONSENT_MISSING", "带押过户须记载抵押权人同意的凭证编号")
        elif isinstance(op, HolderChange) and not (op.new_name or op.new_id_number
                                                     or op.new_address):
            raise InvalidBatch("NOTHING_TO_CHANGE", "变更登记没有任何变更内容")
        elif isinstance(op, Correction):
            parse_correction(op)
        elif isinstance(op, TitleReplacement) and op.reason not in ("LOST", "DAMAGED"):
            raise InvalidBatch("BAD_REASON", "补换证原因只能是遗失（LOST）或损坏（DAMAGED）")


def _check_transfer(op: Transfer) -> None:
    if op.acquired_via not in (VIA_SALE, VIA_GIFT, VIA_INHERITANCE):
        raise InvalidBatch("BAD_TRANSFER", "转移原因只能是买卖、赠与或继承")
    holders, co = op.holders, op.co_ownership
    numbers = {canonical_id_number(h.id_number) for h in holders}
    if not holders or len(numbers) != len(holders) or any(not h.name.strip() for h in holders):
        raise InvalidBatch("BAD_HOLDERS", "新权利人为空、重复或缺少姓名")
    shares = [h.share_percent for h in holders]
    if co == SOLE:
        ok = len(holders) == 1 and shares == [None]
    elif co == JOINT:
        ok = len(holders) >= 2 and all(s is None for s in shares)
    elif co == IN_SHARES:
        ok = len(holders) >= 2 and all(s is not None and s > 0 for s in shares) and \
            sum(s for s in shares if s is not None) == Decimal(100)
    else:
        ok = False
    if not ok:
        raise InvalidBatch("BAD_HOLDERS", "共有方式与新权利人（人数、份额）不一致，按份共有份额之和须为100%")


def parse_correction(op: Correction) -> object:
    """The corrected value in the column's type."""
    if op.field not in CORRECTABLE_FIELDS or not op.reason.strip():
        raise InvalidBatch("BAD_CORRECTION", "该登记事项不能更正，或未写明更正理由")
    try:
        if op.field in ("building_area", "interior_area"):
            value = Decimal(op.value).quantize(Decimal("0.01"))
            if value <= 0:
                raise ValueError(op.value)
            return value
        if op.field == "land_use_end":
            return date.fromisoformat(op.value)
    except (ValueError, InvalidOperation):
        raise InvalidBatch("BAD_CORRECTION", "更正后的值格式不正确") from None
    if not op.value.strip() or (op.field == "use" and op.value not in USES):
        raise InvalidBatch("BAD_CORRECTION", "更正后的值格式不正确")
    return op.value.strip()


def check_against(batch: RegisterBatch, snap: UnitSnapshot) -> None:
    """What needs the fresh snapshot: the proofs and holders the batch names."""
    mortgages = {e.proof_no for e in snap.encumbrances if e.kind == "MORTGAGE"}
    named: set[str] = set()
    for op in batch.operations:
        if isinstance(op, MortgageRelease | MortgageCarryOver):
            if op.proof_no not in mortgages:
                raise InvalidBatch("MORTGAGE_NOT_FOUND", "批次所列抵押权不存在或已注销")
            named.add(op.proof_no)
        if op.kind != "OBJECTION" and snap.right is None:
            raise InvalidBatch("NO_CURRENT_RIGHT", "该不动产单元没有现行的所有权登记")
        if isinstance(op, HolderChange) and snap.right is not None and \
                canonical_id_number(op.id_number) not in {h.id_number for h in snap.right.holders}:
            raise InvalidBatch("HOLDER_NOT_FOUND", "变更对象不是该不动产的现权利人")
    if any(isinstance(op, Transfer) for op in batch.operations) and mortgages - named:
        # 民法典 §406: the mortgage follows the unit; the batch must say whether
        # it is cancelled or carried over (with the mortgagee's consent).
        raise InvalidBatch("MORTGAGE_UNHANDLED", "转移登记须同时注销抵押权或记载带押过户")
