"""Issue 6 service rules: calendar, booking refusals, quotas, cut-off, no-shows, queue."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from api.infra.state import AppState
from api.models import Booking, BookingAccount, Hall, QueueTicket, Slot
from api.providers.identity import Person
from api.providers.idnumber import build
from api.services.appointments import booking as appointments
from api.services.appointments import calendar as cal
from api.services.appointments import errors as ae
from api.services.appointments import queue as queue
from api.services.appointments.halls import seed_halls
from api.services.session import citizens

T0 = datetime(2026, 5, 6, 10, 0, tzinfo=cal.SHANGHAI)  # a Wednesday after 劳动节
HALL = "FS-CENTRE"


@pytest.fixture
async def people(db: None, state: AppState) -> list[str]:
    await seed_halls()
    ids = []
    for i, born in enumerate([date(1990, 1, 1), date(1985, 3, 2), date(1950, 6, 1)]):
        c = await citizens.ensure_citizen(state, Person(build("440604", born, 11 + i),
                                                        f"测试{i}", "", None))
        ids.append(str(c.id))
    return ids


async def slot_at(state: AppState, day: date, hhmm: str = "09:00", item: str = "TRANSFER",
                  hall: str = HALL) -> Slot:
    await cal.ensure_slots(state, await Hall.get(id=hall), day)
    return await Slot.get(hall_id=hall, service_item=item, starts_at=cal.at_local(day, hhmm))


async def book(state: AppState, who: str, slot: Slot, at: datetime = T0, **kw: Any) -> Booking:
    return (await appointments.book(state, who, slot_id=str(slot.id),
                                    service_item=slot.service_item, at=at, **kw)).booking


class TestCalendar:
    @pytest.mark.parametrize(("day", "works"), [
        (date(2026, 5, 1), False),   # 劳动节
        (date(2026, 5, 9), True),    # Saturday, 调休 working day
        (date(2026, 5, 16), False),  # ordinary Saturday
        (date(2026, 2, 14), True),   # Saturday before 春节, 调休
        (date(2026, 10, 7), False),  # 国庆节
        (date(2026, 5, 6), True),    # ordinary Wednesday
    ])
    async def test_holidays_and_make_up_days(self, state: AppState, people: list[str],
                                             day: date, works: bool) -> None:
        await cal.ensure_slots(state, await Hall.get(id=HALL), day)
        count = await Slot.filter(hall_id=HALL, day=day).count()
        # 7 half-hours a day (09:00-12:00 is 6, 13:30-17:00 is 7) x 6 items
        assert count == (13 * 6 if works else 0)

    async def test_slots_skip_lunch_and_are_generated_once(self, state: AppState,
                                                           people: list[str]) -> None:
        hall = await Hall.get(id=HALL)
        day = date(2026, 5, 7)
        await cal.ensure_slots(state, hall, day)
        await cal.ensure_slots(state, hall, day)
        starts = [s.starts_at.astimezone(cal.SHANGHAI).strftime("%H:%M") for s in
                  await Slot.filter(hall_id=HALL, day=day, service_item="MORTGAGE")
                  .order_by("starts_at")]
        assert starts[:6] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
        assert starts[6] == "13:30"
        assert "12:00" not in starts
        assert len(starts) == 13
        slot = await Slot.filter(hall_id=HALL, day=day, service_item="MORTGAGE").first()
        assert slot is not None
        assert slot.capacity == 4

    async def test_available_slots_only_released_days(self, state: AppState,
                                                      people: list[str]) -> None:
        # At 2026-05-06 10:00, days up to 05-13 are released (D-7 09:00); 05-14 is not.
        slots = await cal.available_slots(state, HALL, "TRANSFER", date(2026, 5, 6),
                                          date(2026, 5, 15), T0)
        days = sorted({s.day for s in slots})
        assert days == [date(2026, 5, d) for d in (6, 7, 8, 9, 11, 12, 13)]
        assert all(s.starts_at > T0 for s in slots)


    async def test_a_generated_week_costs_constant_statements(
            self, state: AppState, people: list[str],
            caplog: pytest.LogCaptureFixture) -> None:
        week = (date(2026, 5, 6), date(2026, 5, 13))
        await cal.available_slots(state, HALL, "TRANSFER", *week, T0)
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            caplog.clear()
            slots = await cal.available_slots(state, HALL, "TRANSFER", *week, T0)
            n = len([r for r in caplog.records if r.name == "tortoise.db_client"])
        assert slots
        # hall, one grouped count, the weekend's calendar marks, the slots
        assert n <= 4, n


class TestBooking:
    async def test_happy_path_and_double_tap(self, state: AppState, people: list[str]) -> None:
        slot = await slot_at(state, date(2026, 5, 7))
        first = await book(state, people[0], slot, idempotency_key="k1")
        again = await appointments.book(state, people[0], slot_id=str(slot.id),
                                        service_item="TRANSFER", idempotency_key="k1", at=T0)
        assert again.replayed
        assert again.booking.id == first.id
        assert (await Slot.get(id=slot.id)).booked == 1
        other = await slot_at(state, date(2026, 5, 8))
        with pytest.raises(ae.BookingKeyReused):
            await book(state, people[0], other, idempotency_key="k1")

    async def test_slot_full_names_the_next_free_slot(self, state: AppState,
                                                      people: list[str]) -> None:
        slot = await slot_at(state, date(2026, 5, 7))
        assert await appointments.set_capacity(str(slot.id), 1)
        await book(state, people[0], slot)
        with pytest.raises(ae.SlotFull) as exc:
            await book(state, people[1], slot)
        assert exc.value.next_free_slot_id is not None
        assert exc.value.next_free_starts_at is not None
        assert exc.value.next_free_starts_at > T0
        assert (await Slot.get(id=slot.id)).booked == 1

    async def test_next_free_slot_skips_full_ones(self, state: AppState,
                                                  people: list[str]) -> None:
        day = date(2026, 5, 6)  # T0's day: 10:30 and 11:00 are the next two slots
        first, second = await slot_at(state, day, "10:30"), await slot_at(state, day, "11:00")
        for slot in (first, second):
            assert await appointments.set_capacity(str(slot.id), 1)
        await book(state, people[0], first)
        await book(state, people[1], second)
        with pytest.raises(ae.SlotFull) as exc:
            await book(state, people[2], first)
        third = await slot_at(state, day, "11:30")
        assert exc.value.next_free_slot_id == str(third.id)

    async def test_full_slot_refused_cheaply(self, state: AppState, people: list[str],
                                             caplog: pytest.LogCaptureFixture) -> None:
        """The 09:00 crowd's common path: a handful of reads, no writes."""
        slot = await slot_at(state, date(2026, 5, 7))
        assert await appointments.set_capacity(str(slot.id), 1)
        await book(state, people[0], slot)
        await cal.available_slots(state, HALL, "TRANSFER", date(2026, 5, 6),
                                  date(2026, 5, 13), T0)  # the week's days generated
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            caplog.clear()
            with pytest.raises(ae.SlotFull):
                await book(state, people[1], slot)
            sql = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
        assert len(sql) <= 6, sql
        assert not [q for q in sql if q.lstrip().upper().startswith(("INSERT", "UPDATE"))]

    async def test_already_booked_same_item_same_day(self, state: AppState,
                                                     people: list[str]) -> None:
        day = date(2026, 5, 7)
        first = await book(state, people[0], await slot_at(state, day))
        with pytest.raises(ae.AlreadyBooked) as exc:
            await book(state, people[0], await slot_at(state, day, "14:00"))
        assert exc.value.appointment_id == str(first.id)
        # another item the same day is fine
        await book(state, people[0], await slot_at(state, day, "14:00", "MORTGAGE"))

    async def test_weekly_and_monthly_quota(self, state: AppState, people: list[str]) -> None:
        await book(state, people[0], await slot_at(state, date(2026, 5, 7)))
        await book(state, people[0], await slot_at(state, date(2026, 5, 8)))
        with pytest.raises(ae.QuotaExceeded) as exc:
            await book(state, people[0], await slot_at(state, date(2026, 5, 9)))
        assert exc.value.period == "WEEK"
        assert exc.value.until == datetime(2026, 5, 11, tzinfo=cal.SHANGHAI)
        monthly = dataclasses.replace(state, settings=state.settings.model_copy(
            update={"booking_max_per_week": 9, "booking_max_per_month": 3}))
        await book(monthly, people[0], await slot_at(state, date(2026, 5, 9), "10:00",
                                                     "OTHER"))
        later = await slot_at(state, date(2026, 5, 11))
        with pytest.raises(ae.QuotaExceeded) as exc:
            await book(monthly, people[0], later)
        assert exc.value.period == "MONTH"
        assert exc.value.until == datetime(2026, 6, 1, tzinfo=cal.SHANGHAI)

    async def test_outside_booking_window(self, state: AppState, people: list[str]) -> None:
        early = await slot_at(state, date(2026, 5, 14))  # released 05-07 09:00
        with pytest.raises(ae.OutsideBookingWindow) as exc:
            await book(state, people[0], early)
        assert exc.value.opens_at == datetime(2026, 5, 7, 9, 0, tzinfo=cal.SHANGHAI)
        await book(state, people[0], early, at=datetime(2026, 5, 7, 9, 0, tzinfo=cal.SHANGHAI))
        past = await slot_at(state, date(2026, 5, 6), "09:30")
        with pytest.raises(ae.OutsideBookingWindow) as exc:
            await book(state, people[1], past)
        assert exc.value.opens_at is None

    async def test_cancel_and_reschedule_until_the_cutoff(self, state: AppState,
                                                          people: list[str]) -> None:
        slot = await slot_at(state, date(2026, 5, 7), "11:00")
        b = await book(state, people[0], slot)
        late = datetime(2026, 5, 7, 9, 1, tzinfo=cal.SHANGHAI)
        with pytest.raises(ae.ChangeTooLate) as exc:
            await appointments.cancel(state, people[0], str(b.id), at=late)
        assert exc.value.deadline == datetime(2026, 5, 7, 9, 0, tzinfo=cal.SHANGHAI)
        target = await slot_at(state, date(2026, 5, 8), "15:00")
        moved = await appointments.reschedule(state, people[0], str(b.id),
                                              slot_id=str(target.id), at=T0)
        assert moved.slot_id == target.id
        assert (await Slot.get(id=slot.id)).booked == 0
        assert (await Slot.get(id=target.id)).booked == 1
        with pytest.raises(ae.AppointmentNotFound):
            await appointments.cancel(state, people[1], str(b.id), at=T0)
        done = await appointments.cancel(state, people[0], str(b.id), at=T0)
        assert done.status == "CANCELLED"
        assert (await Slot.get(id=target.id)).booked == 0
        with pytest.raises(ae.AppointmentNotActive):
            await appointments.cancel(state, people[0], str(b.id), at=T0)

    async def test_two_no_shows_suspend_booking_for_three_months(self, state: AppState,
                                                                 people: list[str]) -> None:
        await book(state, people[0], await slot_at(state, date(2026, 5, 7)))
        await book(state, people[0], await slot_at(state, date(2026, 5, 8)))
        later = datetime(2026, 5, 11, 10, 0, tzinfo=cal.SHANGHAI)
        assert await appointments.sweep_no_shows(state, later) == 2
        assert await appointments.sweep_no_shows(state, later) == 0  # idempotent
        with pytest.raises(ae.BookingSuspended) as exc:
            await book(state, people[0], await slot_at(state, date(2026, 5, 12)), at=later)
        expected = datetime(2026, 5, 8, 9, 15, tzinfo=cal.SHANGHAI) + timedelta(days=90)
        assert exc.value.until == expected
        account = await BookingAccount.get(citizen_id=people[0])
        assert account.suspended_until == expected
        # the places stay taken: a no-show does not give the slot back
        assert (await Slot.get(hall_id=HALL, service_item="TRANSFER",
                               starts_at=cal.at_local(date(2026, 5, 7), "09:00"))).booked == 1

    async def test_reminders_are_sent_once(self, state: AppState, people: list[str]) -> None:
        class Sms:
            def __init__(self) -> None:
                self.sent: list[str] = []

            async def send(self, phone: str, template: str, params: dict[str, Any], *,
                           idempotency_key: str) -> str:
                self.sent.append(idempotency_key)
                return idempotency_key

        class Identity:
            async def verify(self, name: str, id_number: str) -> Person:
                return Person(id_number, name, "", "13800000000")

        class Providers:
            sms, identity = Sms(), Identity()

        class State:
            providers = Providers()

            def __init__(self, vault: Any) -> None:
                self.vault = vault

        b = await book(state, people[0], await slot_at(state, date(2026, 5, 7)))
        stub = State(state.vault)
        assert await appointments.send_reminders(stub, T0) == 1  # type: ignore[arg-type]
        assert await appointments.send_reminders(stub, T0) == 0  # type: ignore[arg-type]
        assert stub.providers.sms.sent == [f"remind:{b.id}"]


class TestQueue:
    async def test_check_in_window_and_ticket_numbers(self, state: AppState,
                                                      people: list[str]) -> None:
        day = date(2026, 5, 7)
        a = await book(state, people[0], await slot_at(state, day, "09:00", "MORTGAGE"))
        b = await book(state, people[1], await slot_at(state, day, "09:30", "MORTGAGE"))
        too_early = datetime(2026, 5, 7, 8, 29, tzinfo=cal.SHANGHAI)
        with pytest.raises(ae.CheckInWindowClosed) as exc:
            await queue.check_in(state, people[0], str(a.id), at=too_early)
        assert exc.value.opens_at == datetime(2026, 5, 7, 8, 30, tzinfo=cal.SHANGHAI)
        at = datetime(2026, 5, 7, 9, 5, tzinfo=cal.SHANGHAI)
        t1 = await queue.check_in(state, people[0], str(a.id), at=at)
        assert t1.code == "B001"
        assert (await queue.check_in(state, people[0], str(a.id), at=at)).id == t1.id
        with pytest.raises(ae.AppointmentNotFound):
            await queue.check_in(state, people[0], str(b.id), at=at)
        t2 = await queue.check_in(state, people[1], str(b.id), at=at)
        assert t2.code == "B002"
        walk = await queue.take_walk_in(state, None, HALL, "MORTGAGE", at=at)
        assert walk.code == "B003"
        assert walk.kind == "WALK_IN"
        other_queue = await queue.take_walk_in(state, None, HALL, "TRANSFER", at=at)
        assert other_queue.code == "A001"

    async def test_walk_in_pool_and_closed_days(self, state: AppState,
                                                people: list[str]) -> None:
        await Hall.filter(id=HALL).update(walk_ins_per_day=2)
        at = datetime(2026, 5, 7, 9, 5, tzinfo=cal.SHANGHAI)
        for _ in range(2):
            await queue.take_walk_in(state, None, HALL, "OTHER", at=at)
        with pytest.raises(ae.WalkInPoolExhausted):
            await queue.take_walk_in(state, None, HALL, "OTHER", at=at)
        with pytest.raises(ae.HallClosed):
            await queue.take_walk_in(state, None, HALL, "OTHER",
                                     at=datetime(2026, 5, 2, 10, tzinfo=cal.SHANGHAI))

    async def test_call_order_priority_then_booked_then_walk_in(
            self, state: AppState, people: list[str]) -> None:
        day = date(2026, 5, 7)
        at = datetime(2026, 5, 7, 9, 5, tzinfo=cal.SHANGHAI)
        walk = await queue.take_walk_in(state, None, HALL, "TRANSFER", at=at)
        a = await book(state, people[0], await slot_at(state, day, "09:00"))
        booked = await queue.check_in(state, people[0], str(a.id), at=at)
        e = await book(state, people[2], await slot_at(state, day, "09:30"))
        elder = await queue.check_in(state, people[2], str(e.id), at=at)
        assert elder.priority  # born 1950: 75 years old
        mine = await queue.my_ticket(state, str(people[0]), at=at)
        assert mine is not None
        assert mine.people_ahead == 1
        assert mine.estimated_wait_minutes == 10
        order = [(await queue.call_next(HALL, staff="staff:x", at=at)).id for _ in range(3)]
        assert order == [elder.id, booked.id, walk.id]
        with pytest.raises(ae.NoTicketWaiting):
            await queue.call_next(HALL, staff="staff:x", at=at)
        served = await queue.mark_served(HALL, str(booked.id), staff="staff:x", at=at)
        assert served.status == "SERVED"
        assert (await Booking.get(id=a.id)).status == "SERVED"
        with pytest.raises(ae.TicketAlreadyFinished):
            await queue.mark_no_show(state, HALL, str(booked.id), staff="staff:x", at=at)
        with pytest.raises(ae.TicketNotFound):
            await queue.mark_served("FS-440605", str(elder.id), staff="staff:y", at=at)
        gone = await queue.mark_no_show(state, HALL, str(elder.id), staff="staff:x", at=at)
        assert gone.status == "NO_SHOW"
        assert (await Booking.get(id=e.id)).status == "NO_SHOW"
        assert await QueueTicket.filter(status="CALLED").count() == 1


class TestWalkInShares:
    """Issue 12, item 9: one citizen cannot drain the pool; priority is never self-declared."""

    AT = datetime(2026, 5, 7, 9, 5, tzinfo=cal.SHANGHAI)

    async def test_one_citizen_takes_at_most_their_share(self, state: AppState,
                                                         people: list[str]) -> None:
        state.settings.walk_in_per_citizen_per_day = 2
        for item in ("OTHER", "MORTGAGE"):
            await queue.take_walk_in(state, people[0], HALL, item, at=self.AT)
        with pytest.raises(ae.WalkInLimitReached):
            await queue.take_walk_in(state, people[0], HALL, "TRANSFER", at=self.AT)
        # Another hall, another day, another citizen: their own shares.
        other = await queue.take_walk_in(state, people[0], "FS-440605", "OTHER", at=self.AT)
        assert other.kind == "WALK_IN"
        tomorrow = self.AT + timedelta(days=1)
        await queue.take_walk_in(state, people[0], HALL, "OTHER", at=tomorrow)
        await queue.take_walk_in(state, people[1], HALL, "OTHER", at=self.AT)
        assert await QueueTicket.filter(citizen_id=people[0], day=self.AT.date()).count() == 3

    async def test_concurrent_takes_never_pass_the_share(self, state: AppState,
                                                         people: list[str]) -> None:
        state.settings.walk_in_per_citizen_per_day = 2
        results = await asyncio.gather(*[
            queue.take_walk_in(state, people[0], HALL, "OTHER", at=self.AT)
            for _ in range(8)], return_exceptions=True)
        issued = [r for r in results if isinstance(r, QueueTicket)]
        assert len(issued) == 2
        assert all(isinstance(r, ae.WalkInLimitReached) for r in results
                   if not isinstance(r, QueueTicket)), results

    async def test_a_kiosk_takes_at_most_its_share(self, state: AppState,
                                                   people: list[str]) -> None:
        state.settings.walk_in_per_kiosk_per_day = 2
        for who in people[:2]:
            await queue.take_walk_in(state, who, HALL, "OTHER", at=self.AT, kiosk_id="K-1")
        with pytest.raises(ae.WalkInLimitReached):
            await queue.take_walk_in(state, people[2], HALL, "OTHER", at=self.AT,
                                     kiosk_id="K-1")
        await queue.take_walk_in(state, people[2], HALL, "OTHER", at=self.AT, kiosk_id="K-2")

    async def test_self_declared_priority_does_not_jump_the_queue(
            self, state: AppState, people: list[str]) -> None:
        first = await queue.take_walk_in(state, people[0], HALL, "OTHER", at=self.AT)
        claimed = await queue.take_walk_in(state, people[1], HALL, "OTHER", priority=True,
                                           at=self.AT)  # born 1985: 41
        assert not claimed.priority
        assert claimed.priority_requested
        elder = await queue.take_walk_in(state, people[2], HALL, "OTHER",
                                         at=self.AT)  # born 1950: priority by birth date
        assert elder.priority
        order = [(await queue.call_next(HALL, staff="staff:x", at=self.AT)).id for _ in range(3)]
        assert order == [elder.id, first.id, claimed.id]

    async def test_priority_confirmation_is_audited(self, state: AppState,
                                                    people: list[str]) -> None:
        from api.models import AuditEvent

        claimed = await queue.take_walk_in(state, people[1], HALL, "OTHER", priority=True,
                                           at=self.AT)
        await queue.confirm_priority(HALL, str(claimed.id), staff="staff:x")
        [event] = await AuditEvent.filter(action="queue.priority_confirmed")
        assert event.actor == "staff:x"
        assert event.subject == f"ticket:{claimed.id}"

    async def test_staff_confirmation_grants_priority(self, state: AppState,
                                                      people: list[str]) -> None:
        first = await queue.take_walk_in(state, people[0], HALL, "OTHER", at=self.AT)
        claimed = await queue.take_walk_in(state, people[1], HALL, "OTHER", priority=True,
                                           at=self.AT)
        with pytest.raises(ae.TicketNotFound):  # staff of another hall
            await queue.confirm_priority("FS-440605", str(claimed.id), staff="staff:y")
        confirmed = await queue.confirm_priority(HALL, str(claimed.id), staff="staff:x")
        assert confirmed.priority
        assert confirmed.priority_confirmed_by == "staff:x"
        order = [(await queue.call_next(HALL, staff="staff:x", at=self.AT)).id for _ in range(2)]
        assert order == [claimed.id, first.id]
