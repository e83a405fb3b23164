"""差评工单 and appeals (issue 7).

Owns:
- the deadlines of a work order: call back within N working days and rectify
  within M (settings), counted on the appointments' working-day calendar
  (weekly pattern, public holidays, 调休 make-up days) in Asia/Shanghai; a
  deadline is the end of its working day, and provisional when counted over
  days past the holiday calendar's coverage (recomputed once the year is loaded);
- the states OPEN -> CALLED_BACK -> RECTIFIED -> CLOSED, each step by a
  conditional UPDATE with the hall's text, audited and sent to the outbox in
  its transaction; overdue is read against the clock, never stored stale;
- appeals: a hall's staff appeal a rating of their hall once; a reviewer of
  the 好差评 supervision office (``settings.rating_review_hall``), never of the
  hall concerned, accepts or rejects. An accepted appeal keeps the rating and
  removes it from statistics.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from api.errors import Forbidden, InvalidArgument
from api.infra.db import in_transaction
from api.infra.settings import Settings
from api.infra.state import AppState
from api.models import Hall, Rating, RatingAppeal, RatingWorkOrder
from api.services import audit
from api.services.appointments import calendar as cal
from api.services.appointments import holidays as holiday_calendar
from api.services.ratings import outbox as ratings_outbox
from api.services.ratings.errors import (
    AppealAlreadyFiled,
    AppealAlreadyReviewed,
    AppealNotFound,
    InvalidTransition,
    RatingNotFound,
    WorkOrderNotFound,
)

# target state -> (required current state, time column, text column)
STEPS = {"CALLED_BACK": ("OPEN", "called_back_at", "response"),
         "RECTIFIED": ("CALLED_BACK", "rectified_at", "rectification"),
         "CLOSED": ("RECTIFIED", "closed_at", "closing_note")}
MAX_TEXT = 1000


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


@dataclass(frozen=True)
class Deadline:
    at: datetime
    provisional: bool  # counted over days past the holiday calendar's coverage


async def working_deadline(hall_id: str, start: datetime, days: int) -> Deadline:
    """The end (midnight, Asia/Shanghai) of the ``days``-th working day after
    ``start``'s day; provisional when any day counted lies past the calendar's
    coverage (its holidays there are estimates)."""
    hall = await Hall.get_or_none(id=hall_id) or Hall(id=hall_id, weekdays=[0, 1, 2, 3, 4])
    first = cal.local_day(start) + timedelta(days=1)
    marks = await cal.overrides([hall.id], first, first + timedelta(days=366))
    end = await holiday_calendar.coverage_end()
    counted = 0
    for offset in range(367):
        day = first + timedelta(days=offset)
        if cal.works_on(hall, day, marks):
            counted += 1
            if counted >= days:
                return Deadline(cal.at_local(day + timedelta(days=1), "00:00"),
                                holiday_calendar.is_provisional(day, end))
    raise ValueError(f"hall {hall_id} has no working day within a year")


async def _deadlines(settings: Settings, hall_id: str, start: datetime
                     ) -> tuple[Deadline, Deadline]:
    return (await working_deadline(hall_id, start, settings.rating_callback_working_days),
            await working_deadline(hall_id, start, settings.rating_rectify_working_days))


async def recompute_provisional(state: AppState) -> int:
    """Open work orders whose deadlines were provisional, counted again (after an
    operator loaded the year, say). Returns how many changed."""
    changed = 0
    for order in await RatingWorkOrder.filter(deadlines_provisional=True).exclude(
            status="CLOSED"):
        callback, rectify = await _deadlines(state.settings, order.hall_id, order.created_at)
        fresh = {"callback_due_at": callback.at, "rectify_due_at": rectify.at,
                 "deadlines_provisional": callback.provisional or rectify.provisional}
        if fresh != {"callback_due_at": order.callback_due_at,
                     "rectify_due_at": order.rectify_due_at, "deadlines_provisional": True}:
            changed += await RatingWorkOrder.filter(id=order.id,
                                                    deadlines_provisional=True).update(**fresh)
    return changed


def payload(w: RatingWorkOrder) -> dict[str, Any]:
    def iso(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {"workOrderId": str(w.id), "ratingId": str(w.rating_id), "hallId": w.hall_id,
            "status": w.status, "callbackDueAt": iso(w.callback_due_at),
            "rectifyDueAt": iso(w.rectify_due_at),
            "deadlinesProvisional": w.deadlines_provisional, "calledBackAt": iso(w.called_back_at),
            "rectifiedAt": iso(w.rectified_at), "closedAt": iso(w.closed_at),
            "response": w.response, "rectification": w.rectification}


async def open_for(state: AppState, tx: BaseDBAsyncClient, rating: Rating) -> RatingWorkOrder:
    at = rating.rated_at
    callback, rectify = await _deadlines(state.settings, rating.hall_id, at)
    order = RatingWorkOrder(
        id=uuid.uuid4(), rating_id=rating.id, hall_id=rating.hall_id, window=rating.window,
        status="OPEN", created_at=at, callback_due_at=callback.at, rectify_due_at=rectify.at,
        deadlines_provisional=callback.provisional or rectify.provisional)
    await order.save(using_db=tx, force_create=True)
    await audit.record("rating.work_order_opened", actor="system",
                       subject=f"work_order:{order.id}",
                       detail={"rating": str(rating.id), "hall": rating.hall_id}, conn=tx)
    await ratings_outbox.enqueue(tx, "WORK_ORDER", f"work_order:{order.id}:OPEN",
                                 payload(order), at)
    return order


@dataclass(frozen=True)
class Overdue:
    callback: bool
    rectification: bool

    @property
    def any(self) -> bool:
        return self.callback or self.rectification


def overdue(w: RatingWorkOrder, at: datetime) -> Overdue:
    """Late if the step was done after its deadline, or is still not done past it."""
    return Overdue(callback=(w.called_back_at or at) > w.callback_due_at,
                   rectification=(w.rectified_at or at) > w.rectify_due_at)


async def for_hall(hall_id: str, status: str | None = None, limit: int = 100
                   ) -> list[tuple[RatingWorkOrder, Rating]]:
    query = RatingWorkOrder.filter(hall_id=hall_id)
    if status is not None:
        query = query.filter(status=status)
    orders = await query.order_by("-created_at").limit(limit)
    ratings = {r.id: r for r in await Rating.filter(id__in=[w.rating_id for w in orders])}
    return [(w, ratings[w.rating_id]) for w in orders]


async def update(hall_id: str, work_order_id: str, *, status: str, text: str, actor: str,
                 at: datetime | None = None) -> RatingWorkOrder:
    at = cal.utc(at)
    if status not in STEPS:
        raise InvalidArgument("目标状态应为 CALLED_BACK、RECTIFIED 或 CLOSED", field="status")
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidArgument(f"请填写 1 到 {MAX_TEXT} 字的说明", field="note")
    wid = _uuid(work_order_id)
    order = await RatingWorkOrder.get_or_none(id=wid, hall_id=hall_id) if wid else None
    if order is None:
        raise WorkOrderNotFound()
    before, at_column, text_column = STEPS[status]
    async with in_transaction() as tx:
        changed = await RatingWorkOrder.filter(id=order.id, status=before).using_db(tx).update(
            status=status, **{at_column: at, text_column: text})
        if not changed:
            raise InvalidTransition(order.status)
        order = await RatingWorkOrder.filter(id=order.id).using_db(tx).get()
        late = overdue(order, at)
        await audit.record("rating.work_order_updated", actor=actor,
                           subject=f"work_order:{order.id}",
                           detail={"status": status, "overdue": late.any}, conn=tx)
        await ratings_outbox.enqueue(tx, "WORK_ORDER", f"work_order:{order.id}:{status}",
                                     payload(order), at)
    return order


async def appeal(hall_id: str, rating_id: str, *, reason: str, actor: str,
                 at: datetime | None = None) -> RatingAppeal:
    at = cal.utc(at)
    reason = reason.strip()
    if not reason or len(reason) > MAX_TEXT:
        raise InvalidArgument(f"请填写 1 到 {MAX_TEXT} 字的申诉理由", field="reason")
    rid = _uuid(rating_id)
    rating = await Rating.get_or_none(id=rid, hall_id=hall_id) if rid else None
    if rating is None:
        raise RatingNotFound()
    row = RatingAppeal(id=uuid.uuid4(), rating_id=rating.id, hall_id=hall_id,
                       appealed_by=actor[:80], reason=reason, status="PENDING", created_at=at)
    try:
        async with in_transaction() as tx:
            await row.save(using_db=tx, force_create=True)
            await audit.record("rating.appealed", actor=actor, subject=f"rating:{rating.id}",
                               detail={"appeal": str(row.id)}, conn=tx)
    except IntegrityError:
        raise AppealAlreadyFiled() from None
    return row


async def review(state: AppState, reviewer_hall: str, appeal_id: str, *, accept: bool,
                 note: str, actor: str, at: datetime | None = None) -> RatingAppeal:
    """Only the supervision office decides, and never about its own hall."""
    at = cal.utc(at)
    if reviewer_hall != state.settings.rating_review_hall:
        raise Forbidden("申诉须由好差评监督部门审核")
    aid = _uuid(appeal_id)
    row = await RatingAppeal.get_or_none(id=aid) if aid else None
    if row is None:
        raise AppealNotFound()
    if row.hall_id == reviewer_hall:
        raise Forbidden("不能审核本部门的申诉")
    outcome = "ACCEPTED" if accept else "REJECTED"
    async with in_transaction() as tx:
        changed = await RatingAppeal.filter(id=row.id, status="PENDING").using_db(tx).update(
            status=outcome, reviewed_by=actor[:80], review_note=note.strip()[:MAX_TEXT],
            reviewed_at=at)
        if not changed:
            raise AppealAlreadyReviewed()
        await audit.record("rating.appeal_reviewed", actor=actor, subject=f"rating:{row.rating_id}",
                           detail={"appeal": str(row.id), "outcome": outcome}, conn=tx)
        await ratings_outbox.enqueue(tx, "APPEAL", f"appeal:{row.id}:{outcome}",
                                     {"appealId": str(row.id), "ratingId": str(row.rating_id),
                                      "outcome": outcome, "reviewedAt": at.isoformat()}, at)
    return await RatingAppeal.get(id=row.id)


async def rating_of(order: RatingWorkOrder) -> Rating:
    """The rating a work order answers (for showing the two together)."""
    return await Rating.get(id=order.rating_id)
