"""Anchors of the audit trail outside its own table (RELIABILITY R4 item 23, issue 12 item 5).

Owns: the checkpoint statement (the chain's head seq + hash at a moment, the
previous checkpoint's digest), its signature by the seal key with an RFC 3161
timestamp from the TSA, when a periodic checkpoint is due, the delivery of each
checkpoint's copy to the archive side (outbox, at least once), and what a chain
must satisfy against its checkpoints: a checkpoint's row still exists (else the
tail, or everything, was deleted) and still has the anchored hash (else the
range since the previous checkpoint was rewritten and re-chained).

Appends never wait for this: checkpoints are written periodically (the
background loop, ``run-jobs``) or on demand (``audit-checkpoint``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from api.infra.db import in_transaction
from api.infra.state import AppState
from api.models import AuditCheckpoint, AuditCheckpointOutbox, AuditEvent

log = logging.getLogger("api.audit.anchor")
GENESIS = "0" * 64
STATEMENT_TYPE = "fsreg.audit-checkpoint/v1"
_LEASE = timedelta(minutes=2)
_RETRY_MAX = timedelta(hours=1)


def statement_bytes(head_seq: int, head_hash: str, at: datetime, previous: str) -> bytes:
    body = {"type": STATEMENT_TYPE, "head_seq": head_seq, "head_hash": head_hash,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "previous": previous}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def digest_of(statement: str) -> str:
    return hashlib.sha256(statement.encode()).hexdigest()


def copy_of(row: AuditCheckpoint) -> dict[str, Any]:
    """What the archive keeps: enough to check the statement on its own."""
    return {"id": row.id, "head_seq": row.head_seq, "head_hash": row.head_hash,
            "statement": row.statement, "digest": row.digest, "signature": row.signature}


async def latest() -> AuditCheckpoint | None:
    return await AuditCheckpoint.all().order_by("-id").first()


async def write_checkpoint(state: AppState, at: datetime | None = None
                           ) -> AuditCheckpoint | None:
    """Anchor the current head. None when there is nothing new to anchor, or
    another worker anchored this very moment (the unique ``prev_digest``)."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    tip = await AuditEvent.all().order_by("-seq").first()
    last = await latest()
    if tip is None or (last is not None and last.head_seq == tip.seq
                       and last.head_hash == tip.hash):
        return None
    previous = last.digest if last else GENESIS
    statement = statement_bytes(tip.seq, tip.hash, at, previous)
    seal = state.providers.seal
    signature = await seal.sign_statement(statement)
    verdict = await seal.validate_statement(statement, signature)
    if not verdict.ok:  # never store an anchor a verifier would reject
        raise RuntimeError(f"the seal service made an unusable signature: {verdict.reason_code}")
    row = AuditCheckpoint(head_seq=tip.seq, head_hash=tip.hash, at=at,
                          statement=statement.decode(), digest=hashlib.sha256(statement).hexdigest(),
                          prev_digest=previous, signature=base64.b64encode(signature).decode(),
                          signed_at=verdict.signed_at)
    try:
        async with in_transaction() as tx:
            await row.save(using_db=tx, force_create=True)
            await AuditCheckpointOutbox.create(checkpoint_id=row.id, next_attempt_at=at,
                                               using_db=tx)
    except IntegrityError:
        log.info("audit checkpoint: another writer anchored first")
        return None
    log.info("audit checkpoint %s anchors row %s", row.id, row.head_seq)
    return row


async def checkpoint_due(interval_seconds: float, at: datetime | None = None) -> bool:
    if interval_seconds <= 0:
        return False
    last = await latest()
    at = at or datetime.now(UTC)
    return last is None or last.at <= at - timedelta(seconds=interval_seconds)


async def deliver_due(state: AppState, at: datetime | None = None, batch: int = 50) -> int:
    """Send due checkpoint copies to the archive; returns how many it accepted."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    due = await AuditCheckpointOutbox.filter(delivered_at=None, next_attempt_at__lte=at).order_by(
        "checkpoint_id").limit(batch)
    delivered = 0
    for msg in due:
        claimed = await AuditCheckpointOutbox.filter(
            checkpoint_id=msg.checkpoint_id, delivered_at=None,
            next_attempt_at=msg.next_attempt_at).update(next_attempt_at=at + _LEASE)
        if not claimed:
            continue  # another worker has it
        row = await AuditCheckpoint.get(id=msg.checkpoint_id)
        try:
            await state.providers.archive.deposit(copy_of(row),
                                                  idempotency_key=f"checkpoint:{row.digest}")
        except Exception as exc:  # the archive is down or refused: retry later
            attempts = msg.attempts + 1
            log.warning("audit checkpoint %s delivery attempt %s failed: %r", row.id, attempts,
                        exc)
            delay = min(timedelta(seconds=30 * 2 ** (attempts - 1)), _RETRY_MAX)
            await AuditCheckpointOutbox.filter(checkpoint_id=msg.checkpoint_id).update(
                attempts=attempts, next_attempt_at=at + delay, last_error=repr(exc)[:200])
            continue
        await AuditCheckpointOutbox.filter(checkpoint_id=msg.checkpoint_id).update(
            delivered_at=at, attempts=msg.attempts + 1, last_error=None)
        delivered += 1
    return delivered


async def periodic(state: AppState, interval_seconds: float, at: datetime | None = None
                   ) -> AuditCheckpoint | None:
    """The background job: anchor when due, then deliver what is waiting."""
    row = await write_checkpoint(state, at) if await checkpoint_due(interval_seconds, at) else None
    await deliver_due(state, at)
    return row


@dataclass(frozen=True)
class AnchorProblem:
    kind: str  # CHECKPOINT_BROKEN | CHECKPOINT_INVALID | TAIL_MISSING | ALL_DELETED | RECHAINED | CHECKPOINT_MISSING
    first_bad_seq: int | None
    problem: str


def _when(cp: AuditCheckpoint) -> str:
    return (cp.signed_at or cp.at).astimezone(UTC).isoformat(timespec="seconds")


def check_list(checkpoints: list[AuditCheckpoint]) -> AnchorProblem | None:
    """Each checkpoint's statement is its columns, and names the one before it."""
    previous = GENESIS
    for cp in checkpoints:
        try:
            body = json.loads(cp.statement)
        except ValueError:
            body = {}
        if (digest_of(cp.statement) != cp.digest or cp.prev_digest != previous
                or body.get("previous") != previous or body.get("head_seq") != cp.head_seq
                or body.get("head_hash") != cp.head_hash):
            return AnchorProblem("CHECKPOINT_BROKEN", None,
                                 f"checkpoint {cp.id} does not follow the one before it "
                                 "(a checkpoint was removed, altered or inserted)")
        previous = cp.digest
    return None


async def check_newest_signature(state: AppState, newest: AuditCheckpoint
                                 ) -> AnchorProblem | None:
    """The newest signature covers every earlier checkpoint through ``previous``."""
    try:
        signature = base64.b64decode(newest.signature, validate=True)
    except ValueError:
        signature = b""
    verdict = await state.providers.seal.validate_statement(newest.statement.encode(), signature)
    if verdict.ok:
        return None
    return AnchorProblem("CHECKPOINT_INVALID", None,
                         f"checkpoint {newest.id} is not validly signed and timestamped "
                         f"({verdict.reason_code})")


def check_chain(checkpoints: list[AuditCheckpoint], head_seq: int,
                hash_at: dict[int, str]) -> AnchorProblem | None:
    """The chain still holds every anchored row, with the anchored hash."""
    good_seq = 0
    for cp in checkpoints:
        if cp.head_seq > head_seq:
            newest = checkpoints[-1]
            if head_seq == 0:
                return AnchorProblem("ALL_DELETED", 1,
                                     f"the audit trail is empty but the checkpoint of "
                                     f"{_when(newest)} anchored {newest.head_seq} rows: "
                                     "every row was deleted")
            return AnchorProblem("TAIL_MISSING", head_seq + 1,
                                 f"rows {head_seq + 1}..{newest.head_seq} are missing: deleted "
                                 f"after the checkpoint of {_when(newest)}")
        if hash_at.get(cp.head_seq) != cp.head_hash:
            return AnchorProblem("RECHAINED", good_seq + 1,
                                 f"rows {good_seq + 1}..{cp.head_seq} were rewritten and "
                                 f"re-chained: row {cp.head_seq} no longer has the hash the "
                                 f"checkpoint of {_when(cp)} anchored")
        good_seq = cp.head_seq
    return None


async def check_archive(state: AppState, checkpoints: list[AuditCheckpoint]
                        ) -> AnchorProblem | None:
    """The archive's newest copy must be one of ours: else checkpoints were removed here."""
    copy = await state.providers.archive.latest()
    if copy is None or copy.get("digest") in {cp.digest for cp in checkpoints}:
        return None
    return AnchorProblem("CHECKPOINT_MISSING", None,
                         f"the archive holds a checkpoint of row {copy.get('head_seq')} that the "
                         "database no longer has: checkpoints were deleted")
