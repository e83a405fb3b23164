"""What a mock (or a real adapter) needs from the platform to keep personal data.

The in-process mocks store their personal data in their own database, encrypted
the same way as the platform's tables. They receive the vault by constructor
injection, typed by this Protocol, so ``mock_providers`` never imports
``api.infra.crypto`` (``api.infra.crypto.PiiVault`` satisfies it structurally).
"""

from __future__ import annotations

from typing import Protocol


class PersonalDataVault(Protocol):
    def encrypt(self, value: str | bytes, *, table: str, column: str, row: str) -> str:
        """AES-GCM ciphertext bound to (table, column, row)."""
        ...

    def decrypt(self, token: str, *, table: str, column: str, row: str) -> str:
        ...

    def decrypt_bytes(self, token: str, *, table: str, column: str, row: str) -> bytes:
        ...

    def blind_index(self, value: str, *, purpose: str = "id_number",
                    kid: str | None = None) -> str:
        """Keyed HMAC of ``value``: equal values are found without being stored."""
        ...


def canonical_id_number(raw: str) -> str:
    """The form every provider is asked in and answers with: no spaces, upper-case X.
    Validation (GB 11643) is the platform's job before it asks."""
    return raw.strip().replace(" ", "").upper()
