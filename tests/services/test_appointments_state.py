"""RELIABILITY R5 item 26: a state machine over book / cancel / reschedule / no-show /
capacity change keeps ``booked == places held <= capacity`` for every slot.

Hypothesis drives the machine synchronously, so it runs in a worker thread and
sends each step to the test's event loop (where the ORM lives) and waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Awaitable
from datetime import date, datetime
from typing import Any, TypeVar

from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from api.errors import DomainError
from api.infra.db import in_transaction
from api.models import Booking, Hall, Slot
from api.providers.identity import Person
from api.providers.idnumber import build
from api.services.appointments import booking as appointments
from api.services.appointments import calendar as cal
from api.services.appointments.halls import seed_halls
from api.services.session import citizens

T = TypeVar("T")
T0 = datetime(2026, 5, 6, 10, 0, tzinfo=cal.SHANGHAI)
TIMES = [(date(2026, 5, 7), "09:00"), (date(2026, 5, 7), "09:30"), (date(2026, 5, 8), "14:00")]


async def test_booking_state_machine(db: None, state: Any) -> None:
    await seed_halls()
    rules = dataclasses.replace(state, settings=state.settings.model_copy(update={
        "booking_max_per_week": 50, "booking_max_per_month": 50,
        "booking_no_shows_to_suspend": 1000}))
    hall = await Hall.get(id="FS-CENTRE")
    for day in {d for d, _ in TIMES}:
        await cal.ensure_slots(rules, hall, day)
    slot_ids = [str((await Slot.get(hall_id=hall.id, service_item="OTHER",
                                    starts_at=cal.at_local(d, t))).id) for d, t in TIMES]
    people = [str((await citizens.ensure_citizen(state, Person(
        build("440607", date(1975, 1, 1), 300 + i), f"状态{i}", "", None))).id)
        for i in range(4)]
    loop = asyncio.get_running_loop()

    def run(step: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await step

        return asyncio.run_coroutine_threadsafe(wrapped(), loop).result(timeout=30)

    async def reset() -> None:
        await Booking.all().delete()
        await Slot.filter(id__in=slot_ids).update(booked=0, capacity=2)

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            run(reset())
            self.bookings: list[str] = []

        @rule(who=st.integers(0, 3), slot=st.integers(0, 2))
        def book(self, who: int, slot: int) -> None:
            try:
                b = run(appointments.book(rules, people[who], slot_id=slot_ids[slot],
                                          service_item="OTHER", at=T0))
                self.bookings.append(str(b.booking.id))
            except DomainError:
                pass

        @rule(i=st.integers(0, 20))
        def cancel(self, i: int) -> None:
            if self.bookings:
                b = self.bookings[i % len(self.bookings)]
                owner = run(Booking.get(id=b)).citizen_id
                with contextlib.suppress(DomainError):
                    run(appointments.cancel(rules, str(owner), b, at=T0))

        @rule(i=st.integers(0, 20), slot=st.integers(0, 2))
        def reschedule(self, i: int, slot: int) -> None:
            if self.bookings:
                b = self.bookings[i % len(self.bookings)]
                owner = run(Booking.get(id=b)).citizen_id
                with contextlib.suppress(DomainError):
                    run(appointments.reschedule(rules, str(owner), b, slot_id=slot_ids[slot],
                                                at=T0))

        @rule(i=st.integers(0, 20))
        def no_show(self, i: int) -> None:
            if self.bookings:
                b = run(Booking.get(id=self.bookings[i % len(self.bookings)]))

                async def mark() -> None:
                    async with in_transaction() as tx:
                        await appointments.record_no_show(rules, b, at=T0, actor="test", tx=tx)

                run(mark())

        @rule(slot=st.integers(0, 2), capacity=st.integers(0, 4))
        def change_capacity(self, slot: int, capacity: int) -> None:
            run(appointments.set_capacity(slot_ids[slot], capacity))

        @invariant()
        def booked_matches_places_held(self) -> None:
            async def check() -> None:
                for sid in slot_ids:
                    s = await Slot.get(id=sid)
                    held = await Booking.filter(slot_id=sid).exclude(status="CANCELLED").count()
                    assert s.booked == held <= s.capacity, (s.booked, held, s.capacity)

            run(check())

    Machine.TestCase.settings = hsettings(max_examples=25, stateful_step_count=20, deadline=None,
                                         suppress_health_check=list(HealthCheck))
    await asyncio.to_thread(run_state_machine_as_test, Machine)
