"""Issue 7 service rules: 一事一评, completion, comments, the append-only rating,
the 7-day default, the working-day SLA across 国庆, appeals and statistics
(RELIABILITY item 35)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from api.errors import Forbidden, InvalidArgument
from api.infra.settings import Settings
from api.models import AuditEvent, Rating, RatingOutbox, RatingWorkOrder
from api.providers.identity import Person
from api.providers.idnumber import build
from api.services.appointments import calendar as cal
from api.services.appointments.halls import seed_halls
from api.services.ratings import errors as re
from api.services.ratings import rating as ratings
from api.services.ratings import stats as ratings_stats
from api.services.ratings import workorders as ratings_workorders
from api.services.session import citizens
from tests.resolvers.ratings.helpers import (
    SERVED_DAY,
    booked,
    certificate,
    fake_state,
    local,
    served,
)

AFTER = local(SERVED_DAY, "09:30")  # twenty minutes after the service ended


@pytest.fixture
async def people(db: None, state: Any) -> list[str]:
    await seed_halls()
    ids = []
    for i in range(3):
        c = await citizens.ensure_citizen(state, Person(build("440604", date(1990, 1, 1 + i),
                                                              21 + i), f"评价{i}", "", None))
        ids.append(str(c.id))
    return ids


@pytest.fixture
def state(settings: Settings, vault: Any) -> Any:
    return fake_state(settings, vault)


async def rate(state: Any, who: str, ref: str, level: str = "SATISFIED", **kw: Any) -> Rating:
    return await ratings.rate(state, who, service_ref=ref, level=level,
                              tags=kw.pop("tags", []), comment=kw.pop("comment", None),
                              channel=kw.pop("channel", "FOSHANTONG"), at=kw.pop("at", AFTER),
                              **kw)


class TestRate:
    async def test_before_completion_is_refused(self, state: Any,
                                                people: list[str]) -> None:
        b = await booked(state, people[0])
        with pytest.raises(re.ServiceNotCompleted):
            await rate(state, people[0], f"appointment:{b.id}")

    async def test_one_rating_per_service(self, state: Any,
                                          people: list[str]) -> None:
        b = await served(state, people[0])
        assert [s.ref for s in await ratings.pending(state, people[0], AFTER)] == [
            f"appointment:{b.id}"]
        first = await rate(state, people[0], f"appointment:{b.id}", tags=["办事效率高"])
        assert first.window == "staff:FS-CENTRE:王工"
        assert first.callback_masked == "138****5678"
        with pytest.raises(re.AlreadyRated) as again:
            await rate(state, people[0], f"appointment:{b.id}", level="VERY_SATISFIED")
        assert again.value.rating_id == str(first.id)
        assert await ratings.pending(state, people[0], AFTER) == []
        assert await AuditEvent.filter(action="rating.recorded").count() == 1
        assert await RatingOutbox.filter(idempotency_key=f"rating:{first.id}").count() == 1

    async def test_concurrent_double_submission_records_one(self, state: Any,
                                                            people: list[str]) -> None:
        b = await served(state, people[0])
        results = await asyncio.gather(
            *(rate(state, people[0], f"appointment:{b.id}", level=lvl)
              for lvl in ("SATISFIED", "VERY_SATISFIED", "SATISFIED")),
            return_exceptions=True)
        assert sum(isinstance(r, Rating) for r in results) == 1, results
        assert sum(isinstance(r, re.AlreadyRated) for r in results) == 2, results
        assert await Rating.filter(service_ref=f"appointment:{b.id}").count() == 1
        assert await RatingOutbox.all().count() == 1

    async def test_another_citizens_service_answers_like_a_missing_one(
            self, state: Any, people: list[str]) -> None:
        b = await served(state, people[0])
        for ref in (f"appointment:{b.id}", "appointment:00000000-0000-0000-0000-000000000000",
                    "nonsense"):
            with pytest.raises(re.NotYourService):
                await rate(state, people[1], ref)

    async def test_comment_required_for_the_bottom_two(self, state: Any,
                                                       people: list[str]) -> None:
        b = await served(state, people[0])
        for level in ("DISSATISFIED", "VERY_DISSATISFIED"):
            with pytest.raises(re.CommentRequired):
                await rate(state, people[0], f"appointment:{b.id}", level=level, comment="  ")
        with pytest.raises(InvalidArgument):
            await rate(state, people[0], f"appointment:{b.id}", tags=["等待时间长"])
        assert await Rating.all().count() == 0

    async def test_a_rating_cannot_be_edited_or_deleted(self, state: Any,
                                                        people: list[str]) -> None:
        b = await served(state, people[0])
        row = await rate(state, people[0], f"appointment:{b.id}")
        with pytest.raises(Exception, match="append-only"):
            await Rating.filter(id=row.id).update(level="VERY_DISSATISFIED")
        with pytest.raises(Exception, match="append-only"):
            await Rating.filter(id=row.id).delete()
        assert (await Rating.get(id=row.id)).level == "SATISFIED"

    async def test_certificates_are_rated_too(self, state: Any,
                                              people: list[str]) -> None:
        cert = await certificate(people[0], AFTER - timedelta(hours=1))
        [pending] = await ratings.pending(state, people[0], AFTER)
        assert (pending.ref, pending.hall_id) == (f"certificate:{cert.id}", "ONLINE")
        row = await rate(state, people[0], pending.ref, channel="YUESHENGSHI")
        assert row.service_item == "QUERY_CERTIFICATE"


class TestDefaultRating:
    async def test_after_seven_days_once_even_when_run_concurrently(
            self, state: Any, people: list[str]) -> None:
        b = await served(state, people[0])
        await certificate(people[1], local(SERVED_DAY, "11:00"))
        done = local(SERVED_DAY, "09:10")
        assert await ratings.apply_default_ratings(state, done + timedelta(days=6)) == 0
        later = done + timedelta(days=7, hours=3)
        counts = await asyncio.gather(*(ratings.apply_default_ratings(state, later)
                                        for _ in range(3)))
        assert sum(counts) == 2
        assert await ratings.apply_default_ratings(state, later) == 0
        row = await Rating.get(service_ref=f"appointment:{b.id}")
        assert (row.level, row.is_default, row.channel) == ("BASIC", True, "DEFAULT")
        assert row.rated_at == done + timedelta(days=7)
        assert await ratings.pending(state, people[0], later) == []
        assert await RatingWorkOrder.all().count() == 0

    async def test_an_own_rating_wins_over_the_default(self, state: Any,
                                                       people: list[str]) -> None:
        b = await served(state, people[0])
        await rate(state, people[0], f"appointment:{b.id}", level="VERY_SATISFIED")
        assert await ratings.apply_default_ratings(
            state, AFTER + timedelta(days=30)) == 0


class TestWorkOrder:
    async def test_negative_rating_opens_one_with_working_day_deadlines(
            self, state: Any, people: list[str]) -> None:
        b = await served(state, people[0])
        rating = await rate(state, people[0], f"appointment:{b.id}", level="DISSATISFIED",
                            tags=["等待时间长"], comment="排队一个多小时")
        order = await RatingWorkOrder.get(rating_id=rating.id)
        assert (order.hall_id, order.status) == ("FS-CENTRE", "OPEN")
        # 10-01..07 国庆 are skipped: call back by the end of Thu 10-08; rectify within
        # 10-08, 10-09, Sat 10-10 (调休 working day), 10-12, 10-13.
        assert order.callback_due_at == local(date(2026, 10, 9), "00:00")
        assert order.rectify_due_at == local(date(2026, 10, 14), "00:00")
        assert not ratings_workorders.overdue(order, local(date(2026, 10, 8), "23:59")).any
        late = ratings_workorders.overdue(order, local(date(2026, 10, 9), "08:00"))
        assert late.callback
        assert not late.rectification

    async def test_states_in_order_with_text_audited_and_sent(
            self, state: Any, people: list[str]) -> None:
        b = await served(state, people[0])
        rating = await rate(state, people[0], f"appointment:{b.id}",
                            level="VERY_DISSATISFIED", comment="材料要求前后不一致")
        order = await RatingWorkOrder.get(rating_id=rating.id)
        kw: dict[str, Any] = {"actor": "staff:FS-CENTRE:李主任"}
        with pytest.raises(re.InvalidTransition):
            await ratings_workorders.update("FS-CENTRE", str(order.id), status="CLOSED",
                                            text="x", **kw)
        with pytest.raises(re.WorkOrderNotFound):
            await ratings_workorders.update("FS-440605", str(order.id), status="CALLED_BACK",
                                            text="x", **kw)
        steps = [("CALLED_BACK", "已致电道歉并说明材料清单", date(2026, 10, 8)),
                 ("RECTIFIED", "统一一次性告知单", date(2026, 10, 12)),
                 ("CLOSED", "市民确认", date(2026, 10, 13))]
        for status, text, day in steps:
            order = await ratings_workorders.update("FS-CENTRE", str(order.id), status=status,
                                                    text=text, at=local(day, "10:00"), **kw)
        assert order.status == "CLOSED"
        assert order.response == "已致电道歉并说明材料清单"
        assert not ratings_workorders.overdue(order, local(date(2026, 12, 1), "10:00")).any
        assert await AuditEvent.filter(action="rating.work_order_updated").count() == 3
        keys = set(await RatingOutbox.filter(kind="WORK_ORDER").values_list(
            "idempotency_key", flat=True))
        assert keys == {f"work_order:{order.id}:{s}" for s in
                        ("OPEN", "CALLED_BACK", "RECTIFIED", "CLOSED")}
        [(mine, progress)] = await ratings.mine(people[0])
        assert progress is not None
        assert progress.rectification == "统一一次性告知单"


class TestAppealsAndStatistics:
    async def test_accepted_appeal_excludes_but_keeps_the_rating(
            self, state: Any, people: list[str]) -> None:
        good = await served(state, people[0])
        bad = await served(state, people[1], hhmm="09:30")
        await rate(state, people[0], f"appointment:{good.id}", level="VERY_SATISFIED")
        negative = await rate(state, people[1], f"appointment:{bad.id}", level="DISSATISFIED",
                              comment="恶意差评", channel="WINDOW")
        rows = await ratings_stats.statistics(ratings_stats.StatsFilter(), "HALL", AFTER)
        assert [(r.key, r.ratings, r.satisfaction_rate, r.negative_rate) for r in rows] == [
            ("FS-CENTRE", 2, 0.5, 0.5)]
        appeal = await ratings_workorders.appeal("FS-CENTRE", str(negative.id),
                                                 reason="与窗口录像不符", actor="staff:FS-CENTRE:李")
        with pytest.raises(re.AppealAlreadyFiled):
            await ratings_workorders.appeal("FS-CENTRE", str(negative.id), reason="再次",
                                            actor="staff:FS-CENTRE:李")
        with pytest.raises(re.RatingNotFound):
            await ratings_workorders.appeal("FS-440605", str(negative.id), reason="x",
                                            actor="staff:FS-440605:赵")
        for hall in ("FS-CENTRE", "FS-440605"):
            with pytest.raises(Forbidden):
                await ratings_workorders.review(state, hall, str(appeal.id), accept=True,
                                                note="", actor=f"staff:{hall}:x")
        done = await ratings_workorders.review(state, "REVIEW", str(appeal.id), accept=True,
                                               note="核实为误评", actor="staff:REVIEW:监督员")
        assert done.status == "ACCEPTED"
        with pytest.raises(re.AppealAlreadyReviewed):
            await ratings_workorders.review(state, "REVIEW", str(appeal.id), accept=False,
                                            note="", actor="staff:REVIEW:监督员")
        rows = await ratings_stats.statistics(ratings_stats.StatsFilter(), "CHANNEL", AFTER)
        assert [(r.key, r.ratings, r.satisfaction_rate) for r in rows] == [
            ("FOSHANTONG", 1, 1.0)]
        assert await Rating.filter(id=negative.id).exists()
        detail = await ratings_stats.hall_detail("FS-CENTRE", ratings_stats.StatsFilter())
        assert {(r.level, excluded) for r, excluded in detail} == {
            ("VERY_SATISFIED", False), ("DISSATISFIED", True)}

    async def test_on_time_rectification_rate_by_month(self, state: Any,
                                                       people: list[str]) -> None:
        refs = [await served(state, who, hhmm=hhmm)
                for who, hhmm in zip(people, ("09:00", "09:30", "10:00"), strict=True)]
        for who, b in zip(people, refs, strict=True):
            await rate(state, who, f"appointment:{b.id}", level="DISSATISFIED", comment="慢")
        orders = await RatingWorkOrder.all().order_by("created_at")
        kw: dict[str, Any] = {"actor": "staff:FS-CENTRE:李"}
        async def rectify(order: RatingWorkOrder, day: date) -> None:
            await ratings_workorders.update("FS-CENTRE", str(order.id), status="CALLED_BACK",
                                            text="已回访", at=local(date(2026, 10, 8), "09:00"),
                                            **kw)
            await ratings_workorders.update("FS-CENTRE", str(order.id), status="RECTIFIED",
                                            text="已整改", at=local(day, "09:00"), **kw)

        await rectify(orders[0], date(2026, 10, 12))  # on time (due end of 10-13)
        # The other two are neither rectified nor due yet on 10-12: not counted.
        early = await ratings_stats.statistics(ratings_stats.StatsFilter(month="2026-09"),
                                               "MONTH", local(date(2026, 10, 12), "12:00"))
        assert [(r.key, r.work_orders, r.on_time_rectification_rate) for r in early] == [
            ("2026-09", 3, 1.0)]
        await rectify(orders[1], date(2026, 10, 20))  # late; the third is overdue by 10-21
        late = await ratings_stats.statistics(ratings_stats.StatsFilter(), "SERVICE_ITEM",
                                              local(date(2026, 10, 21), "12:00"))
        assert [(r.key, r.negative_rate, r.on_time_rectification_rate) for r in late] == [
            ("TRANSFER", 1.0, round(1 / 3, 4))]
        assert await ratings_stats.statistics(ratings_stats.StatsFilter(month="2026-10"),
                                              "MONTH") == []
        assert cal.local_day(orders[0].created_at) == SERVED_DAY
