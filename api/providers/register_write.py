"""Writing the register (登簿): one batch of operations on one unit, atomically.

``RegistryProvider.register(batch, guard)`` locks the unit, reads a fresh
``UnitSnapshot``, calls ``guard(snapshot)`` — the platform's rules evaluated
on that fresh data — and applies every operation only when the guard returns
no reasons, all in one transaction. So a seizure or another transfer recorded
after acceptance blocks registration (REGISTRATION.md: rules re-run at 登簿;
RELIABILITY 36). The batch is idempotent by ``case_ref``: a retry returns the
first result and never applies twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from api.providers.answers import canonical_sha256
from api.providers.registry import CoHolder, Encumbrance

SOLE, JOINT, IN_SHARES = "SOLE", "JOINT", "IN_SHARES"
VIA_SALE, VIA_GIFT, VIA_INHERITANCE = "买卖", "赠与", "继承"
OBJECTION_LAPSE_DAYS = 15  # 民法典 §220: lapses unless suit is brought within 15 days
CORRECTABLE_FIELDS = ("address", "use", "building_area", "interior_area", "land_right_type",
                      "land_use_end")


@dataclass(frozen=True)
class RightSnapshot:
    right_id: str
    title_no: str
    right_type: str
    co_ownership: str  # SOLE | JOINT | IN_SHARES
    acquired_via: str
    registered_at: datetime
    holders: tuple[CoHolder, ...]


@dataclass(frozen=True)
class UnitSnapshot:
    """The unit as the register holds it at ``read_at``; ``version`` is the seq
    of the unit's last register event (0: none since the data was loaded)."""

    unit_no: str
    district_code: str
    address: str
    use: str
    building_area: Decimal
    interior_area: Decimal
    land_right_type: str
    land_use_start: date
    land_use_end: date
    right: RightSnapshot | None
    encumbrances: tuple[Encumbrance, ...]  # ACTIVE ones, oldest first
    version: int
    read_at: datetime


# -- operations -----------------------------------------------------------------
@dataclass(frozen=True)
class NewHolder:
    name: str
    id_number: str
    share_percent: Decimal | None = None  # IN_SHARES only
    address: str | None = None


@dataclass(frozen=True)
class Transfer:
    """转移: the current right ends, a new right with these holders begins."""

    kind: ClassVar[str] = "TRANSFER"
    holders: tuple[NewHolder, ...]
    co_ownership: str
    acquired_via: str  # 买卖 | 赠与 | 继承
    contract_filing_no: str | None = None


@dataclass(frozen=True)
class MortgageRelease:
    """抵押权注销 of the mortgage registered under ``proof_no``."""

    kind: ClassVar[str] = "MORTGAGE_RELEASE"
    proof_no: str
    evidence_ref: str | None = None  # e.g. the bank's 结清证明 number


@dataclass(frozen=True)
class MortgageCarryOver:
    """带押过户: the mortgage stays on the new right, with the mortgagee's consent."""

    kind: ClassVar[str] = "MORTGAGE_CARRY_OVER"
    proof_no: str
    consent_ref: str


@dataclass(frozen=True)
class HolderChange:
    """变更: a holder's name, ID number or address; a new title number is issued."""

    kind: ClassVar[str] = "HOLDER_CHANGE"
    id_number: str  # the holder as the register records them now
    new_name: str | None = None
    new_id_number: str | None = None
    new_address: str | None = None
    evidence_ref: str | None = None


@dataclass(frozen=True)
class Correction:
    """更正 of a unit field (one of CORRECTABLE_FIELDS), with the reason."""

    kind: ClassVar[str] = "CORRECTION"
    field: str
    value: str
    reason: str


@dataclass(frozen=True)
class Objection:
    """异议登记 for an interested party; lapses after OBJECTION_LAPSE_DAYS."""

    kind: ClassVar[str] = "OBJECTION"
    party_name: str
    party_id_number: str
    reason: str


@dataclass(frozen=True)
class TitleReplacement:
    """补证/换证: a new title number for the same right, the old number voided."""

    kind: ClassVar[str] = "TITLE_REPLACEMENT"
    reason: str  # LOST | DAMAGED


RegisterOperation = (Transfer | MortgageRelease | MortgageCarryOver | HolderChange | Correction
                     | Objection | TitleReplacement)
OPERATION_KINDS = tuple(op.kind for op in (Transfer, MortgageRelease, MortgageCarryOver,
                                           HolderChange, Correction, Objection, TitleReplacement))


@dataclass(frozen=True)
class RegisterBatch:
    case_ref: str  # the application's number: the idempotency key of the write
    unit_no: str
    operations: tuple[RegisterOperation, ...]

    def digest(self) -> str:
        """SHA-256 of the batch, to tell a retry from another batch under the same ref."""
        return canonical_sha256({"case_ref": self.case_ref, "unit_no": self.unit_no,
                                 "operations": [{"kind": op.kind, **vars(op)}
                                                for op in self.operations]})


@dataclass(frozen=True)
class AppliedOperation:
    kind: str
    event_seq: int
    title_no: str | None = None  # the title number issued, if any
    proof_no: str | None = None  # the proof concerned (mortgage, objection)


@dataclass(frozen=True)
class RegisterResult:
    case_ref: str
    unit_no: str
    applied_at: datetime
    right_id: str | None  # the current right after the batch
    title_no: str | None
    operations: tuple[AppliedOperation, ...]
    version: int  # the unit's version after the batch
    replayed: bool = False  # True: an earlier call applied it, this is its result


Guard = Callable[[UnitSnapshot], list[str]]


class RegistrationBlocked(Exception):
    """The guard refused on fresh register data; nothing was written."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)


class InvalidBatch(ValueError):
    """The batch does not fit the register (unknown proof number, a mortgage left
    unhandled by a transfer, shares not adding up, ...); nothing was written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class BatchConflict(InvalidBatch):
    """The case_ref was already applied with a different batch."""
