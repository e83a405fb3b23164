from uuid import uuid4

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('platform', '0003_sessions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Cursor',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('position', fields.BigIntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'feed_cursor', 'app': 'platform', 'pk_attr': 'name', 'table_description': 'How far a consumer has read an external feed (e.g. register events).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DataAccess',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('subject_hash', fields.CharField(max_length=64)),
                ('accessor_kind', fields.CharField(max_length=12)),
                ('accessor_name', fields.CharField(max_length=80)),
                ('channel', fields.CharField(max_length=16)),
                ('purpose', fields.CharField(max_length=40)),
                ('scope', fields.CharField(max_length=40)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('request_id', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'data_access', 'app': 'platform', 'indexes': [Index(fields=['subject_hash', 'at'])], 'pk_attr': 'id', 'table_description': "Who read a citizen's register data, when, through which channel, for what."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('subject_hash', fields.CharField(max_length=64)),
                ('source', fields.CharField(max_length=48)),
                ('kind', fields.CharField(max_length=32)),
                ('severity', fields.CharField(max_length=8)),
                ('title', fields.CharField(max_length=80)),
                ('body', fields.CharField(max_length=400)),
                ('unit_no', fields.CharField(null=True, max_length=28)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'platform', 'unique_together': (('source', 'subject_hash'),), 'indexes': [Index(fields=['subject_hash', 'at'])], 'pk_attr': 'id', 'table_description': "Something happened to one of a citizen's properties (or their data was read)."},
            bases=['Model'],
        ),
    ]
