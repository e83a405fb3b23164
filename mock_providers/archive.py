"""Mock of the archive side that keeps a copy of every audit checkpoint
(``mock_archive_deposit``). Idempotent on the key, as the real archive promises.
Set ``fail_next`` to simulate the archive being down."""

from __future__ import annotations

import contextlib
from typing import Any

from tortoise.exceptions import IntegrityError

from mock_providers.models import ArchiveDeposit


class MockAuditArchive:
    def __init__(self) -> None:
        self.fail_next = 0

    async def deposit(self, checkpoint: dict[str, Any], *, idempotency_key: str) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("archive unavailable")
        key = idempotency_key
        if await ArchiveDeposit.exists(key=key):
            return key
        with contextlib.suppress(IntegrityError):  # a concurrent retry delivered it first
            await ArchiveDeposit.create(key=key, head_seq=int(checkpoint["head_seq"]),
                                        body=checkpoint)
        return key

    async def latest(self) -> dict[str, Any] | None:
        row = await ArchiveDeposit.all().order_by("-head_seq", "-received_at").first()
        return dict(row.body) if row else None
