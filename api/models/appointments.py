"""Halls, their calendar, slot pools, bookings and queue tickets (issue 6).

Capacity lives in ``Slot.booked`` and only ever moves by conditional UPDATEs
(``booked < capacity``); uniqueness rules (one place per citizen per service
item and day, one result per idempotency key, one ticket number per hall, day
and queue) are unique constraints, so they hold across worker processes.
"""

import uuid

from tortoise import fields
from tortoise.models import Model

from api.models.citizen import Citizen


class Hall(Model):
    """A registration hall (办事大厅): the city centre and one per district."""

    id = fields.CharField(primary_key=True, max_length=24)  # e.g. FS-CENTRE, FS-440604
    name = fields.CharField(max_length=60)
    district_code = fields.CharField(max_length=6)
    address = fields.CharField(max_length=120)
    # Opening sessions on a working day, Asia/Shanghai wall time: [["09:00","12:00"], ...]
    sessions: list[list[str]] = fields.JSONField(default=list)  # type: ignore[assignment]
    weekdays: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]  # 0 = Monday
    # Windows open per service item, e.g. {"TRANSFER": 3, "MORTGAGE": 2}.
    windows: dict[str, int] = fields.JSONField(default=dict)  # type: ignore[assignment]
    per_window_per_slot = fields.IntField(default=2)
    walk_ins_per_day = fields.IntField(default=40)  # per service item

    class Meta:
        table = "hall"


class CalendarDay(Model):
    """A day that differs from the weekly pattern: a public holiday, a make-up
    working day (调休) or a closure. ``hall_id`` "*" applies to every hall."""

    id = fields.IntField(primary_key=True)
    hall_id = fields.CharField(max_length=24, default="*")
    day = fields.DateField()
    kind = fields.CharField(max_length=8)  # HOLIDAY | WORKDAY | CLOSED
    name = fields.CharField(max_length=40)  # the reason, e.g. 春节
    # Who set it (``python -m api calendar set``) and when. Hall "*" rows override
    # the holidays library's national calendar (api/services/holiday_calendar.py).
    set_by = fields.CharField(max_length=80, default="")
    set_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_day"
        unique_together = (("hall_id", "day"),)


class CalendarYear(Model):
    """A year an operator confirmed as fully loaded from the State Council's
    notice: the calendar's coverage then extends through it."""

    year = fields.IntField(primary_key=True, generated=False)
    notice = fields.CharField(max_length=120)  # e.g. 国办发明电〔2026〕号
    confirmed_by = fields.CharField(max_length=80)
    confirmed_at = fields.DatetimeField()

    class Meta:
        table = "calendar_year"


class Slot(Model):
    """A 30-minute slot for one service item in one hall."""

    id = fields.UUIDField(primary_key=True)
    hall: fields.ForeignKeyRelation[Hall] = fields.ForeignKeyField(
        "platform.Hall", related_name="slots", on_delete=fields.RESTRICT)
    hall_id: str
    service_item = fields.CharField(max_length=20)
    day = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    booked = fields.IntField(default=0)

    class Meta:
        table = "slot"
        unique_together = (("hall_id", "service_item", "starts_at"),)
        indexes = (("hall_id", "service_item", "day"),)


class BookingAccount(Model):
    """Per-citizen booking state: the suspension, and a row to lock so quota
    checks of one citizen's concurrent requests run one after the other."""

    citizen: fields.OneToOneRelation[Citizen] = fields.OneToOneField(
        "platform.Citizen", related_name="booking_account", on_delete=fields.RESTRICT,
        primary_key=True)
    citizen_id: uuid.UUID
    suspended_until = fields.DatetimeField(null=True)
    touched_at = fields.DatetimeField(null=True)

    class Meta:
        table = "booking_account"


class Booking(Model):
    """An appointment. It holds a place in its slot unless CANCELLED."""

    id = fields.UUIDField(primary_key=True)
    citizen: fields.ForeignKeyRelation[Citizen] = fields.ForeignKeyField(
        "platform.Citizen", related_name="bookings", on_delete=fields.RESTRICT)
    citizen_id: uuid.UUID
    slot: fields.ForeignKeyRelation[Slot] = fields.ForeignKeyField(
        "platform.Slot", related_name="bookings", on_delete=fields.RESTRICT)
    slot_id: uuid.UUID
    hall_id = fields.CharField(max_length=24)
    service_item = fields.CharField(max_length=20)
    day = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    # BOOKED | CHECKED_IN | SERVED | NO_SHOW | CANCELLED
    status = fields.CharField(max_length=12, default="BOOKED")
    # "<service item>:<day>" while BOOKED or CHECKED_IN, else NULL: the unique
    # constraint makes "one active booking per item per day" a database rule.
    active_key = fields.CharField(max_length=40, null=True)
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    no_show_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)
    idempotency_key = fields.CharField(max_length=80, null=True)
    request_fingerprint = fields.CharField(max_length=64, default="")

    class Meta:
        table = "booking"
        unique_together = (("citizen_id", "idempotency_key"), ("citizen_id", "active_key"))
        indexes = (("citizen_id", "day"), ("status", "ends_at"))


class TicketCounter(Model):
    """The last ticket number and walk-ins issued, per hall, day and queue."""

    id = fields.IntField(primary_key=True)
    hall_id = fields.CharField(max_length=24)
    day = fields.DateField()
    service_item = fields.CharField(max_length=20)
    last_number = fields.IntField(default=0)
    walk_ins = fields.IntField(default=0)

    class Meta:
        table = "ticket_counter"
        unique_together = (("hall_id", "day", "service_item"),)


class TicketQuota(Model):
    """Walk-in tickets taken per day by one scope (``citizen:<id>:<hall>`` or
    ``kiosk:<id>``), raised by a conditional UPDATE below the cap (issue 12, item 9)."""

    id = fields.IntField(primary_key=True)
    scope = fields.CharField(max_length=80)
    day = fields.DateField()
    used = fields.IntField(default=0)

    class Meta:
        table = "ticket_quota"
        unique_together = (("scope", "day"),)


class QueueTicket(Model):
    """A queue ticket (取号), e.g. B023, from a check-in or the walk-in pool."""

    id = fields.UUIDField(primary_key=True)
    hall_id = fields.CharField(max_length=24)
    day = fields.DateField()
    service_item = fields.CharField(max_length=20)
    number = fields.IntField()
    code = fields.CharField(max_length=8)
    kind = fields.CharField(max_length=8)  # BOOKED | WALK_IN
    priority = fields.BooleanField(default=False)
    # Asked for at the kiosk (disability, pregnancy...): not priority until a
    # member of staff confirms it; the elderly get it from their ID number.
    priority_requested = fields.BooleanField(default=False)
    priority_confirmed_by = fields.CharField(max_length=80, null=True)
    booking_id = fields.UUIDField(null=True, unique=True)
    citizen_id = fields.UUIDField(null=True, db_index=True)
    status = fields.CharField(max_length=8, default="WAITING")  # WAITING|CALLED|SERVED|NO_SHOW
    issued_at = fields.DatetimeField()
    called_at = fields.DatetimeField(null=True)
    called_by = fields.CharField(max_length=80, null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "queue_ticket"
        unique_together = (("hall_id", "day", "service_item", "number"),)
        indexes = (("hall_id", "day", "status"),)
