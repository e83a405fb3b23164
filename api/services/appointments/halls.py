"""The registration halls: the platform's own reference data (``Hall`` rows),
seeded by ``python -m api seed --demo``; running ``seed_halls`` again changes
nothing. Public holidays and 调休 working days are not seeded: they come from
api/services/appointments/holidays.py (the holidays library plus operator
overrides)."""

from __future__ import annotations

from api.models import Hall
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


def hall_rows() -> list[Hall]:
    rows = [Hall(id=CENTRE[0], name=CENTRE[1], district_code=CENTRE[2], address=CENTRE[3])]
    rows += [Hall(id=f"FS-{d.code}", name=f"{d.name}不动产登记服务大厅", district_code=d.code,
                  address=DISTRICT_ADDRESSES[d.code]) for d in DISTRICTS]
    for h in rows:
        h.sessions, h.weekdays, h.windows = SESSIONS, WEEKDAYS, dict(WINDOWS)
        h.per_window_per_slot, h.walk_ins_per_day = 2, 40
    return rows


async def seed_halls() -> int:
    """Insert the demo halls; existing rows are left alone."""
    halls = hall_rows()
    known = set(await Hall.filter(id__in=[h.id for h in halls]).values_list("id", flat=True))
    new = [h for h in halls if h.id not in known]
    if new:
        await Hall.bulk_create(new, ignore_conflicts=True)
    return len(new)
