import functools
from json import dumps, loads
from typing import Any
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# A rating is never edited or removed (RELIABILITY 35): an appeal only decides
# whether statistics count it. Enforced by the database, like the audit trail.
_PG_UP = """
CREATE OR REPLACE FUNCTION rating_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'rating is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rating_no_update BEFORE UPDATE OR DELETE ON rating
  FOR EACH ROW EXECUTE FUNCTION rating_append_only();
"""
_PG_DOWN = """
DROP TRIGGER IF EXISTS rating_no_update ON rating;
DROP FUNCTION IF EXISTS rating_append_only();
"""
_SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS rating_no_update BEFORE UPDATE ON rating
       BEGIN SELECT RAISE(ABORT, 'rating is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS rating_no_delete BEFORE DELETE ON rating
       BEGIN SELECT RAISE(ABORT, 'rating is append-only'); END""",
]
_SQLITE_DOWN = ["DROP TRIGGER IF EXISTS rating_no_update",
                "DROP TRIGGER IF EXISTS rating_no_delete"]


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
    dependencies = [('platform', '0008_appointments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('service_ref', fields.CharField(unique=True, max_length=64)),
                ('service_kind', fields.CharField(max_length=12)),
                ('service_id', fields.UUIDField(db_index=True)),
                ('citizen_id', fields.UUIDField(db_index=True)),
                ('hall_id', fields.CharField(max_length=24)),
                ('window', fields.CharField(null=True, max_length=80)),
                ('service_item', fields.CharField(max_length=20)),
                ('level', fields.CharField(max_length=20)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(null=True, unique=False)),
                ('channel', fields.CharField(max_length=12)),
                ('is_default', fields.BooleanField(default=False)),
                ('callback_masked', fields.CharField(null=True, max_length=16)),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rating', 'app': 'platform', 'indexes': [Index(fields=['hall_id', 'rated_at']), Index(fields=['citizen_id', 'rated_at'])], 'pk_attr': 'id', 'table_description': 'A rating of one completed service by its recipient (一事一评).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingAppeal',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('rating_id', fields.UUIDField(unique=True)),
                ('hall_id', fields.CharField(db_index=True, max_length=24)),
                ('appealed_by', fields.CharField(max_length=80)),
                ('reason', fields.TextField(unique=False)),
                ('status', fields.CharField(default='PENDING', max_length=10)),
                ('reviewed_by', fields.CharField(null=True, max_length=80)),
                ('review_note', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rating_appeal', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'An appeal by the hall against a rating, decided by a reviewer outside the hall.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingOutbox',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('idempotency_key', fields.CharField(unique=True, max_length=120)),
                ('kind', fields.CharField(max_length=24)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'rating_outbox', 'app': 'platform', 'indexes': [Index(fields=['delivered_at', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'A message for the provincial 好差评 platform, written in the transaction of'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingWorkOrder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('rating_id', fields.UUIDField(unique=True)),
                ('hall_id', fields.CharField(db_index=True, max_length=24)),
                ('window', fields.CharField(null=True, max_length=80)),
                ('status', fields.CharField(default='OPEN', max_length=12)),
                ('callback_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rectify_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('called_back_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rectified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('response', fields.TextField(null=True, unique=False)),
                ('rectification', fields.TextField(null=True, unique=False)),
                ('closing_note', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rating_work_order', 'app': 'platform', 'pk_attr': 'id', 'table_description': '差评工单: opened by a 不满意 / 非常不满意 rating for the hall concerned.'},
            bases=['Model'],
        ),
        ops.RunPython(_up, _down),
    ]
