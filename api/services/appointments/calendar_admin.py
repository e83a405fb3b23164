"""Operator changes to the national calendar (``python -m api calendar``).

Owns: marking a day a public holiday or a make-up working day for every hall
(hall ``*`` rows, which win over the holidays library), removing such a mark,
confirming a year as fully loaded from the State Council's notice (which
extends the calendar's coverage), the listing of a year by source, and that
each change is audited and recounts the provisional work-order deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from api.errors import InvalidArgument
from api.infra.db import in_transaction
from api.infra.state import AppState
from api.models import CalendarDay, CalendarYear
from api.services import audit
from api.services.appointments import holidays as holiday_calendar
from api.services.appointments.holidays import ALL_HALLS
from api.services.ratings.workorders import recompute_provisional

KINDS = ("HOLIDAY", "WORKDAY")
MAX_REASON = 40


def _reason(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_REASON:
        raise InvalidArgument(f"请填写 1 到 {MAX_REASON} 字的原因", field="reason")
    return text


async def set_day(state: AppState, day: date, kind: str, reason: str, *, actor: str,
                  at: datetime | None = None) -> int:
    """Mark ``day`` for every hall; returns how many provisional deadlines moved."""
    if kind not in KINDS:
        raise InvalidArgument("类型应为 HOLIDAY 或 WORKDAY", field="kind")
    reason, at = _reason(reason), (at or datetime.now(UTC))
    async with in_transaction() as tx:
        updated = await CalendarDay.filter(hall_id=ALL_HALLS, day=day).using_db(tx).update(
            kind=kind, name=reason, set_by=actor[:80], set_at=at)
        if not updated:
            await CalendarDay.create(hall_id=ALL_HALLS, day=day, kind=kind, name=reason,
                                     set_by=actor[:80], set_at=at, using_db=tx)
        await audit.record("calendar.day_set", actor=actor, subject=f"calendar:{day}",
                           detail={"kind": kind, "reason": reason}, conn=tx)
    return await recompute_provisional(state)


async def unset_day(state: AppState, day: date, *, actor: str) -> bool:
    """Remove an operator's mark: the library's calendar applies again."""
    async with in_transaction() as tx:
        removed = await CalendarDay.filter(hall_id=ALL_HALLS, day=day).using_db(tx).delete()
        if removed:
            await audit.record("calendar.day_unset", actor=actor, subject=f"calendar:{day}",
                               conn=tx)
    if removed:
        await recompute_provisional(state)
    return bool(removed)


async def confirm_year(state: AppState, year: int, notice: str, *, actor: str,
                       at: datetime | None = None) -> date:
    """The operator states that ``year``'s holidays and 调休 days are loaded
    (``set_day``) as published; returns the coverage end afterwards."""
    notice, at = notice.strip()[:120], (at or datetime.now(UTC))
    if not notice:
        raise InvalidArgument("请填写国务院办公厅通知的文号或标题", field="notice")
    if year <= holiday_calendar.library_last_year():
        raise InvalidArgument(f"{year} 年已由节假日库覆盖，无需确认", field="year")
    async with in_transaction() as tx:
        updated = await CalendarYear.filter(year=year).using_db(tx).update(
            notice=notice, confirmed_by=actor[:80], confirmed_at=at)
        if not updated:
            await CalendarYear.create(year=year, notice=notice, confirmed_by=actor[:80],
                                      confirmed_at=at, using_db=tx)
        await audit.record("calendar.year_confirmed", actor=actor, subject=f"calendar:{year}",
                           detail={"notice": notice}, conn=tx)
    await recompute_provisional(state)
    return await holiday_calendar.coverage_end()


@dataclass(frozen=True)
class ListedDay:
    day: date
    kind: str
    name: str
    source: str  # LIBRARY | OPERATOR | ESTIMATED (past coverage, the library's guess)


async def year_listing(year: int) -> tuple[list[ListedDay], date]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    end = await holiday_calendar.coverage_end()
    listed = {d: ListedDay(d, kind, name, "ESTIMATED" if d > end else "LIBRARY")
              for d, (kind, name) in holiday_calendar.library_marks(first, last).items()}
    for row in await CalendarDay.filter(hall_id=ALL_HALLS, day__gte=first, day__lte=last):
        listed[row.day] = ListedDay(row.day, row.kind, row.name, "OPERATOR")
    return sorted(listed.values(), key=lambda d: d.day), end
