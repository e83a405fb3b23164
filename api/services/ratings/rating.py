"""好差评 ratings (issue 7, RELIABILITY item 35).

Owns:
- what can be rated: a SERVED appointment and an issued certificate, each one
  service instance with a reference "<kind>:<id>", rated only by its recipient;
- 一事一评: the unique ``rating.service_ref`` makes a second rating (also a
  concurrent double submission) fail in the database, answered AlreadyRated;
- levels, their tags (data, ``LEVELS``) and the comment rule for the bottom two;
- append-only ratings (a trigger refuses UPDATE/DELETE): nothing here edits one;
- the default: a service unrated N days after completion is rated 基本满意 by
  ``apply_default_ratings``, idempotent and safe to run concurrently;
- each rating, with its audit event, outbox message and (when negative) work
  order, commits in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery

from api.errors import InvalidArgument
from api.infra.db import in_transaction
from api.infra.state import AppState
from api.models import Booking, Certificate, QueueTicket, Rating, RatingWorkOrder
from api.services import audit
from api.services.appointments import calendar as cal
from api.services.ratings import outbox as ratings_outbox
from api.services.ratings import workorders as ratings_workorders
from api.services.ratings.errors import (
    AlreadyRated,
    CommentRequired,
    NotYourService,
    ServiceNotCompleted,
)
from api.services.session import citizens

_GOOD_TAGS = ["办事效率高", "态度热情", "指引清晰", "一次办好", "材料一次告知"]
_BAD_TAGS = ["等待时间长", "材料要求不清", "多次跑腿", "态度生硬", "系统故障", "办理超时"]
# level -> (label, score, tags offered, comment required)
LEVELS: dict[str, tuple[str, int, list[str], bool]] = {
    "VERY_SATISFIED": ("非常满意", 5, _GOOD_TAGS, False),
    "SATISFIED": ("满意", 4, _GOOD_TAGS, False),
    "BASIC": ("基本满意", 3, ["办事效率一般", "等待时间较长", "指引不够清楚"], False),
    "DISSATISFIED": ("不满意", 2, _BAD_TAGS, True),
    "VERY_DISSATISFIED": ("非常不满意", 1, _BAD_TAGS, True),
}
NEGATIVE = ("DISSATISFIED", "VERY_DISSATISFIED")
CHANNELS = ("FOSHANTONG", "YUESHENGSHI", "KIOSK", "WINDOW")
DEFAULT_CHANNEL = "DEFAULT"  # no channel: the system's 基本满意 after the deadline
ONLINE_HALL = "ONLINE"  # certificates are issued online, not at a hall window
MAX_COMMENT = 500


@dataclass(frozen=True)
class Service:
    """One completed (or not yet completed) service instance of a citizen."""

    kind: str  # APPOINTMENT | CERTIFICATE
    id: uuid.UUID
    citizen_id: uuid.UUID
    hall_id: str
    window: str | None
    service_item: str
    completed_at: datetime | None

    @property
    def ref(self) -> str:
        return service_ref(self.kind, self.id)


def service_ref(kind: str, service_id: object) -> str:
    """The rateable service's reference (``rateService(serviceRef)``), e.g.
    ``appointment:<id>``: clients read it from the appointment or certificate."""
    return f"{kind.lower()}:{service_id}"


def _parse_ref(ref: str) -> tuple[str, uuid.UUID] | None:
    kind, _, raw = ref.partition(":")
    if kind not in ("appointment", "certificate"):
        return None
    try:
        return kind.upper(), uuid.UUID(raw)
    except ValueError:
        return None


def _from_booking(b: Booking, ticket: QueueTicket | None) -> Service:
    done = b.status == "SERVED"
    return Service("APPOINTMENT", b.id, b.citizen_id, b.hall_id,
                   ticket.called_by if ticket else None, b.service_item,
                   (ticket.finished_at if ticket and ticket.finished_at else b.ends_at)
                   if done else None)


def _from_certificate(c: Certificate) -> Service:
    return Service("CERTIFICATE", c.id, c.citizen_id, ONLINE_HALL, None, "QUERY_CERTIFICATE",
                   c.issued_at)


async def _service(citizen_id: str, ref: str) -> Service:
    """The caller's own service; another citizen's answers exactly like a missing one."""
    parsed = _parse_ref(ref)
    if parsed is None:
        raise NotYourService()
    kind, sid = parsed
    if kind == "APPOINTMENT":
        booking = await Booking.get_or_none(id=sid, citizen_id=citizen_id)
        if booking is None:
            raise NotYourService()
        ticket = await QueueTicket.get_or_none(booking_id=booking.id)
        svc = _from_booking(booking, ticket)
    else:
        cert = await Certificate.get_or_none(id=sid, citizen_id=citizen_id)
        if cert is None:
            raise NotYourService()
        svc = _from_certificate(cert)
    if svc.completed_at is None:
        raise ServiceNotCompleted()
    return svc


def _rated(kind: str, citizen_id: str | None = None) -> Subquery:
    query = Rating.filter(service_kind=kind)
    if citizen_id is not None:
        query = query.filter(citizen_id=citizen_id)
    return Subquery(query.values("service_id"))


async def _unrated(citizen_id: str | None, *, done_after: datetime | None = None,
                   done_before: datetime | None = None, limit: int = 100) -> list[Service]:
    """Completed services without a rating, in three queries whatever their number."""
    tickets = QueueTicket.filter(status="SERVED", booking_id__not_isnull=True).exclude(
        booking_id__in=_rated("APPOINTMENT", citizen_id))
    certs = Certificate.all().exclude(id__in=_rated("CERTIFICATE", citizen_id))
    if citizen_id is not None:
        tickets, certs = tickets.filter(citizen_id=citizen_id), certs.filter(citizen_id=citizen_id)
    if done_after is not None:
        tickets = tickets.filter(finished_at__gt=done_after)
        certs = certs.filter(issued_at__gt=done_after)
    if done_before is not None:
        tickets = tickets.filter(finished_at__lte=done_before)
        certs = certs.filter(issued_at__lte=done_before)
    served = await tickets.order_by("finished_at").limit(limit)
    bookings = {b.id: b for b in await Booking.filter(
        id__in=[t.booking_id for t in served], status="SERVED")}
    found = [_from_booking(bookings[t.booking_id], t) for t in served
             if t.booking_id in bookings]
    found += [_from_certificate(c) for c in await certs.order_by("issued_at").limit(limit)]
    at_epoch = datetime.fromtimestamp(0, UTC)
    return sorted(found, key=lambda s: s.completed_at or at_epoch)


async def pending(state: AppState, citizen_id: str, at: datetime | None = None
                  ) -> list[Service]:
    """The citizen's completed, unrated services still open to their own rating."""
    at = cal.utc(at)
    since = at - timedelta(days=state.settings.rating_default_after_days)
    return list(reversed(await _unrated(citizen_id, done_after=since)))


def _check(level: str, tags: list[str], comment: str | None) -> tuple[list[str], str | None]:
    if level not in LEVELS:
        raise InvalidArgument("评价等级无效", field="level")
    _, _, offered, needs_comment = LEVELS[level]
    tags = list(dict.fromkeys(tags))
    if any(t not in offered for t in tags):
        raise InvalidArgument("所选标签与评价等级不符", field="tags", allowed=offered)
    text = (comment or "").strip() or None
    if text and len(text) > MAX_COMMENT:
        raise InvalidArgument(f"意见最多 {MAX_COMMENT} 字", field="comment", maximum=MAX_COMMENT)
    if needs_comment and not text:
        raise CommentRequired()
    return tags, text


def mask_phone(phone: str | None) -> str | None:
    if not phone or len(phone) < 7:
        return None
    return f"{phone[:3]}****{phone[-4:]}"


async def _callback_number(state: AppState, citizen_id: str) -> str | None:
    citizen = await citizens.get(citizen_id)
    person = await state.providers.identity.verify(
        citizens.name_of(state, citizen), citizens.id_number_of(state, citizen))
    return mask_phone(person.phone if person else None)


def platform_payload(r: Rating) -> dict[str, Any]:
    """What the provincial platform is told: the service and the rating, no identity."""
    return {"ratingId": str(r.id), "serviceRef": r.service_ref, "hallId": r.hall_id,
            "serviceItem": r.service_item, "level": r.level, "score": LEVELS[r.level][1],
            "tags": r.tags, "comment": r.comment, "channel": r.channel,
            "isDefault": r.is_default, "completedAt": r.completed_at.isoformat(),
            "ratedAt": r.rated_at.isoformat()}


async def _record(state: AppState, rating: Rating, *, actor: str) -> None:
    """Rating, audit event, outbox message and work order: one transaction."""
    async with in_transaction() as tx:
        await rating.save(using_db=tx, force_create=True)
        await audit.record("rating.recorded", actor=actor, subject=f"rating:{rating.id}",
                           detail={"service": rating.service_ref, "level": rating.level,
                                   "hall": rating.hall_id, "default": rating.is_default},
                           conn=tx)
        await ratings_outbox.enqueue(tx, "RATING", f"rating:{rating.id}",
                                     platform_payload(rating), rating.rated_at)
        if rating.level in NEGATIVE:
            await ratings_workorders.open_for(state, tx, rating)


async def rate(state: AppState, citizen_id: str, *, service_ref: str, level: str,
               tags: list[str], comment: str | None, channel: str,
               at: datetime | None = None) -> Rating:
    at = cal.utc(at)
    if channel not in CHANNELS:
        raise InvalidArgument("评价渠道无效", field="channel")
    svc = await _service(citizen_id, service_ref)
    tags, comment = _check(level, tags, comment)
    if (found := await Rating.get_or_none(service_ref=svc.ref)) is not None:
        raise AlreadyRated(str(found.id))
    rating = Rating(id=uuid.uuid4(), service_ref=svc.ref, service_kind=svc.kind,
                    service_id=svc.id, citizen_id=svc.citizen_id, hall_id=svc.hall_id,
                    window=svc.window, service_item=svc.service_item, level=level, tags=tags,
                    comment=comment, channel=channel, is_default=False,
                    callback_masked=await _callback_number(state, citizen_id),
                    completed_at=svc.completed_at, rated_at=at)
    try:
        await _record(state, rating, actor=f"citizen:{citizen_id}")
    except IntegrityError:
        # A concurrent submission for the same service committed first.
        found = await Rating.get_or_none(service_ref=svc.ref)
        raise AlreadyRated(str(found.id) if found else None) from None
    return rating


async def mine(citizen_id: str, limit: int = 50
               ) -> list[tuple[Rating, RatingWorkOrder | None]]:
    """The citizen's ratings, each with its work order (the response and rectification)."""
    rows = await Rating.filter(citizen_id=citizen_id).order_by("-rated_at").limit(limit)
    orders = {w.rating_id: w for w in await RatingWorkOrder.filter(
        rating_id__in=[r.id for r in rows])} if rows else {}
    return [(r, orders.get(r.id)) for r in rows]


async def apply_default_ratings(state: AppState, at: datetime | None = None,
                                batch: int = 200) -> int:
    """Rate 基本满意 every service completed more than N days ago and still unrated.
    Safe to run twice or concurrently: the unique service reference lets one win."""
    at = cal.utc(at)
    delay = timedelta(days=state.settings.rating_default_after_days)
    recorded = 0
    for svc in await _unrated(None, done_before=at - delay, limit=batch):
        assert svc.completed_at is not None
        rating = Rating(id=uuid.uuid4(), service_ref=svc.ref, service_kind=svc.kind,
                        service_id=svc.id, citizen_id=svc.citizen_id, hall_id=svc.hall_id,
                        window=svc.window, service_item=svc.service_item, level="BASIC",
                        tags=[], comment=None, channel=DEFAULT_CHANNEL, is_default=True,
                        completed_at=svc.completed_at, rated_at=svc.completed_at + delay)
        try:
            await _record(state, rating, actor="system")
        except IntegrityError:
            continue  # the citizen, or another worker, rated it meanwhile
        recorded += 1
    return recorded
