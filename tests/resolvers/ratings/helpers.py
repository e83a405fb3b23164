"""Shared setup for the 好差评 tests: served appointments on a controlled clock."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from api.infra.settings import Settings
from api.models import Booking, Certificate, Hall, Slot
from api.providers.identity import Person
from api.services.appointments import booking as appointments
from api.services.appointments import calendar as cal
from api.services.appointments import queue as queue
from mock_providers.outbox import MockRatingPlatform

SERVED_DAY = date(2026, 9, 30)  # a Wednesday, the last working day before 国庆 (10-01..07)
HALL = "FS-CENTRE"


def local(day: date, hhmm: str) -> datetime:
    return cal.at_local(day, hhmm)


class FakeIdentity:
    """Answers every citizen with a phone, so the masked callback number shows."""

    async def verify(self, name: str, id_number: str) -> Person | None:
        return Person(id_number, name, "", "13812345678")


def fake_state(settings: Settings, vault: Any) -> Any:
    return SimpleNamespace(settings=settings, vault=vault,
                           providers=SimpleNamespace(identity=FakeIdentity(),
                                                     rating=MockRatingPlatform()))


async def booked(state: Any, citizen_id: str, day: date = SERVED_DAY,
                 hhmm: str = "09:00", item: str = "TRANSFER") -> Booking:
    await cal.ensure_slots(state, await Hall.get(id=HALL), day)
    slot = await Slot.get(hall_id=HALL, service_item=item, starts_at=local(day, hhmm))
    return (await appointments.book(state, citizen_id, slot_id=str(slot.id),
                                    service_item=item,
                                    at=local(day - timedelta(days=1), "10:00"))).booking


async def served(state: Any, citizen_id: str, day: date = SERVED_DAY,
                 hhmm: str = "09:00", item: str = "TRANSFER",
                 staff: str = "staff:FS-CENTRE:王工") -> Booking:
    """Booked, checked in, called and served: the service is completed at start + 10 min."""
    booking = await booked(state, citizen_id, day, hhmm, item)
    start = local(day, hhmm)
    await queue.check_in(state, citizen_id, str(booking.id), at=start - timedelta(minutes=5))
    ticket = await queue.call_next(HALL, staff=staff, service_item=item, at=start)
    await queue.mark_served(HALL, str(ticket.id), staff=staff,
                            at=start + timedelta(minutes=10))
    return await Booking.get(id=booking.id)


async def certificate(citizen_id: str, issued_at: datetime) -> Certificate:
    """An issued certificate row (issuing through the seal is tested with certificates)."""
    return await Certificate.create(
        id=uuid.uuid4(), number=f"FSBDC{uuid.uuid4().hex[:12]}", citizen_id=citizen_id,
        subject_hash="x" * 64, kind="NO_HOLDINGS", purpose="TAX", code_enc="x", code_mac="x",
        facts={}, qr_payload="x", pdf_sha256="0" * 64, issued_at=issued_at,
        valid_until=issued_at + timedelta(days=30), request_fingerprint="x")
