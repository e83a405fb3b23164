"""``python -m api verify-audit`` and ``python -m api audit-checkpoint``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from api.infra.settings import Settings


@contextlib.asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Any]:
    """The database and the state (with the configured seal and archive), for one command."""
    from api.cli.main import database
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
        print(f"audit trail broken{where} [{result.kind}]: {result.problem}")  # noqa: T201
        return 1
    if result.anchored_seq is None:
        print(f"audit trail intact: {result.checked} events; no checkpoint yet "  # noqa: T201
              "(run audit-checkpoint)")
    else:
        print(f"audit trail intact: {result.checked} events, anchored up to row "  # noqa: T201
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
        print(f"checkpoint {row.id}: row {row.head_seq} anchored, "  # noqa: T201
              f"timestamped {row.signed_at:%Y-%m-%d %H:%M:%S} UTC; {sent} sent to the archive")
    elif newest is not None:
        print(f"nothing new: checkpoint {newest.id} already anchors row "  # noqa: T201
              f"{newest.head_seq}; {sent} sent to the archive")
    else:
        print("nothing to anchor: the audit trail is empty")  # noqa: T201
    return 0


def add_commands(sub: Any) -> None:
    sub.add_parser("verify-audit", help="verify the audit trail against its checkpoints"
                   ).set_defaults(func=cmd_verify_audit)
    sub.add_parser("audit-checkpoint", help="anchor the audit trail's head now (signed, "
                   "timestamped, copied to the archive)").set_defaults(func=cmd_audit_checkpoint)
