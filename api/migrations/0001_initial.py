import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('seq', fields.BigIntField(primary_key=True, generated=False, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(max_length=80)),
                ('action', fields.CharField(max_length=64)),
                ('subject', fields.CharField(default='', max_length=120)),
                ('request_id', fields.CharField(default='', max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prev_hash', fields.CharField(unique=True, max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_event', 'app': 'platform', 'pk_attr': 'seq', 'table_description': '数字留痕: one row per audited action, hash-chained and append-only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Citizen',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('id_number_hash', fields.CharField(unique=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('masked_name', fields.CharField(max_length=32)),
                ('masked_id_number', fields.CharField(max_length=18)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'citizen', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'A person who has used the platform. Identity comes from the identity provider,'},
            bases=['Model'],
        ),
    ]
