"""Delivery of ratings and work-order updates to the provincial 好差评 platform.

Owns the transactional outbox: a message is written in the same transaction as
the change it reports (so neither exists without the other), carries an
idempotency key the platform deduplicates on, and is delivered at least once:
a failed attempt is retried with exponential backoff, and a message is only
marked delivered after the platform accepted it. A worker claims a due message
by a conditional UPDATE of its next attempt time, so two workers rarely send
the same one (and if they do, the key makes the second a no-op).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from api.infra.state import AppState
from api.models import RatingOutbox
from api.services.appointments import calendar as cal

log = logging.getLogger("api.ratings.outbox")
_LEASE = timedelta(minutes=2)  # a claimed message is retried if its worker died


async def enqueue(tx: BaseDBAsyncClient, kind: str, key: str, payload: dict[str, Any],
                  at: datetime) -> None:
    await RatingOutbox.create(id=uuid.uuid4(), idempotency_key=key, kind=kind, payload=payload,
                              created_at=at, next_attempt_at=at, using_db=tx)


def backoff(state: AppState, attempts: int) -> timedelta:
    """Delay after the ``attempts``-th failure: base, 2x base, 4x base, ... capped."""
    seconds = state.settings.rating_outbox_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, state.settings.rating_outbox_max_seconds))


async def deliver_due(state: AppState, at: datetime | None = None, batch: int = 200) -> int:
    """Send every due message once; returns how many the platform accepted."""
    at = cal.utc(at)
    due = await RatingOutbox.filter(delivered_at=None, next_attempt_at__lte=at).order_by(
        "next_attempt_at", "created_at").limit(batch)
    delivered = 0
    for msg in due:
        claimed = await RatingOutbox.filter(
            id=msg.id, delivered_at=None, next_attempt_at=msg.next_attempt_at).update(
            next_attempt_at=at + _LEASE)
        if not claimed:
            continue  # another worker has it
        try:
            await state.providers.rating.deliver(msg.kind, msg.payload,
                                                 idempotency_key=msg.idempotency_key)
        except Exception as exc:  # the platform is down or refused: keep it, retry later
            attempts = msg.attempts + 1
            log.warning("rating outbox %s attempt %s failed: %r", msg.idempotency_key,
                        attempts, exc)
            await RatingOutbox.filter(id=msg.id).update(
                attempts=attempts, next_attempt_at=at + backoff(state, attempts),
                last_error=repr(exc)[:200])
            continue
        await RatingOutbox.filter(id=msg.id).update(delivered_at=at, attempts=msg.attempts + 1,
                                                    last_error=None)
        delivered += 1
    return delivered
