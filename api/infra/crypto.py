"""Field encryption and blind indexes for personal data (RELIABILITY R4 item 21).

Ciphertext layout: ``v1:<kid>:<base64(nonce || ciphertext+tag)>``. The
associated data binds a value to its table, column and row, so a ciphertext
copied into another row or column fails to decrypt. The key id is stored with
the value so keys can rotate without re-encrypting everything at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.infra.keys import Keyring


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted with the key ring: tampered or moved."""


class PiiVault:
    def __init__(self, keyring: Keyring) -> None:
        self._ring = keyring
        self._aead = {kid: AESGCM(key) for kid, key in keyring.pii_keys.items()}

    @staticmethod
    def _aad(table: str, column: str, row: str) -> bytes:
        return f"{table}\x1f{column}\x1f{row}".encode()

    def encrypt(self, value: str | bytes, *, table: str, column: str, row: str) -> str:
        raw = value.encode() if isinstance(value, str) else value
        kid = self._ring.current_pii_kid()
        nonce = os.urandom(12)
        ct = self._aead[kid].encrypt(nonce, raw, self._aad(table, column, row))
        return f"v1:{kid}:{base64.b64encode(nonce + ct).decode()}"

    def decrypt_bytes(self, token: str, *, table: str, column: str, row: str) -> bytes:
        try:
            version, kid, body = token.split(":", 2)
            blob = base64.b64decode(body)
            aead = self._aead[kid]
        except (ValueError, KeyError):
            raise DecryptionError("unknown key or malformed ciphertext") from None
        if version != "v1":
            raise DecryptionError("unknown ciphertext version")
        try:
            return aead.decrypt(blob[:12], blob[12:], self._aad(table, column, row))
        except InvalidTag:
            raise DecryptionError("ciphertext does not belong to this row") from None

    def decrypt(self, token: str, *, table: str, column: str, row: str) -> str:
        return self.decrypt_bytes(token, table=table, column=column, row=row).decode()

    def blind_index(self, value: str, *, purpose: str = "id_number",
                    kid: str | None = None) -> str:
        """Keyed HMAC so equal values can be looked up without storing them.
        ``kid``: another blind-index key of the ring (the rebuild job's)."""
        key = self._ring.blind_index_keys[kid] if kid else self._ring.blind_index_key
        mac = hmac.new(key, f"{purpose}\x1f{value}".encode(), hashlib.sha256)
        return mac.hexdigest()

    @property
    def current_kid(self) -> str:
        """The PII key new ciphertexts use."""
        return self._ring.current_pii_kid()

    @staticmethod
    def kid_of(token: str) -> str | None:
        """The key id a stored ciphertext names (None if it is not one of ours)."""
        parts = token.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == "v1" else None
