"""Published 好差评 statistics (issue 7).

Owns the rates and what counts: satisfaction rate = (非常满意 + 满意 + 基本满意)
/ ratings, negative-rating rate = (不满意 + 非常不满意) / ratings, on-time
rectification rate = work orders rectified by their deadline / work orders
rectified or past their deadline. Ratings with an accepted appeal are left
out (they stay stored). Grouped by hall, service item, channel or month
(Asia/Shanghai). No rater identity ever leaves this module; the staff detail
carries only the masked callback number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise.expressions import Subquery

from api.errors import InvalidArgument
from api.models import Rating, RatingAppeal, RatingWorkOrder
from api.services.appointments import calendar as cal
from api.services.ratings.rating import NEGATIVE

GROUPS = {"HALL": "hall_id", "SERVICE_ITEM": "service_item", "CHANNEL": "channel",
          "MONTH": "month"}


@dataclass(frozen=True)
class StatsFilter:
    hall_id: str | None = None
    service_item: str | None = None
    channel: str | None = None
    month: str | None = None  # YYYY-MM, Asia/Shanghai


@dataclass
class Row:
    key: str
    ratings: int = 0
    satisfied: int = 0
    negative: int = 0
    work_orders: int = 0
    rectifications_due: int = 0
    rectified_on_time: int = 0
    levels: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.ratings)

    @property
    def negative_rate(self) -> float | None:
        return self._rate(self.negative, self.ratings)

    @property
    def on_time_rectification_rate(self) -> float | None:
        return self._rate(self.rectified_on_time, self.rectifications_due)


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidArgument("月份格式应为 YYYY-MM", field="month") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return cal.at_local(first, "00:00"), cal.at_local(following, "00:00")


_FILTER_FIELDS = (("hall_id", "hallId"), ("service_item", "serviceItem"), ("channel", "channel"))


def _check(f: StatsFilter) -> None:
    """Public input: a value longer than its column can match nothing, and the
    ORM refuses to compare it; say so instead (found by the schema fuzzer)."""
    for attr, name in _FILTER_FIELDS:
        value = getattr(f, attr)
        limit = Rating._meta.fields_map[attr].max_length  # type: ignore[attr-defined]
        if value is not None and len(value) > limit:
            raise InvalidArgument(f"{name} 过长（最多 {limit} 个字符）", field=name, maximum=limit)


def _counted(f: StatsFilter) -> Any:
    _check(f)
    query = Rating.all().exclude(id__in=Subquery(
        RatingAppeal.filter(status="ACCEPTED").values("rating_id")))
    if f.hall_id:
        query = query.filter(hall_id=f.hall_id)
    if f.service_item:
        query = query.filter(service_item=f.service_item)
    if f.channel:
        query = query.filter(channel=f.channel)
    if f.month:
        start, end = _month_bounds(f.month)
        query = query.filter(rated_at__gte=start, rated_at__lt=end)
    return query


async def statistics(f: StatsFilter, group_by: str, at: datetime | None = None) -> list[Row]:
    """Two queries, whatever the number of ratings."""
    at = cal.utc(at)
    column = GROUPS[group_by]
    ratings = await _counted(f).values("id", "hall_id", "service_item", "channel", "level",
                                       "rated_at")
    orders = await RatingWorkOrder.filter(
        rating_id__in=Subquery(_counted(f).values("id"))).values(
        "rating_id", "rectified_at", "rectify_due_at")
    rows: dict[str, Row] = {}
    key_of: dict[Any, str] = {}
    for r in ratings:
        key = (f"{r['rated_at'].astimezone(cal.SHANGHAI):%Y-%m}" if column == "month"
               else str(r[column]))
        key_of[str(r["id"])] = key
        row = rows.setdefault(key, Row(key))
        row.ratings += 1
        row.levels[r["level"]] = row.levels.get(r["level"], 0) + 1
        if r["level"] in NEGATIVE:
            row.negative += 1
        else:
            row.satisfied += 1
    for w in orders:
        owner = key_of.get(str(w["rating_id"]))
        if owner is None:
            continue
        row = rows[owner]
        row.work_orders += 1
        done = w["rectified_at"]
        if done is not None or at > w["rectify_due_at"]:
            row.rectifications_due += 1
            if done is not None and done <= w["rectify_due_at"]:
                row.rectified_on_time += 1
    return [rows[k] for k in sorted(rows)]


async def hall_detail(hall_id: str, f: StatsFilter, limit: int = 100
                      ) -> list[tuple[Rating, bool]]:
    """The hall's own ratings for its staff, newest first, each with whether an
    accepted appeal excludes it from statistics."""
    query = Rating.filter(hall_id=hall_id)
    if f.service_item:
        query = query.filter(service_item=f.service_item)
    if f.channel:
        query = query.filter(channel=f.channel)
    if f.month:
        start, end = _month_bounds(f.month)
        query = query.filter(rated_at__gte=start, rated_at__lt=end)
    rows = await query.order_by("-rated_at").limit(limit)
    excluded = set(await RatingAppeal.filter(
        rating_id__in=[r.id for r in rows], status="ACCEPTED").values_list("rating_id",
                                                                           flat=True))
    by_key: dict[Any, bool] = defaultdict(bool, {str(x): True for x in excluded})
    return [(r, by_key[str(r.id)]) for r in rows]
