"""Halls, their working days and the slot pool.

Owns: which days a hall works (weekly pattern; public holidays and 调休 make-up
working days from ``holiday_calendar``; a hall's closures as ``CalendarDay``
rows), when a day's slots are
released (D-N at a set time, Asia/Shanghai), and slot generation: lazily, on
first look at a released day, idempotent under concurrency through the unique
(hall, service item, start) constraint. Also the clock the booking rules use.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tortoise.expressions import F
from tortoise.functions import Count

from api.errors import InvalidArgument
from api.infra.settings import Settings
from api.infra.state import AppState
from api.models import CalendarDay, Hall, Slot
from api.services.appointments import holidays as holiday_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
SERVICE_ITEMS = {
    "TRANSFER": ("转移登记", "A"),
    "MORTGAGE": ("抵押登记", "B"),
    "PRE_REGISTRATION": ("预告登记", "C"),
    "CANCELLATION": ("注销登记", "D"),
    "QUERY_CERTIFICATE": ("查询/证明", "E"),
    "OTHER": ("其他", "F"),
}


def now() -> datetime:
    """The rules' clock; tests replace it to control time."""
    return datetime.now(UTC)


def utc(at: datetime | None) -> datetime:
    """The given instant (or now) in UTC: SQLite compares stored times as text."""
    return (at or now()).astimezone(UTC)


def local_day(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def at_local(day: date, hhmm: str) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


def release_at(state: AppState, day: date) -> datetime:
    return at_local(day - timedelta(days=state.settings.booking_release_days_ahead),
                    state.settings.booking_release_time)


def parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument("日期格式应为 YYYY-MM-DD", field=field) from None


async def halls() -> list[Hall]:
    # The city centre first, then the district halls by code.
    return sorted(await Hall.all(), key=lambda h: (h.id != "FS-CENTRE", h.id))


async def overrides(hall_ids: Iterable[str], first: date, last: date
                    ) -> dict[tuple[str, date], str]:
    """The days of [first, last] that differ from the weekly pattern: the national
    calendar (``holiday_calendar``: the library, then operator rows for hall "*")
    and each hall's own closures."""
    marks = {("*", d): kind for d, (kind, _) in holiday_calendar.library_marks(first, last).items()}
    rows = await CalendarDay.filter(hall_id__in=["*", *hall_ids], day__gte=first, day__lte=last)
    marks.update({(r.hall_id, r.day): r.kind for r in rows})
    return marks


def works_on(hall: Hall, day: date, marks: dict[tuple[str, date], str]) -> bool:
    if marks.get((hall.id, day)) == "CLOSED":
        return False
    general = marks.get(("*", day))
    if general == "HOLIDAY":
        return False
    return general == "WORKDAY" or day.weekday() in hall.weekdays


def _slot_starts(settings: Settings, hall: Hall) -> list[str]:
    """The day's slot start times ("HH:MM", local) from the hall's sessions."""
    step = settings.slot_minutes
    starts = []
    for opens, closes in hall.sessions:
        start = _minutes(opens)
        while start + step <= _minutes(closes):
            starts.append(f"{start // 60:02d}:{start % 60:02d}")
            start += step
    return starts


def _minutes(hhmm: str) -> int:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return hour * 60 + minute


def _slot_rows(settings: Settings, hall: Hall, day: date) -> list[Slot]:
    step = timedelta(minutes=settings.slot_minutes)
    rows = []
    for hhmm in _slot_starts(settings, hall):
        start = at_local(day, hhmm)
        for item, windows in hall.windows.items():
            rows.append(Slot(id=uuid.uuid4(), hall_id=hall.id, service_item=item, day=day,
                             starts_at=start, ends_at=start + step,
                             capacity=windows * hall.per_window_per_slot, booked=0))
    return rows


async def ensure_slots(state: AppState, hall: Hall, day: date,
                       marks: dict[tuple[str, date], str] | None = None) -> None:
    """Create the day's slots once; concurrent callers insert the same keys and
    the losers' rows are ignored by the unique constraint."""
    if marks is None:
        marks = await overrides([hall.id], day, day)
    if not works_on(hall, day, marks):
        return
    expected = _slot_rows(state.settings, hall, day)
    if await Slot.filter(hall_id=hall.id, day=day).count() >= len(expected):
        return
    await Slot.bulk_create(expected, ignore_conflicts=True)


async def _released_days(state: AppState, hall: Hall, first: date, last: date,
                         at: datetime) -> list[date]:
    """The released days of [first, last], their slots generated (one grouped
    count when they all exist already, as after the first look at a day)."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if release_at(state, d) <= at]
    if not days:
        return []
    counts = dict(await Slot.filter(hall_id=hall.id, day__in=days).annotate(
        n=Count("id")).group_by("day").values_list("day", "n"))
    per_day = sum(len(hall.windows) for _ in _slot_starts(state.settings, hall))
    missing = [d for d in days if counts.get(d, 0) < per_day]
    if missing:
        marks = await overrides([hall.id], missing[0], missing[-1])
        for day in missing:
            await ensure_slots(state, hall, day, marks)
    return days


class SlotRow(NamedTuple):
    """A slot as ``availableSlots`` shows it: plain values, no ORM model (the
    hot path builds ~60 of them per request)."""

    id: uuid.UUID
    day: date
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int


_SLOT_ROW = SlotRow._fields


async def available_slots(state: AppState, hall_id: str, service_item: str, first: date,
                          last: date, at: datetime | None = None) -> list[SlotRow]:
    """Released, not yet started slots of one hall and item; full ones included
    (remaining 0) so the client can show the day's picture."""
    if last < first:
        raise InvalidArgument("结束日期不能早于开始日期", field="to")
    if (last - first).days + 1 > state.settings.booking_max_range_days:
        raise InvalidArgument(f"一次最多查询 {state.settings.booking_max_range_days} 天", field="to",
                              maximum=state.settings.booking_max_range_days)
    at = utc(at)
    hall = await Hall.get_or_none(id=hall_id)
    if hall is None or service_item not in hall.windows:
        return []
    released = await _released_days(state, hall, first, last, at)
    if not released:
        return []
    rows = await Slot.filter(hall_id=hall.id, service_item=service_item, day__in=released,
                             starts_at__gt=at).order_by("starts_at").values_list(*_SLOT_ROW)
    return [SlotRow(*r) for r in rows]


async def next_free_slot(state: AppState, hall_id: str, service_item: str,
                         at: datetime) -> Slot | None:
    """The earliest released slot with a free place (one query once the days
    are generated): what a SlotFull refusal offers instead."""
    hall = await Hall.get_or_none(id=hall_id)
    if hall is None or service_item not in hall.windows:
        return None
    today = local_day(at)
    last = min(today + timedelta(days=state.settings.booking_release_days_ahead),
               today + timedelta(days=state.settings.booking_max_range_days - 1))
    released = await _released_days(state, hall, today, last, at)
    if not released:
        return None
    return await Slot.filter(hall_id=hall.id, service_item=service_item, day__in=released,
                             starts_at__gt=at, booked__lt=F("capacity")
                             ).order_by("starts_at").first()
