"""数字留痕: the append-only, hash-chained audit trail (RELIABILITY R4 item 23).

Owns: how an audited action is recorded (inside the caller's transaction, so
an action and its trace commit together), how the chain is hashed, and how it
is verified. Details must never carry plaintext personal data: callers pass
masked values or blind indexes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError

from api.infra.db import in_transaction
from api.infra.logging import current_request_id
from api.infra.state import AppState
from api.models import AuditCheckpoint, AuditEvent
from api.services import audit_anchor

log = logging.getLogger("api.audit")
GENESIS = "0" * 64
_MAX_RETRIES = 50
# Serialises writers on PostgreSQL so concurrent actions queue instead of
# retrying on the unique constraints (which still guard correctness).
_PG_LOCK_KEY = 0x6A75_6469_74  # "audit"


def _canonical(seq: int, at: datetime, actor: str, action: str, subject: str,
               request_id: str, detail: dict[str, Any], prev_hash: str) -> bytes:
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject": subject,
        "request_id": request_id,
        "detail": detail,
        "prev": prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(row: AuditEvent) -> str:
    data = _canonical(row.seq, row.at, row.actor, row.action, row.subject, row.request_id,
                      row.detail, row.prev_hash)
    return hashlib.sha256(data).hexdigest()


def _is_postgres(conn: BaseDBAsyncClient) -> bool:
    return "postgres" in type(conn).__module__ or "asyncpg" in type(conn).__module__


async def _append(conn: BaseDBAsyncClient, actor: str, action: str, subject: str,
                  request_id: str, detail: dict[str, Any]) -> AuditEvent:
    if _is_postgres(conn):
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_PG_LOCK_KEY])
    tip = await AuditEvent.all().using_db(conn).order_by("-seq").first()
    seq, prev = (tip.seq + 1, tip.hash) if tip else (1, GENESIS)
    row = AuditEvent(seq=seq, at=datetime.now(UTC), actor=actor, action=action,
                     subject=subject, request_id=request_id, detail=detail, prev_hash=prev)
    row.hash = chain_hash(row)
    await row.save(using_db=conn, force_create=True)
    return row


async def record(action: str, *, actor: str, subject: str = "",
                 detail: dict[str, Any] | None = None,
                 conn: BaseDBAsyncClient | None = None) -> AuditEvent:
    """Append one event. With ``conn`` it joins the caller's transaction; the
    request id is the one being served (``current_request_id``)."""
    detail = detail or {}
    request_id = current_request_id()
    if conn is not None:
        return await _append(conn, actor, action, subject, request_id, detail)
    for attempt in range(_MAX_RETRIES):
        try:
            async with in_transaction() as tx:
                return await _append(tx, actor, action, subject, request_id, detail)
        except (IntegrityError, TransactionManagementError, OperationalError) as exc:
            log.debug("audit append retry %s: %r", attempt, exc)
            # Another writer took this seq first (SQLite has no advisory lock);
            # re-read the tip and try again.
            await asyncio.sleep(0.001 * (attempt + 1))
    raise RuntimeError("audit trail is too contended")


@dataclass(frozen=True)
class VerifyResult:
    """``kind`` names the problem: MISSING, UNLINKED, MODIFIED (inside the chain),
    or, against the checkpoints, TAIL_MISSING, ALL_DELETED, RECHAINED,
    CHECKPOINT_BROKEN, CHECKPOINT_INVALID, CHECKPOINT_MISSING. ``anchored_seq``:
    the newest checkpoint's row (rows after it are not anchored yet)."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    kind: str | None = None
    anchored_seq: int | None = None


async def iter_events(batch: int = 2000) -> AsyncIterator[AuditEvent]:
    last = 0
    while True:
        rows = await AuditEvent.filter(seq__gt=last).order_by("seq").limit(batch)
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].seq


async def _walk(anchored: set[int]) -> tuple[VerifyResult | None, int, int, dict[int, str]]:
    """The chain walk: the first broken row (or None), rows checked, the head seq,
    and the hashes at the anchored seqs."""
    expected_seq, prev, checked = 1, GENESIS, 0
    hash_at: dict[int, str] = {}
    async for row in iter_events():
        if row.seq != expected_seq:
            return (VerifyResult(False, checked, expected_seq,
                                 f"row {expected_seq} is missing (next is {row.seq})", "MISSING"),
                    checked, row.seq, hash_at)
        if row.prev_hash != prev:
            return (VerifyResult(False, checked, row.seq,
                                 f"row {row.seq} does not follow row {row.seq - 1}", "UNLINKED"),
                    checked, row.seq, hash_at)
        if chain_hash(row) != row.hash:
            return (VerifyResult(False, checked, row.seq, f"row {row.seq} was modified",
                                 "MODIFIED"), checked, row.seq, hash_at)
        if row.seq in anchored:
            hash_at[row.seq] = row.hash
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    return None, checked, expected_seq - 1, hash_at


async def verify(state: AppState | None = None) -> VerifyResult:
    """Walk the chain and name the first row that was modified, removed or
    inserted; then hold it against the checkpoints (with ``state``: the
    signature of the newest checked by the seal provider, the newest copy
    compared with the archive's, each when the state has one)."""
    checkpoints = await AuditCheckpoint.all().order_by("id")
    broken, checked, head_seq, hash_at = await _walk({cp.head_seq for cp in checkpoints})
    if broken is not None:
        return broken
    anchored = checkpoints[-1].head_seq if checkpoints else None
    problem = audit_anchor.check_list(checkpoints)
    if problem is None and checkpoints and state is not None and state.providers.seal is not None:
        problem = await audit_anchor.check_newest_signature(state, checkpoints[-1])
    if problem is None:
        problem = audit_anchor.check_chain(checkpoints, head_seq, hash_at)
    if problem is None and state is not None and state.providers.archive is not None:
        problem = await audit_anchor.check_archive(state, checkpoints)
    if problem is not None:
        return VerifyResult(False, checked, problem.first_bad_seq, problem.problem, problem.kind,
                            anchored)
    return VerifyResult(True, checked, anchored_seq=anchored)
