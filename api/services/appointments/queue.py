"""Queue tickets (取号) at the hall: check-in, walk-ins, calling, serving, no-shows.

Owns: the check-in window around a booked slot; ticket numbers per hall, day
and service item (prefix letter + number, e.g. B023), allocated by a
conditional counter UPDATE so two kiosks never print the same number; the
daily walk-in pool per service item, and each citizen's (per hall and day)
and each kiosk's (per day) share of it, taken by conditional UPDATEs in the
ticket's transaction; the calling order (priority, then booked before
walk-in, then first come); the people ahead of a citizen and the estimated
wait. Priority is never self-declared (issue 12, item 9): the elderly get it
from the birth date in their ID number, anyone else only when a member of
hall staff confirms a request made at the kiosk.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import math
import re
import struct
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from api.infra.db import in_transaction
from api.infra.keys import Keyring
from api.infra.state import AppState
from api.models import Booking, Citizen, Hall, QueueTicket, TicketCounter, TicketQuota
from api.services import audit
from api.services.appointments import booking as appointments
from api.services.appointments import calendar as cal
from api.services.appointments.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    CheckInWindowClosed,
    HallClosed,
    HallNotFound,
    NoTicketWaiting,
    TicketAlreadyFinished,
    TicketNotFound,
    WalkInLimitReached,
    WalkInPoolExhausted,
)
from api.services.session import citizens

ELDERLY_AGE = 65


@dataclass(frozen=True)
class TicketStatus:
    ticket: QueueTicket
    people_ahead: int
    estimated_wait_minutes: int


def _is_elderly(state: AppState, citizen: Citizen | None, today: date) -> bool:
    if citizen is None:
        return False
    number = citizens.id_number_of(state, citizen)
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age >= ELDERLY_AGE


async def _counter(hall_id: str, day: date, item: str) -> None:
    if await TicketCounter.exists(hall_id=hall_id, day=day, service_item=item):
        return
    with contextlib.suppress(IntegrityError):  # another kiosk created it first
        await TicketCounter.create(hall_id=hall_id, day=day, service_item=item)


async def _next_number(tx: BaseDBAsyncClient, hall_id: str, day: date, item: str,
                       walk_in_limit: int | None = None) -> int:
    """The next number, by one conditional UPDATE (the row stays locked until commit)."""
    query = TicketCounter.filter(hall_id=hall_id, day=day, service_item=item).using_db(tx)
    if walk_in_limit is not None:
        changed = await query.filter(walk_ins__lt=walk_in_limit).update(
            last_number=F("last_number") + 1, walk_ins=F("walk_ins") + 1)
        if not changed:
            raise WalkInPoolExhausted()
    else:
        await query.update(last_number=F("last_number") + 1)
    row = await TicketCounter.filter(hall_id=hall_id, day=day, service_item=item).using_db(
        tx).first()
    assert row is not None
    return row.last_number


async def _quota_row(scope: str, day: date) -> None:
    if await TicketQuota.exists(scope=scope, day=day):
        return
    with contextlib.suppress(IntegrityError):  # another request created it first
        await TicketQuota.create(scope=scope, day=day)


async def _take_quota(tx: BaseDBAsyncClient, scope: str, day: date, cap: int) -> None:
    """One more of ``scope``'s walk-ins today, below ``cap``: a conditional UPDATE,
    so concurrent kiosks can never take more than the cap between them."""
    changed = await TicketQuota.filter(scope=scope, day=day, used__lt=cap).using_db(tx).update(
        used=F("used") + 1)
    if not changed:
        raise WalkInLimitReached()


def _ticket(hall_id: str, day: date, item: str, number: int, kind: str, priority: bool,
            at: datetime, booking_id: uuid.UUID | None, citizen_id: uuid.UUID | None,
            requested: bool = False) -> QueueTicket:
    return QueueTicket(id=uuid.uuid4(), hall_id=hall_id, day=day, service_item=item,
                       number=number, code=f"{cal.SERVICE_ITEMS[item][1]}{number:03d}",
                       kind=kind, priority=priority, priority_requested=requested and not priority,
                       booking_id=booking_id, citizen_id=citizen_id, status="WAITING",
                       issued_at=at)


async def check_in(state: AppState, citizen_id: str, appointment_id: str, *,
                   priority: bool = False, at: datetime | None = None,
                   actor: str | None = None) -> QueueTicket:
    """The citizen's own booking only; a second check-in returns the same ticket."""
    at = cal.utc(at)
    booking = await appointments.own(citizen_id, appointment_id)
    if booking.status == "CHECKED_IN":
        return await QueueTicket.get(booking_id=booking.id)
    if booking.status != "BOOKED":
        raise AppointmentNotActive()
    opens = booking.starts_at - timedelta(minutes=state.settings.check_in_early_minutes)
    closes = booking.starts_at + timedelta(minutes=state.settings.check_in_late_minutes)
    if not opens <= at <= closes:
        raise CheckInWindowClosed(opens_at=opens, closes_at=closes)
    today = cal.local_day(at)
    citizen = await Citizen.get_or_none(id=citizen_id)
    elderly = _is_elderly(state, citizen, today)
    await _counter(booking.hall_id, today, booking.service_item)
    async with in_transaction() as tx:
        changed = await Booking.filter(id=booking.id, status="BOOKED").using_db(tx).update(
            status="CHECKED_IN", checked_in_at=at)
        if not changed:
            raise AppointmentNotActive()
        number = await _next_number(tx, booking.hall_id, today, booking.service_item)
        ticket = _ticket(booking.hall_id, today, booking.service_item, number, "BOOKED",
                         elderly, at, booking.id, booking.citizen_id, requested=priority)
        await ticket.save(using_db=tx, force_create=True)
        await audit.record("appointment.checked_in", actor=actor or f"citizen:{citizen_id}",
                           subject=f"appointment:{booking.id}",
                           detail={"ticket": ticket.code}, conn=tx)
    return ticket


# The booking's QR code: ``FSCK1`` + base32(booking id (16 bytes) + expiry in
# unix minutes (4) + HMAC-SHA256 tag (10)) = 53 characters, all in QR's
# alphanumeric set, so the code is a version-3 QR (29x29 modules) that a hall
# scanner reads off a dim phone screen at a glance. An ES256 statement was
# ~330 characters (version 12, 65x65 modules). Nobody but this service checks
# it, so a MAC does the job of a signature; an 80-bit tag cannot be guessed
# online, and the code only ever checks in the booking it names.
CHECK_IN_PREFIX = "FSCK1"
_CHECK_IN_TAG = 10
_CHECK_IN_LEN = len(CHECK_IN_PREFIX) + 48  # base32 of 30 bytes, no padding
_CHECK_IN_SHAPE = re.compile(CHECK_IN_PREFIX + "[A-Z2-7]{48}")


def _check_in_key(ring: Keyring) -> bytes:
    # Derived, domain-separated from the ring's HMAC secret: never the secret itself.
    return hmac.new(ring.blind_index_key, b"fsreg/check-in-code/v1", hashlib.sha256).digest()


def _check_in_tag(ring: Keyring, body: bytes) -> bytes:
    mac = hmac.new(_check_in_key(ring), CHECK_IN_PREFIX.encode() + body, hashlib.sha256)
    return mac.digest()[:_CHECK_IN_TAG]


def check_in_code(state: AppState, booking: Booking, at: datetime | None = None) -> str | None:
    """What the booking's QR code holds: the booking, the end of its check-in
    window and a MAC over both. Scanned at the hall's kiosk it checks the
    booking in without another face login (the citizen proved who they are
    when booking; the code is only ever shown to them)."""
    if booking.status != "BOOKED":
        return None
    closes = booking.starts_at + timedelta(minutes=state.settings.check_in_late_minutes)
    if closes <= cal.utc(at):
        return None
    body = uuid.UUID(str(booking.id)).bytes + struct.pack(">I", math.ceil(closes.timestamp() / 60))
    raw = body + _check_in_tag(state.keyring, body)
    return CHECK_IN_PREFIX + base64.b32encode(raw).decode()


def read_check_in_code(state: AppState, code: str, at: datetime | None = None
                       ) -> tuple[uuid.UUID, str] | None:
    """(booking id, a reference for the audit) of a genuine, unexpired code;
    None for anything else (altered, forged, expired, another kind of text)."""
    code = code.strip()
    # ASCII first: str.upper() maps some other letters onto ASCII ones (ſ -> S).
    if len(code) != _CHECK_IN_LEN or not code.isascii():
        return None
    code = code.upper()
    if not _CHECK_IN_SHAPE.fullmatch(code):
        return None
    raw = base64.b32decode(code.removeprefix(CHECK_IN_PREFIX))  # 30 bytes, no padding
    body, tag = raw[:-_CHECK_IN_TAG], raw[-_CHECK_IN_TAG:]
    if not hmac.compare_digest(tag, _check_in_tag(state.keyring, body)):
        return None
    (expires_minute,) = struct.unpack(">I", body[16:])
    if expires_minute * 60 < cal.utc(at).timestamp():
        return None
    # The audit's reference to the code: a hash, so the trail holds no part of it.
    return uuid.UUID(bytes=body[:16]), hashlib.sha256(tag).hexdigest()[:12]


def qr_data_url(text: str) -> str:
    """``text`` as a QR code image (SVG data URL): the mini-program shows it,
    the kiosk's scanner reads it."""
    import base64
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


async def check_in_by_code(state: AppState, code: str, *, priority: bool = False,
                           at: datetime | None = None) -> QueueTicket:
    """A scanned QR code; a forged, altered, expired or unknown one answers as
    a missing appointment."""
    read = read_check_in_code(state, code, at)
    if read is None:
        raise AppointmentNotFound()
    booking_id, ref = read
    booking = await Booking.get_or_none(id=booking_id)
    if booking is None:
        raise AppointmentNotFound()
    # The audit names the code, not the holder: whoever scanned it is unknown.
    return await check_in(state, str(booking.citizen_id), str(booking_id), priority=priority,
                          at=at, actor=f"checkin-code:{ref}")


async def take_walk_in(state: AppState, citizen_id: str | None, hall_id: str,
                       service_item: str, *, priority: bool = False, at: datetime | None = None,
                       kiosk_id: str | None = None) -> QueueTicket:
    """``priority`` is a request for staff to confirm, never priority itself."""
    at = cal.utc(at)
    hall = await Hall.get_or_none(id=hall_id)
    if hall is None or service_item not in hall.windows:
        raise HallNotFound()
    today = cal.local_day(at)
    if not cal.works_on(hall, today, await cal.overrides([hall.id], today, today)):
        raise HallClosed()
    citizen = await Citizen.get_or_none(id=citizen_id) if citizen_id else None
    elderly = _is_elderly(state, citizen, today)
    await _counter(hall.id, today, service_item)
    scopes = ([(f"citizen:{citizen.id}:{hall.id}", state.settings.walk_in_per_citizen_per_day)]
              if citizen is not None else [])
    if kiosk_id is not None:
        scopes.append((f"kiosk:{kiosk_id}", state.settings.walk_in_per_kiosk_per_day))
    for scope, _ in scopes:
        await _quota_row(scope, today)
    async with in_transaction() as tx:
        for scope, cap in scopes:
            await _take_quota(tx, scope, today, cap)
        number = await _next_number(tx, hall.id, today, service_item, hall.walk_ins_per_day)
        ticket = _ticket(hall.id, today, service_item, number, "WALK_IN", elderly, at, None,
                         citizen.id if citizen else None, requested=priority)
        await ticket.save(using_db=tx, force_create=True)
        await audit.record("queue.walk_in", actor=f"citizen:{citizen_id}" if citizen_id else
                           "kiosk", subject=f"ticket:{hall.id}:{today}:{ticket.code}", conn=tx)
    return ticket


async def confirm_priority(hall_id: str, ticket_id: str, *, staff: str) -> QueueTicket:
    """Hall staff saw the reason (a disability card, pregnancy...): priority from now."""
    ticket = await _staff_ticket(hall_id, ticket_id)
    async with in_transaction() as tx:
        changed = await QueueTicket.filter(id=ticket.id, status="WAITING").using_db(tx).update(
            priority=True, priority_confirmed_by=staff[:80])
        if not changed:
            raise TicketAlreadyFinished()
        await audit.record("queue.priority_confirmed", actor=staff, subject=f"ticket:{ticket.id}",
                           detail={"code": ticket.code}, conn=tx)
    return await QueueTicket.get(id=ticket.id)


def _order() -> tuple[str, ...]:
    # Priority first, then booked before walk-in ("BOOKED" < "WALK_IN"), then arrival.
    return ("-priority", "kind", "issued_at", "number")


async def call_next(hall_id: str, *, staff: str, service_item: str | None = None,
                    at: datetime | None = None) -> QueueTicket:
    """Claim the next waiting ticket; two windows calling at once get different ones."""
    at = cal.utc(at)
    for _ in range(10):
        query = QueueTicket.filter(hall_id=hall_id, day=cal.local_day(at), status="WAITING")
        if service_item is not None:
            query = query.filter(service_item=service_item)
        candidate = await query.order_by(*_order()).first()
        if candidate is None:
            raise NoTicketWaiting()
        async with in_transaction() as tx:
            claimed = await QueueTicket.filter(id=candidate.id, status="WAITING").using_db(
                tx).update(status="CALLED", called_at=at, called_by=staff[:80])
            if claimed:
                await audit.record("queue.called", actor=staff, subject=f"ticket:{candidate.id}",
                                   detail={"code": candidate.code},
                                   conn=tx)
                return await QueueTicket.filter(id=candidate.id).using_db(tx).get()
    raise NoTicketWaiting()


async def _staff_ticket(hall_id: str, ticket_id: str) -> QueueTicket:
    try:
        tid = uuid.UUID(ticket_id)
    except ValueError:
        raise TicketNotFound() from None
    ticket = await QueueTicket.get_or_none(id=tid, hall_id=hall_id)
    if ticket is None:
        raise TicketNotFound()
    return ticket


async def mark_served(hall_id: str, ticket_id: str, *, staff: str,
                      at: datetime | None = None) -> QueueTicket:
    at = cal.utc(at)
    ticket = await _staff_ticket(hall_id, ticket_id)
    async with in_transaction() as tx:
        changed = await QueueTicket.filter(id=ticket.id, status__in=("WAITING", "CALLED")).using_db(
            tx).update(status="SERVED", finished_at=at)
        if not changed:
            raise TicketAlreadyFinished()
        if ticket.booking_id is not None:
            await Booking.filter(id=ticket.booking_id, status="CHECKED_IN").using_db(tx).update(
                status="SERVED", active_key=None)
        await audit.record("queue.served", actor=staff, subject=f"ticket:{ticket.id}",
                           detail={"code": ticket.code}, conn=tx)
    return await QueueTicket.get(id=ticket.id)


async def mark_no_show(state: AppState, hall_id: str, ticket_id: str, *, staff: str,
                       at: datetime | None = None) -> QueueTicket:
    """Called and not at the window: the ticket ends, and a booking counts as a no-show."""
    at = cal.utc(at)
    ticket = await _staff_ticket(hall_id, ticket_id)
    booking = await Booking.get_or_none(id=ticket.booking_id) if ticket.booking_id else None
    if booking is not None:
        await appointments._account(str(booking.citizen_id))
    async with in_transaction() as tx:
        changed = await QueueTicket.filter(id=ticket.id, status__in=("WAITING", "CALLED")).using_db(
            tx).update(status="NO_SHOW", finished_at=at)
        if not changed:
            raise TicketAlreadyFinished()
        await audit.record("queue.no_show", actor=staff, subject=f"ticket:{ticket.id}",
                           detail={"code": ticket.code}, conn=tx)
        if booking is not None:
            await appointments.record_no_show(state, booking, at=at, actor=staff, tx=tx)
    return await QueueTicket.get(id=ticket.id)


async def my_ticket(state: AppState, citizen_id: str, *,
                    at: datetime | None = None) -> TicketStatus | None:
    """Today's open ticket of the citizen, with the people called before them."""
    at = cal.utc(at)
    ticket = await QueueTicket.filter(
        citizen_id=citizen_id, day=cal.local_day(at), status__in=("WAITING", "CALLED")
    ).order_by("-issued_at").first()
    if ticket is None:
        return None
    if ticket.status != "WAITING":
        return TicketStatus(ticket, 0, 0)
    before = Q(priority=ticket.priority, kind__lt=ticket.kind) | Q(
        priority=ticket.priority, kind=ticket.kind, number__lt=ticket.number)
    if not ticket.priority:
        before |= Q(priority=True)
    ahead = await QueueTicket.filter(before, hall_id=ticket.hall_id, day=ticket.day,
                                     service_item=ticket.service_item, status="WAITING").count()
    hall = await Hall.get(id=ticket.hall_id)
    windows = max(hall.windows.get(ticket.service_item, 1), 1)
    wait = math.ceil(ahead / windows) * state.settings.service_minutes_estimate
    return TicketStatus(ticket, ahead, wait)
