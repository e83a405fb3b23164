"""The periodic jobs' bodies: each calls the service that owns the rule, as it is.

Signature ``async (state, now) -> int`` (how much was done), so the background
loop, ``run-jobs`` and a queue task call them the same way.
"""

from __future__ import annotations

from datetime import datetime

from api.infra.state import AppState
from api.services import audit_anchor
from api.services.appointments import booking, holidays
from api.services.appointments import calendar as cal
from api.services.privacy import notifications
from api.services.ratings import outbox, rating, workorders


async def calendar_notice(state: AppState, now: datetime) -> int:
    await holidays.warn_if_ending(cal.local_day(now), state.settings.calendar_warn_days)
    return await workorders.recompute_provisional(state)


async def register_events(state: AppState, now: datetime) -> int:
    read = 0
    while n := await notifications.sync_register_events(state):
        read += n
    return read


async def no_shows(state: AppState, now: datetime) -> int:
    return await booking.sweep_no_shows(state, now)


async def reminders(state: AppState, now: datetime) -> int:
    return await booking.send_reminders(state, now)


async def default_ratings(state: AppState, now: datetime) -> int:
    return await rating.apply_default_ratings(state, now)


async def rating_outbox(state: AppState, now: datetime) -> int:
    return await outbox.deliver_due(state, now)


async def audit_checkpoint(state: AppState, now: datetime) -> int:
    return int(await audit_anchor.write_checkpoint(state, now) is not None)


async def audit_archive(state: AppState, now: datetime) -> int:
    return await audit_anchor.deliver_due(state, now)
