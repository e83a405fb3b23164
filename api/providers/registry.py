"""What the platform asks the 不动产登记簿 (property register)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from api.providers.register_write import Guard, RegisterBatch, RegisterResult, UnitSnapshot


@dataclass(frozen=True)
class CoHolder:
    name: str
    id_number: str
    share_percent: Decimal | None
    address: str | None = None  # the holder's address as registered, when recorded


@dataclass(frozen=True)
class Encumbrance:
    kind: str  # MORTGAGE | SEIZURE | PRE_REGISTRATION | OBJECTION
    proof_no: str
    party: str
    amount: Decimal | None
    document_no: str | None
    starts_on: date
    ends_on: date | None
    status: str
    registered_at: datetime
    # A recorded agreement that the mortgaged unit may not be transferred
    # (民法典 §406; rule R10 needs the mortgagee's consent then).
    transfer_restricted: bool = False
    consent_ref: str | None = None  # the mortgagee's consent to a 带押过户, once recorded


class UnknownUnit(LookupError):
    """No unit with this number in the register."""


@dataclass(frozen=True)
class Holding:
    right_id: str
    unit_no: str
    title_no: str
    district_code: str
    address: str
    use: str
    right_type: str
    building_area: Decimal
    interior_area: Decimal
    land_right_type: str
    land_use_end: date
    co_ownership: str
    share_percent: Decimal | None
    registered_at: datetime
    holders: tuple[CoHolder, ...]
    encumbrances: tuple[Encumbrance, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RegisterEventRecord:
    seq: int
    kind: str
    unit_no: str
    address: str
    at: datetime
    holder_hashes: tuple[str, ...]
    detail: dict


class RegistryProvider(Protocol):
    async def holdings(self, id_number: str) -> list[Holding]:
        """Current rights held (alone or with others) by this person, with encumbrances."""
        ...

    async def record_event(self, unit_no: str, kind: str, detail: dict) -> RegisterEventRecord:
        """Register something new on a unit (mortgage, seizure, transfer, ...)."""
        ...

    async def events_since(self, seq: int, limit: int = 500) -> list[RegisterEventRecord]:
        ...

    async def unit(self, unit_no: str) -> UnitSnapshot | None:
        """The unit now: current right and holders, active encumbrances, version."""
        ...

    async def unit_of_right(self, right_id: str) -> UnitSnapshot | None:
        """The unit a right (a property id of ``holdings``, current or ended) is on."""
        ...

    async def register(self, batch: RegisterBatch, guard: Guard) -> RegisterResult:
        """登簿: in one transaction lock the unit, read a fresh snapshot, call
        ``guard``; non-empty reasons raise RegistrationBlocked and write nothing,
        else apply every operation and append a register event for each. Raises
        UnknownUnit, InvalidBatch, BatchConflict. Idempotent by ``batch.case_ref``."""
        ...
