"""What the platform asks the 不动产登记簿 (property register)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class CoHolder:
    name: str
    id_number: str
    share_percent: Decimal | None


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
