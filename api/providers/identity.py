"""What the platform asks the 公安 identity service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    gender: str
    phone: str | None


@dataclass(frozen=True)
class Particulars:
    """Today's registered identity of a person, with what it used to be.

    A register holder recorded under an old name or an old ID number (a
    15-digit number upgraded to 18 digits, or a number changed after a wrong
    birth date) is matched to today's identity through ``former_names`` and
    ``former_id_numbers``; a 变更 (change of particulars) is built from it.
    """

    id_number: str  # the current number
    name: str  # the current name
    hukou_address: str | None  # 户籍地址
    former_names: tuple[str, ...]  # oldest first
    former_id_numbers: tuple[str, ...]  # oldest first; may be 15 digits
    asked_as_former: bool  # the number asked for is a former one
    fetched_at: datetime
    sha256: str


class IdentityProvider(Protocol):
    async def verify(self, name: str, id_number: str) -> Person | None:
        """The person when name and ID number match a real person, else None."""
        ...

    async def reference_photo(self, id_number: str) -> bytes | None:
        """The ID-card photo (JPEG bytes), or None when the registry has none."""
        ...

    async def particulars(self, id_number: str) -> Particulars | None:
        """Today's particulars of the person holding (or once holding) this number,
        15 or 18 digits; None when nobody does."""
        ...
