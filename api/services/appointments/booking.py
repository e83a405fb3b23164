"""Hall appointments (预约): booking, cancelling, rescheduling, no-shows, reminders.

Owns (RELIABILITY R5 items 24-26):
- capacity: ``Slot.booked`` moves only by conditional UPDATEs inside the
  booking transaction (``booked < capacity`` to take a place), never by
  read-then-write; a CHECK keeps it within [0, capacity];
- the citizen's rules, in Asia/Shanghai time: one active booking per service
  item per day (a unique constraint), at most N a week and M a month, booking
  only once a day's slots are released and before the slot starts, changes
  until a cut-off, suspension after repeated no-shows;
- a double tap books once: the citizen's idempotency key is unique and
  answers with the original booking; another payload under it is refused;
- each booking, cancellation, change and no-show is audited in its transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from api.infra.db import in_transaction
from api.infra.settings import Settings
from api.infra.state import AppState
from api.models import Booking, BookingAccount, Citizen, Hall, Slot
from api.services import audit
from api.services.appointments import calendar as cal
from api.services.appointments.errors import (
    AlreadyBooked,
    AppointmentNotActive,
    AppointmentNotFound,
    BookingKeyReused,
    BookingSuspended,
    ChangeTooLate,
    OutsideBookingWindow,
    QuotaExceeded,
    SlotFull,
    SlotNotFound,
)
from api.services.session import citizens

HOLDING = ("BOOKED", "CHECKED_IN", "SERVED", "NO_SHOW")  # statuses that keep their place


@dataclass(frozen=True)
class Booked:
    booking: Booking
    replayed: bool


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _fingerprint(slot_id: str, service_item: str) -> str:
    return hashlib.sha256(f"{slot_id}|{service_item}".encode()).hexdigest()


def active_key(service_item: str, day: date) -> str:
    return f"{service_item}:{day.isoformat()}"


async def _replay(citizen_id: str, key: str | None, fingerprint: str) -> Booking | None:
    if not key:
        return None
    found = await Booking.get_or_none(citizen_id=citizen_id, idempotency_key=key)
    if found is not None and found.request_fingerprint != fingerprint:
        raise BookingKeyReused()
    return found


async def _account(citizen_id: str) -> BookingAccount:
    account = await BookingAccount.get_or_none(citizen_id=citizen_id)
    if account is None:
        try:
            account = await BookingAccount.create(citizen_id=citizen_id)
        except IntegrityError:
            account = await BookingAccount.get(citizen_id=citizen_id)
    return account


async def _slot(slot_id: str, service_item: str) -> Slot:
    sid = _uuid(slot_id)
    slot = await Slot.get_or_none(id=sid) if sid else None
    if slot is None or slot.service_item != service_item:
        raise SlotNotFound()
    return slot


def _check_window(state: AppState, slot: Slot, at: datetime) -> None:
    opens = cal.release_at(state, slot.day)
    if at < opens:
        raise OutsideBookingWindow(opens_at=opens, closes_at=slot.starts_at)
    if at >= slot.starts_at:
        raise OutsideBookingWindow(opens_at=None, closes_at=slot.starts_at)


async def _check_rules(tx: BaseDBAsyncClient, settings: Settings, citizen_id: str, slot: Slot,
                       at: datetime, moving: Booking | None = None) -> None:
    """Suspension and quotas, read under the citizen's account-row lock."""
    account = await BookingAccount.filter(citizen_id=citizen_id).using_db(tx).first()
    if account and account.suspended_until and account.suspended_until > at:
        raise BookingSuspended(until=account.suspended_until)
    mine = Booking.filter(citizen_id=citizen_id, status__in=HOLDING).using_db(tx)
    if moving is not None:
        mine = mine.exclude(id=moving.id)
    same = await mine.filter(active_key=active_key(slot.service_item, slot.day)).first()
    if same is not None:
        raise AlreadyBooked(appointment_id=str(same.id))
    monday = slot.day - timedelta(days=slot.day.weekday())
    if await mine.filter(day__gte=monday, day__lt=monday + timedelta(days=7)).count() \
            >= settings.booking_max_per_week:
        raise QuotaExceeded("WEEK", settings.booking_max_per_week,
                            cal.at_local(monday + timedelta(days=7), "00:00"))
    first = slot.day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    if await mine.filter(day__gte=first, day__lt=following).count() \
            >= settings.booking_max_per_month:
        raise QuotaExceeded("MONTH", settings.booking_max_per_month,
                            cal.at_local(following, "00:00"))


async def _take_place(tx: BaseDBAsyncClient, slot_id: uuid.UUID) -> bool:
    return bool(await Slot.filter(id=slot_id, booked__lt=F("capacity")).using_db(tx).update(
        booked=F("booked") + 1))


async def _free_place(tx: BaseDBAsyncClient, slot_id: uuid.UUID) -> None:
    await Slot.filter(id=slot_id, booked__gt=0).using_db(tx).update(booked=F("booked") - 1)


async def _slot_full(state: AppState, slot: Slot, at: datetime) -> SlotFull:
    nxt = await cal.next_free_slot(state, slot.hall_id, slot.service_item, at)
    return SlotFull(next_free_slot_id=str(nxt.id) if nxt else None,
                    next_free_starts_at=nxt.starts_at if nxt else None)


async def book(state: AppState, citizen_id: str, *, slot_id: str, service_item: str,
               idempotency_key: str | None = None, at: datetime | None = None) -> Booked:
    at = cal.utc(at)
    fingerprint = _fingerprint(slot_id, service_item)
    if (found := await _replay(citizen_id, idempotency_key, fingerprint)) is not None:
        return Booked(found, replayed=True)
    slot = await _slot(slot_id, service_item)
    _check_window(state, slot, at)
    if slot.booked >= slot.capacity:
        # Most of a 09:00 crowd ends here: refused before the account row and the
        # transaction (even a suspended citizen learns first that it is full). A hint:
        # the conditional UPDATE below is what guards the capacity.
        raise await _slot_full(state, slot, at)
    await sweep_no_shows(state, at, citizen_id=citizen_id)
    await _account(citizen_id)
    booking = Booking(id=uuid.uuid4(), citizen_id=citizen_id, slot_id=slot.id,
                      hall_id=slot.hall_id, service_item=slot.service_item, day=slot.day,
                      starts_at=slot.starts_at, ends_at=slot.ends_at, status="BOOKED",
                      active_key=active_key(slot.service_item, slot.day), created_at=at,
                      idempotency_key=idempotency_key, request_fingerprint=fingerprint)
    try:
        async with in_transaction() as tx:
            # Locks the citizen's row: their concurrent requests check quotas in turn.
            await BookingAccount.filter(citizen_id=citizen_id).using_db(tx).update(touched_at=at)
            if idempotency_key and (found := await Booking.filter(
                    citizen_id=citizen_id, idempotency_key=idempotency_key).using_db(tx).first()):
                # A double tap that waited for the first one's lock: same answer.
                if found.request_fingerprint != fingerprint:
                    raise BookingKeyReused()
                return Booked(found, replayed=True)
            await _check_rules(tx, state.settings, citizen_id, slot, at)
            if not await _take_place(tx, slot.id):
                raise SlotFull(None, None)
            await booking.save(using_db=tx, force_create=True)
            await audit.record("appointment.booked", actor=f"citizen:{citizen_id}",
                               subject=f"appointment:{booking.id}",
                               detail={"hall": slot.hall_id, "item": slot.service_item,
                                       "startsAt": slot.starts_at.isoformat()}, conn=tx)
    except SlotFull:
        raise await _slot_full(state, slot, at) from None
    except IntegrityError:
        # A concurrent double tap won: answer with its result.
        if (found := await _replay(citizen_id, idempotency_key, fingerprint)) is not None:
            return Booked(found, replayed=True)
        raise AlreadyBooked(appointment_id=None) from None
    return Booked(booking, replayed=False)


async def mine(state: AppState, citizen_id: str, at: datetime | None = None,
               limit: int = 50) -> list[Booking]:
    """The citizen's bookings as they stand now: one whose check-in window has closed
    reads as a no-show at once, though the no-shows job records it (and any
    suspension) on its next run; a read writes nothing."""
    rows = await Booking.filter(citizen_id=citizen_id).order_by("-starts_at").limit(limit)
    late = _check_in_closed_before(state.settings, cal.utc(at))
    for booking in rows:
        if booking.status == "BOOKED" and booking.starts_at < late:
            booking.status, booking.active_key = "NO_SHOW", None
            booking.no_show_at = _no_show_at(state.settings, booking)
    return rows


async def own(citizen_id: str, appointment_id: str) -> Booking:
    """Another citizen's booking answers exactly like a missing one."""
    bid = _uuid(appointment_id)
    found = await Booking.get_or_none(id=bid, citizen_id=citizen_id) if bid else None
    if found is None:
        raise AppointmentNotFound()
    return found


def _check_cutoff(settings: Settings, booking: Booking, at: datetime) -> None:
    if booking.status != "BOOKED":
        raise AppointmentNotActive()
    deadline = booking.starts_at - timedelta(minutes=settings.booking_change_cutoff_minutes)
    if at > deadline:
        raise ChangeTooLate(deadline=deadline)


async def cancel(state: AppState, citizen_id: str, appointment_id: str, *,
                 at: datetime | None = None) -> Booking:
    at = cal.utc(at)
    booking = await own(citizen_id, appointment_id)
    _check_cutoff(state.settings, booking, at)
    async with in_transaction() as tx:
        changed = await Booking.filter(id=booking.id, status="BOOKED").using_db(tx).update(
            status="CANCELLED", active_key=None, cancelled_at=at)
        if not changed:
            raise AppointmentNotActive()
        await _free_place(tx, booking.slot_id)
        await audit.record("appointment.cancelled", actor=f"citizen:{citizen_id}",
                           subject=f"appointment:{booking.id}",
                           detail={"slot": str(booking.slot_id)}, conn=tx)
    return await Booking.get(id=booking.id)


async def reschedule(state: AppState, citizen_id: str, appointment_id: str, *, slot_id: str,
                     at: datetime | None = None) -> Booking:
    """Move a booking to another slot of the same service item, in one transaction:
    the new place is taken (conditionally) and the old one freed, or neither."""
    at = cal.utc(at)
    booking = await own(citizen_id, appointment_id)
    _check_cutoff(state.settings, booking, at)
    slot = await _slot(slot_id, booking.service_item)
    if slot.id == booking.slot_id:
        return booking
    _check_window(state, slot, at)
    try:
        async with in_transaction() as tx:
            await BookingAccount.filter(citizen_id=citizen_id).using_db(tx).update(touched_at=at)
            await _check_rules(tx, state.settings, citizen_id, slot, at, moving=booking)
            # Slot rows are locked in id order so two crossing moves cannot deadlock.
            if slot.id < booking.slot_id:
                taken = await _take_place(tx, slot.id)
                if taken:
                    await _free_place(tx, booking.slot_id)
            else:
                await _free_place(tx, booking.slot_id)
                taken = await _take_place(tx, slot.id)
            if not taken:
                raise SlotFull(None, None)
            changed = await Booking.filter(id=booking.id, status="BOOKED").using_db(tx).update(
                slot_id=slot.id, hall_id=slot.hall_id, day=slot.day, starts_at=slot.starts_at,
                ends_at=slot.ends_at, active_key=active_key(slot.service_item, slot.day),
                reminded_at=None)
            if not changed:
                raise AppointmentNotActive()
            await audit.record("appointment.rescheduled", actor=f"citizen:{citizen_id}",
                               subject=f"appointment:{booking.id}",
                               detail={"from": str(booking.slot_id), "to": str(slot.id)},
                               conn=tx)
    except SlotFull:
        raise await _slot_full(state, slot, at) from None
    except IntegrityError:
        raise AlreadyBooked(appointment_id=None) from None
    return await Booking.get(id=booking.id)


async def set_capacity(slot_id: str, capacity: int) -> bool:
    """Change a slot's capacity; refused (False) below the places already taken."""
    sid = _uuid(slot_id)
    if sid is None or capacity < 0:
        return False
    return bool(await Slot.filter(id=sid, booked__lte=capacity).update(capacity=capacity))


# -- no-shows ---------------------------------------------------------------------

async def record_no_show(state: AppState, booking: Booking, *, at: datetime, actor: str,
                         tx: BaseDBAsyncClient) -> bool:
    """Mark one no-show (idempotent) and suspend after too many in the window."""
    changed = await Booking.filter(id=booking.id, status__in=("BOOKED", "CHECKED_IN")).using_db(
        tx).update(status="NO_SHOW", active_key=None, no_show_at=at)
    if not changed:
        return False
    await audit.record("appointment.no_show", actor=actor, subject=f"appointment:{booking.id}",
                       detail={"slot": str(booking.slot_id)}, conn=tx)
    since = at - timedelta(days=state.settings.booking_no_show_window_days)
    count = await Booking.filter(citizen_id=booking.citizen_id, status="NO_SHOW",
                                 no_show_at__gte=since).using_db(tx).count()
    if count >= state.settings.booking_no_shows_to_suspend:
        until = at + timedelta(days=state.settings.booking_suspension_days)
        await BookingAccount.filter(citizen_id=booking.citizen_id).using_db(tx).update(
            suspended_until=until)
        await audit.record("appointment.suspended", actor=actor,
                           subject=f"citizen:{booking.citizen_id}",
                           detail={"until": until.isoformat(), "noShows": count}, conn=tx)
    return True


async def sweep_no_shows(state: AppState, at: datetime, *, citizen_id: str | None = None,
                         batch: int = 500) -> int:
    """Bookings whose check-in window has closed without a check-in become no-shows.
    Idempotent: each is recorded once, whichever worker gets there first."""
    query = Booking.filter(status="BOOKED", starts_at__lt=_check_in_closed_before(
        state.settings, cal.utc(at)))
    if citizen_id is not None:
        query = query.filter(citizen_id=citizen_id)
    recorded = 0
    for booking in await query.order_by("starts_at").limit(batch):
        await _account(str(booking.citizen_id))
        async with in_transaction() as tx:
            recorded += await record_no_show(state, booking, at=_no_show_at(state.settings, booking),
                                             actor="system", tx=tx)
    return recorded


def _check_in_closed_before(settings: Settings, at: datetime) -> datetime:
    """Bookings starting before this have missed their check-in window at ``at``."""
    return at - timedelta(minutes=settings.check_in_late_minutes)


def _no_show_at(settings: Settings, booking: Booking) -> datetime:
    return booking.starts_at + timedelta(minutes=settings.check_in_late_minutes)


# -- reminders --------------------------------------------------------------------

async def send_reminders(state: AppState, at: datetime | None = None) -> int:
    """SMS the day before, once per booking (the gateway's key makes resends no-ops)."""
    at = cal.utc(at)
    tomorrow = cal.local_day(at) + timedelta(days=1)
    due = await Booking.filter(status="BOOKED", day=tomorrow, reminded_at=None).limit(1000)
    halls = {h.id: h for h in await Hall.filter(id__in={b.hall_id for b in due})}
    people = {c.id: c for c in await Citizen.filter(id__in={b.citizen_id for b in due})}
    sent = 0
    for booking in due:
        citizen = people[booking.citizen_id]
        person = await state.providers.identity.verify(
            citizens.name_of(state, citizen), citizens.id_number_of(state, citizen))
        if person is None or not person.phone:
            continue
        local = booking.starts_at.astimezone(cal.SHANGHAI)
        await state.providers.sms.send(
            person.phone, "APPOINTMENT_REMINDER",
            {"hall": halls[booking.hall_id].name, "time": f"{local:%m月%d日 %H:%M}",
             "item": cal.SERVICE_ITEMS[booking.service_item][0]},
            idempotency_key=f"remind:{booking.id}")
        await Booking.filter(id=booking.id).update(reminded_at=at)
        sent += 1
    return sent
