"""What the platform asks the 公安 identity service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    gender: str
    phone: str | None


class IdentityProvider(Protocol):
    async def verify(self, name: str, id_number: str) -> Person | None:
        """The person when name and ID number match a real person, else None."""
        ...

    async def reference_photo(self, id_number: str) -> bytes | None:
        """The ID-card photo (JPEG bytes), or None when the registry has none."""
        ...
