"""The national calendar of public holidays and 调休 make-up working days.

Owns: which days every hall treats as a public holiday or a make-up working day,
how far that knowledge reaches, and what a day past it means.

- Source: the ``holidays`` library's China calendar (pinned; each December's
  release adds the State Council's notice for the next year) for every year up
  to the last notice it carries, plus operator overrides (``calendar_day`` rows
  for hall ``*``, ``python -m api calendar set``), which win over the library.
- Coverage: a year is covered when the library carries its notice or an
  operator confirmed it as loaded (``python -m api calendar confirm``). The
  coverage end is the last day of the last covered year in an unbroken run.
- Past the coverage end, days are *estimated*: the statutory holidays of the
  《全国年节及纪念日放假办法》 by rule (what the library estimates), no 调休
  days; anything computed there (a working-day deadline) is **provisional**,
  never silently taken as certain.
- Operators are warned ``calendar_warn_days`` ahead (a log line at start-up and
  daily, a ``/readyz`` notice that does not affect readiness, ``calendar check``).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from holidays.countries.china import ChinaStaticHolidays

from api.models import CalendarYear

log = logging.getLogger("api.calendar")
ALL_HALLS = "*"


@functools.cache
def library_last_year() -> int:
    """The last year whose State Council notice the pinned library carries (it
    lists each notice's 调休 swaps; later years are its own estimates)."""
    return max(ChinaStaticHolidays.special_public_holidays)


@functools.cache
def _library_year(year: int) -> dict[date, tuple[str, str]]:
    """The library's marks for one year: day -> (HOLIDAY | WORKDAY, name)."""
    china = holidays.China(years=year, language="zh_CN")
    marks = {d: ("HOLIDAY", str(name)[:40]) for d, name in china.items() if d.year == year}
    for d in china.weekend_workdays:
        if d.year == year:
            marks[d] = ("WORKDAY", "调休上班")
    return marks


def library_marks(first: date, last: date) -> dict[date, tuple[str, str]]:
    marks: dict[date, tuple[str, str]] = {}
    for year in range(first.year, last.year + 1):
        marks.update({d: m for d, m in _library_year(year).items() if first <= d <= last})
    return marks


async def confirmed_years() -> set[int]:
    return {row.year for row in await CalendarYear.all()}


def coverage_end_for(confirmed: set[int]) -> date:
    year = library_last_year()
    while year + 1 in confirmed:
        year += 1
    return date(year, 12, 31)


async def coverage_end() -> date:
    """The last day the calendar knows for certain."""
    return coverage_end_for(await confirmed_years())


@dataclass(frozen=True)
class Coverage:
    end: date
    days_left: int  # from ``today`` to ``end`` (negative once past it)
    warn: bool

    @property
    def status(self) -> str:
        if self.days_left < 0:
            return "ENDED"
        return "ENDING_SOON" if self.warn else "OK"

    def message(self) -> str:
        if self.status == "OK":
            return f"holiday calendar covers through {self.end}"
        return (f"holiday calendar covers only through {self.end} ({self.days_left} days left): "
                f"load the next year's State Council notice (python -m api calendar set ..., "
                f"then calendar confirm {self.end.year + 1}) or upgrade the holidays package; "
                "working-day deadlines past it are provisional")


async def coverage(today: date, warn_days: int) -> Coverage:
    end = await coverage_end()
    left = (end - today).days
    return Coverage(end=end, days_left=left, warn=left <= warn_days)


async def warn_if_ending(today: date, warn_days: int) -> Coverage | None:
    """The operator's log line (start-up and daily); errors are logged, never raised."""
    try:
        state = await coverage(today, warn_days)
    except Exception as exc:  # the calendar check must never stop the app
        from api.errors import unavailable_cause

        if unavailable_cause(exc) is not None:  # the database is down: readiness says so
            log.warning("holiday calendar coverage check skipped: database unavailable (%s)",
                        type(exc).__name__)
        else:
            log.exception("holiday calendar coverage check failed")
        return None
    if state.warn:
        log.warning("%s", state.message())
    return state


def is_provisional(day: date, end: date) -> bool:
    return day > end


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
