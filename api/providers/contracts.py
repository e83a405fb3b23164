"""What the platform asks 住建's 网签备案 system: the filed sale contract.

A transfer by sale needs a **filed** contract (细则 §38); the application form
is pre-filled from it (parties, unit, price) and rule R12 checks that it
matches the register and the applicants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

FILED, CANCELLED = "FILED", "CANCELLED"


@dataclass(frozen=True)
class ContractParty:
    name: str
    id_number: str
    share_percent: Decimal | None = None  # buyers under IN_SHARES only


@dataclass(frozen=True)
class FiledContract:
    filing_no: str  # 网签备案号
    kind: str  # 存量房买卖合同 | 商品房买卖合同
    status: str  # FILED | CANCELLED
    unit_no: str
    price: Decimal  # 元, the contract price
    signed_on: date
    filed_on: date
    cancelled_on: date | None
    sellers: tuple[ContractParty, ...]
    buyers: tuple[ContractParty, ...]
    buyer_co_ownership: str  # what the buyers agreed: SOLE | JOINT | IN_SHARES
    fetched_at: datetime
    sha256: str  # of every field above (api.providers.answers)


class ContractFilings(Protocol):
    async def filed_contract(self, filing_no: str) -> FiledContract | None:
        """The contract under this filing number (FILED or CANCELLED), else None."""
        ...

    async def contracts_for_unit(self, unit_no: str) -> list[FiledContract]:
        """Every contract filed on the unit, newest first."""
        ...
