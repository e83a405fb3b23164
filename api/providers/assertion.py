"""The mini-program platform's real-person check, as a signed assertion."""

from __future__ import annotations

from typing import Any, Protocol


class PlatformAssertionVerifier(Protocol):
    def verify(self, assertion: str, *, nonce: str) -> dict[str, Any] | None:
        """Claims when the assertion is genuinely the platform's, unexpired and bound
        to ``nonce``; else None. The claims are judged by ``api/services/face_proof``:
        ``iss``, ``sub``, ``iat``, ``liveness`` (0..1) and optionally ``id_hash``."""
        ...
