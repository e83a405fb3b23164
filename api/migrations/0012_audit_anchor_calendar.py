"""Issue 12 items 5 and 16.

- ``audit_checkpoint``: signed, timestamped anchors of the audit chain, INSERT-only
  (UPDATE, DELETE and TRUNCATE refused by triggers), and its delivery outbox;
- TRUNCATE of ``audit_event`` refused too (a row trigger never sees a TRUNCATE);
- the calendar's operator overrides: who set a day and why, and which years an
  operator confirmed as loaded from the State Council's notice;
- work orders remember whether their deadlines were computed past the calendar's
  coverage (provisional).
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

_PG_UP = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""
_PG_DOWN = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;
DROP TRIGGER IF EXISTS audit_checkpoint_no_update ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint;
DROP FUNCTION IF EXISTS audit_append_only();
"""
# SQLite has no TRUNCATE: "DELETE FROM t" runs the DELETE trigger.
_SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END""",
]
_SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_checkpoint_no_update",
                "DROP TRIGGER IF EXISTS audit_checkpoint_no_delete"]


def _is_postgres(editor: Any) -> bool:
    return "postgres" in type(editor.client).__module__ or "asyncpg" in type(
        editor.client).__module__


async def _up(apps: Any, editor: Any) -> None:
    for sql in [_PG_UP] if _is_postgres(editor) else _SQLITE_UP:
        await editor.client.execute_script(sql)


async def _down(apps: Any, editor: Any) -> None:
    for sql in [_PG_DOWN] if _is_postgres(editor) else _SQLITE_DOWN:
        await editor.client.execute_script(sql)


async def _drop_sample_calendar(apps: Any, editor: Any) -> None:
    """Hall "*" rows so far came only from the demo seed's sample 2026 calendar;
    the national calendar is the holidays library's now, with operator rows
    (``set_by`` filled in) on top."""
    await editor.client.execute_script("DELETE FROM calendar_day WHERE hall_id = '*' AND set_by = ''")


async def _noop(apps: Any, editor: Any) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [('platform', '0011_documents_at_rest')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('head_seq', fields.BigIntField()),
                ('head_hash', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('statement', fields.TextField(unique=False)),
                ('digest', fields.CharField(unique=True, max_length=64)),
                ('prev_digest', fields.CharField(unique=True, max_length=64)),
                ('signature', fields.TextField(unique=False)),
                ('signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_checkpoint', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'An anchor of the audit chain: its head (seq + hash) at one moment, in a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditCheckpointOutbox',
            fields=[
                ('checkpoint_id', fields.BigIntField(primary_key=True, generated=False, unique=True, db_index=True)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'audit_checkpoint_outbox', 'app': 'platform', 'indexes': [Index(fields=['delivered_at', 'next_attempt_at'])], 'pk_attr': 'checkpoint_id', 'table_description': "Delivery of a checkpoint's copy to the archive (at least once, keyed)."},
            bases=['Model'],
        ),
        ops.RunPython(_up, _down),
        ops.AddField(
            model_name='CalendarDay',
            name='set_by',
            field=fields.CharField(default='', max_length=80),
        ),
        ops.AddField(
            model_name='CalendarDay',
            name='set_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.CreateModel(
            name='CalendarYear',
            fields=[
                ('year', fields.IntField(primary_key=True, generated=False, unique=True, db_index=True)),
                ('notice', fields.CharField(max_length=120)),
                ('confirmed_by', fields.CharField(max_length=80)),
                ('confirmed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_year', 'app': 'platform', 'pk_attr': 'year', 'table_description': 'A year an operator confirmed as fully loaded from the State Council\'s'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='RatingWorkOrder',
            name='deadlines_provisional',
            field=fields.BooleanField(default=False),
        ),
        ops.RunPython(_drop_sample_calendar, _noop),
    ]
