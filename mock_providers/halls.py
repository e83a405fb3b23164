"""Demo halls and the 2026 calendar (public holidays and 调休 make-up working days).

Reference data the platform keeps in its own tables (``Hall``, ``CalendarDay``);
running ``seed_halls`` again changes nothing. The holiday dates follow the
pattern of the State Council's annual notice and are sample data: replace them
with the published notice for production.
"""

from __future__ import annotations

from datetime import date, timedelta

from api.models import CalendarDay, Hall
from api.services.platform import DISTRICTS

SESSIONS = [["09:00", "12:00"], ["13:30", "17:00"]]  # lunch break 12:00-13:30
WEEKDAYS = [0, 1, 2, 3, 4]
WINDOWS = {"TRANSFER": 3, "MORTGAGE": 2, "PRE_REGISTRATION": 1, "CANCELLATION": 1,
           "QUERY_CERTIFICATE": 2, "OTHER": 1}

CENTRE = ("FS-CENTRE", "佛山市不动产登记中心（市民广场）", "440604", "佛山市禅城区岭南大道北18号")
DISTRICT_ADDRESSES = {
    "440604": "禅城区季华五路22号",
    "440605": "南海区桂城海五路28号",
    "440606": "顺德区大良德民路行政服务中心",
    "440607": "三水区西南街道健力宝南路",
    "440608": "高明区荷城街道文华路",
}


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# (first day, last day, name) of each holiday; make-up working days separately.
HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
WORKDAYS_2026 = [
    (date(2026, 1, 4), "元旦调休上班"),
    (date(2026, 2, 14), "春节调休上班"),
    (date(2026, 2, 28), "春节调休上班"),
    (date(2026, 4, 26), "劳动节调休上班"),
    (date(2026, 5, 9), "劳动节调休上班"),
    (date(2026, 9, 20), "国庆节调休上班"),
    (date(2026, 10, 10), "国庆节调休上班"),
]


def hall_rows() -> list[Hall]:
    rows = [Hall(id=CENTRE[0], name=CENTRE[1], district_code=CENTRE[2], address=CENTRE[3])]
    rows += [Hall(id=f"FS-{d.code}", name=f"{d.name}不动产登记服务大厅", district_code=d.code,
                  address=DISTRICT_ADDRESSES[d.code]) for d in DISTRICTS]
    for h in rows:
        h.sessions, h.weekdays, h.windows = SESSIONS, WEEKDAYS, dict(WINDOWS)
        h.per_window_per_slot, h.walk_ins_per_day = 2, 40
    return rows


def calendar_rows() -> list[CalendarDay]:
    rows = [CalendarDay(hall_id="*", day=d, kind="HOLIDAY", name=name)
            for first, last, name in HOLIDAYS_2026 for d in _span(first, last)]
    rows += [CalendarDay(hall_id="*", day=d, kind="WORKDAY", name=name)
             for d, name in WORKDAYS_2026]
    return rows


async def seed_halls() -> int:
    """Insert the demo halls and the calendar; existing rows are left alone."""
    halls = hall_rows()
    known = set(await Hall.filter(id__in=[h.id for h in halls]).values_list("id", flat=True))
    new = [h for h in halls if h.id not in known]
    if new:
        await Hall.bulk_create(new, ignore_conflicts=True)
    await CalendarDay.bulk_create(calendar_rows(), ignore_conflicts=True)
    return len(new)
