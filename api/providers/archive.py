"""The provincial / archive side that keeps a copy of every audit checkpoint.

A copy outside our database is what makes a wiped checkpoint table visible:
``verify-audit`` compares the newest deposited checkpoint with ours. The real
counterpart is the province's e-archive (or a WORM store); delivery goes
through ``audit_checkpoint_outbox`` (at least once, deduplicated on the key).
"""

from __future__ import annotations

from typing import Any, Protocol


class AuditArchive(Protocol):
    async def deposit(self, checkpoint: dict[str, Any], *, idempotency_key: str) -> str:
        """Keep a copy of one checkpoint (statement, signature, digest); same key,
        same copy. Returns the archive's receipt id."""
        ...

    async def latest(self) -> dict[str, Any] | None:
        """The newest checkpoint deposited so far (by ``head_seq``), or None."""
        ...
