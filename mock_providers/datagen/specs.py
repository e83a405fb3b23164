"""Plain rows of the mock register, before encryption: what the generator yields.

They mirror the tables in ``mock_providers.models`` field for field (personal
data in clear), so the seeder only has to encrypt and insert them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from api.providers.contracts import ContractParty

# Every generated id is uuid5(NAMESPACE, "<seed>:<kind>:<n>"): the same seed
# gives the same ids on every machine, so a partly written data set can be
# recognised and resumed.
NAMESPACE = uuid.UUID("5b0c7a4e-3f5d-4c59-9a57-1f0e6f3a2d01")


def make_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


@dataclass(frozen=True)
class PersonSpec:
    """A person of the 公安 registry; ``index`` is their place in the data set."""

    index: int
    id: uuid.UUID
    id_number: str
    name: str
    surname: str
    gender: str  # "M" | "F", agrees with the 17th digit of id_number
    born: date
    region: str  # 6-digit birthplace code of the ID number
    phone: str


@dataclass(frozen=True)
class UnitSpec:
    id: uuid.UUID
    unit_no: str
    district_code: str
    address: str
    use: str  # 住宅 | 商业 | 办公 | 车位
    building_area: Decimal
    interior_area: Decimal
    land_right_type: str
    land_use_start: date
    land_use_end: date
    structure: str
    floor: int  # negative for basement car parks (B1 = -1)
    total_floors: int
    completed_year: int


@dataclass(frozen=True)
class RightSpec:
    id: uuid.UUID
    unit_id: uuid.UUID
    title_no: str
    right_type: str
    co_ownership: str  # SOLE | JOINT | IN_SHARES
    acquired_via: str  # 买卖 | 新建商品房 | 继承 | 赠与
    registered_at: datetime
    current: bool = True
    ended_at: datetime | None = None


@dataclass(frozen=True)
class HolderSpec:
    id: uuid.UUID
    right_id: uuid.UUID
    name: str
    id_number: str
    share_percent: Decimal | None
    # Index of the holder in the person set; None for earlier owners who are
    # not in the identity registry (deceased parents, sellers long gone).
    person_index: int | None = None


@dataclass(frozen=True)
class EncumbranceSpec:
    id: uuid.UUID
    unit_id: uuid.UUID
    kind: str  # MORTGAGE | SEIZURE | PRE_REGISTRATION | OBJECTION
    proof_no: str
    party: str
    amount: Decimal | None
    document_no: str | None
    starts_on: date
    ends_on: date | None
    status: str  # ACTIVE | RELEASED
    registered_at: datetime


@dataclass(frozen=True)
class ContractSpec:
    """A 住建 filed sale contract (网签备案) on a unit, personal data in clear."""

    id: uuid.UUID
    filing_no: str
    unit_no: str
    price: Decimal
    signed_on: date
    filed_on: date
    sellers: tuple[ContractParty, ...]
    buyers: tuple[ContractParty, ...]
    buyer_co_ownership: str  # SOLE | JOINT | IN_SHARES
    kind: str = "存量房买卖合同"
    status: str = "FILED"
    cancelled_on: date | None = None


@dataclass
class Block:
    """The rows of one group of consecutive persons. Rows reference only rows
    of the same block, so a block can be written (or found already written) alone."""

    persons: list[PersonSpec] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    rights: list[RightSpec] = field(default_factory=list)
    holders: list[HolderSpec] = field(default_factory=list)
    encumbrances: list[EncumbranceSpec] = field(default_factory=list)
    # Filed contracts selling some of the block's units to persons of the block
    # (住建's records, not the register's: the register is unchanged by them).
    contracts: list[ContractSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    """Consecutive blocks, written in one transaction by the seeder."""

    blocks: tuple[Block, ...]

    def _flat(self, table: str) -> list[Any]:
        return list(chain.from_iterable(getattr(b, table) for b in self.blocks))

    @property
    def persons(self) -> list[PersonSpec]:
        return self._flat("persons")

    @property
    def units(self) -> list[UnitSpec]:
        return self._flat("units")

    @property
    def rights(self) -> list[RightSpec]:
        return self._flat("rights")

    @property
    def holders(self) -> list[HolderSpec]:
        return self._flat("holders")

    @property
    def encumbrances(self) -> list[EncumbranceSpec]:
        return self._flat("encumbrances")
