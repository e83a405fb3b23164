"""``python -m api verify-audit`` and ``python -m api audit-checkpoint``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from api.cli.common import Commands, database, out
from api.infra.settings import Settings


@contextlib.asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Any]:
    """The database and the state (with the configured seal and archive), for one command."""
    from api.infra.state import open_state

    async with database(settings), open_state(settings) as state:
        yield state


def cmd_verify_audit(_: argparse.Namespace, settings: Settings) -> int:
    from api.services import audit

    async def go() -> audit.VerifyResult:
        async with opened(settings) as state:
            return await audit.verify(state)

    result = asyncio.run(go())
    if not result.ok:
        where = f" at row {result.first_bad_seq}" if result.first_bad_seq else ""
        out(f"audit trail broken{where} [{result.kind}]: {result.problem}")
        return 1
    if result.anchored_seq is None:
        out(f"audit trail intact: {result.checked} events; no checkpoint yet "
            "(run audit-checkpoint)")
    else:
        out(f"audit trail intact: {result.checked} events, anchored up to row "
            f"{result.anchored_seq} by a signed, timestamped checkpoint")
    return 0


def cmd_audit_checkpoint(_: argparse.Namespace, settings: Settings) -> int:
    from api.services import audit_anchor

    async def go() -> tuple[Any, Any, int]:
        async with opened(settings) as state:
            row = await audit_anchor.write_checkpoint(state)
            sent = await audit_anchor.deliver_due(state)
            return row, await audit_anchor.latest(), sent

    row, newest, sent = asyncio.run(go())
    if row is not None:
        out(f"checkpoint {row.id}: row {row.head_seq} anchored, "
            f"timestamped {row.signed_at:%Y-%m-%d %H:%M:%S} UTC; {sent} sent to the archive")
    elif newest is not None:
        out(f"nothing new: checkpoint {newest.id} already anchors row "
            f"{newest.head_seq}; {sent} sent to the archive")
    else:
        out("nothing to anchor: the audit trail is empty")
    return 0


def add_commands(c: Commands) -> None:
    group = "operations"
    c.add(group, "verify-audit", cmd_verify_audit,
          help="verify the audit trail against its checkpoints",
          description="Check the hash chain of the audit trail (数字留痕) row by row and "
          "against the signed, timestamped checkpoints: exit 1 with the first broken row "
          "(a modified, deleted or re-chained range).", example="verify-audit")
    c.add(group, "audit-checkpoint", cmd_audit_checkpoint,
          help="anchor the audit trail's head now (signed, timestamped, copied to the archive)",
          description="Write a checkpoint of the chain's head now (the background job does "
          "it every FSREG_AUDIT_CHECKPOINT_SECONDS) and deliver waiting copies to the "
          "archive.", example="audit-checkpoint")
