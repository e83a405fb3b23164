"""What the platform asks 民政 (civil affairs): marriage and death records.

Marriage decides whether a home bought during a marriage is joint property and
who must consent; a death record starts an inheritance (细则 §14, rule R18).
Every answer, a negative one too, carries ``fetched_at`` and ``sha256`` so the
decision record can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

MARRIED, DIVORCED, WIDOWED, UNMARRIED = "MARRIED", "DIVORCED", "WIDOWED", "UNMARRIED"


@dataclass(frozen=True)
class MarriageRecord:
    id_number: str
    status: str  # MARRIED | DIVORCED | WIDOWED | UNMARRIED (no marriage registered)
    spouse_name: str | None  # the current spouse, or the last one when it ended
    spouse_id_number: str | None
    married_on: date | None
    ended_on: date | None  # divorce, or the spouse's death
    fetched_at: datetime
    sha256: str


@dataclass(frozen=True)
class DeathRecord:
    id_number: str
    deceased: bool
    name: str | None
    died_on: date | None
    certificate_no: str | None  # 死亡证明 number
    fetched_at: datetime
    sha256: str


class CivilAffairsProvider(Protocol):
    async def marriage_record(self, id_number: str) -> MarriageRecord:
        """The person's marriage status from the latest registered marriage."""
        ...

    async def death_record(self, id_number: str) -> DeathRecord:
        """Whether a death is registered for the person (``deceased=False`` if not)."""
        ...
