import functools
from json import dumps, loads
from typing import Any
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Defence in depth behind the conditional UPDATEs: the counter can never leave
# [0, capacity], whatever code path writes it.
_PG_UP = ("ALTER TABLE slot ADD CONSTRAINT slot_booked_within_capacity "
          "CHECK (booked >= 0 AND booked <= capacity)")
_PG_DOWN = "ALTER TABLE slot DROP CONSTRAINT IF EXISTS slot_booked_within_capacity"
_SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS slot_booked_within_capacity_u BEFORE UPDATE ON slot
       WHEN NEW.booked < 0 OR NEW.booked > NEW.capacity
       BEGIN SELECT RAISE(ABORT, 'slot booked outside [0, capacity]'); END""",
    """CREATE TRIGGER IF NOT EXISTS slot_booked_within_capacity_i BEFORE INSERT ON slot
       WHEN NEW.booked < 0 OR NEW.booked > NEW.capacity
       BEGIN SELECT RAISE(ABORT, 'slot booked outside [0, capacity]'); END""",
]
_SQLITE_DOWN = ["DROP TRIGGER IF EXISTS slot_booked_within_capacity_u",
                "DROP TRIGGER IF EXISTS slot_booked_within_capacity_i"]


def _is_postgres(editor: Any) -> bool:
    return "postgres" in type(editor.client).__module__ or "asyncpg" in type(
        editor.client).__module__


async def _up(apps: Any, editor: Any) -> None:
    for sql in [_PG_UP] if _is_postgres(editor) else _SQLITE_UP:
        await editor.client.execute_script(sql)


async def _down(apps: Any, editor: Any) -> None:
    for sql in [_PG_DOWN] if _is_postgres(editor) else _SQLITE_DOWN:
        await editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [('platform', '0007_third_party')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BookingAccount',
            fields=[
                ('citizen', fields.OneToOneField('platform.Citizen', source_field='citizen_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='booking_account', on_delete=OnDelete.RESTRICT)),
                ('suspended_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('touched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'booking_account', 'app': 'platform', 'pk_attr': 'citizen_id', 'table_description': 'Per-citizen booking state: the suspension, and a row to lock so quota'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall_id', fields.CharField(default='*', max_length=24)),
                ('day', fields.DateField()),
                ('kind', fields.CharField(max_length=8)),
                ('name', fields.CharField(max_length=40)),
            ],
            options={'table': 'calendar_day', 'app': 'platform', 'unique_together': (('hall_id', 'day'),), 'pk_attr': 'id', 'table_description': 'A day that differs from the weekly pattern: a public holiday, a make-up'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Hall',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=24)),
                ('name', fields.CharField(max_length=60)),
                ('district_code', fields.CharField(max_length=6)),
                ('address', fields.CharField(max_length=120)),
                ('sessions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('weekdays', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('windows', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('per_window_per_slot', fields.IntField(default=2)),
                ('walk_ins_per_day', fields.IntField(default=40)),
            ],
            options={'table': 'hall', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'A registration hall (办事大厅): the city centre and one per district.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QueueTicket',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('hall_id', fields.CharField(max_length=24)),
                ('day', fields.DateField()),
                ('service_item', fields.CharField(max_length=20)),
                ('number', fields.IntField()),
                ('code', fields.CharField(max_length=8)),
                ('kind', fields.CharField(max_length=8)),
                ('priority', fields.BooleanField(default=False)),
                ('booking_id', fields.UUIDField(null=True, unique=True)),
                ('citizen_id', fields.UUIDField(null=True, db_index=True)),
                ('status', fields.CharField(default='WAITING', max_length=8)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('called_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('called_by', fields.CharField(null=True, max_length=80)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'queue_ticket', 'app': 'platform', 'unique_together': (('hall_id', 'day', 'service_item', 'number'),), 'indexes': [Index(fields=['hall_id', 'day', 'status'])], 'pk_attr': 'id', 'table_description': 'A queue ticket (取号), e.g. B023, from a check-in or the walk-in pool.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Slot',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('hall', fields.ForeignKeyField('platform.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.RESTRICT)),
                ('service_item', fields.CharField(max_length=20)),
                ('day', fields.DateField()),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField()),
                ('booked', fields.IntField(default=0)),
            ],
            options={'table': 'slot', 'app': 'platform', 'unique_together': (('hall_id', 'service_item', 'starts_at'),), 'indexes': [Index(fields=['hall_id', 'service_item', 'day'])], 'pk_attr': 'id', 'table_description': 'A 30-minute slot for one service item in one hall.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('platform.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('slot', fields.ForeignKeyField('platform.Slot', source_field='slot_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('hall_id', fields.CharField(max_length=24)),
                ('service_item', fields.CharField(max_length=20)),
                ('day', fields.DateField()),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='BOOKED', max_length=12)),
                ('active_key', fields.CharField(null=True, max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('no_show_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('idempotency_key', fields.CharField(null=True, max_length=80)),
                ('request_fingerprint', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'booking', 'app': 'platform', 'unique_together': (('citizen_id', 'idempotency_key'), ('citizen_id', 'active_key')), 'indexes': [Index(fields=['citizen_id', 'day']), Index(fields=['status', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'An appointment. It holds a place in its slot unless CANCELLED.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall_id', fields.CharField(max_length=24)),
                ('day', fields.DateField()),
                ('service_item', fields.CharField(max_length=20)),
                ('last_number', fields.IntField(default=0)),
                ('walk_ins', fields.IntField(default=0)),
            ],
            options={'table': 'ticket_counter', 'app': 'platform', 'unique_together': (('hall_id', 'day', 'service_item'),), 'pk_attr': 'id', 'table_description': 'The last ticket number and walk-ins issued, per hall, day and queue.'},
            bases=['Model'],
        ),
        ops.RunPython(_up, _down),
    ]
