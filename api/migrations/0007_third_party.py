import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('platform', '0006_holder_right_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiClient',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('name', fields.CharField(max_length=80)),
                ('kind', fields.CharField(max_length=12)),
                ('secret_hash', fields.CharField(null=True, max_length=200)),
                ('public_key_pem', fields.TextField(null=True, unique=False)),
                ('allowed', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('rate_per_minute', fields.IntField(default=60)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'api_client', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'An approved institution (school enrolment office, hukou office, bank).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProofRequest',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('platform.ApiClient', source_field='client_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.RESTRICT)),
                ('citizen', fields.ForeignKeyField('platform.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='proof_requests', on_delete=OnDelete.RESTRICT)),
                ('purpose', fields.CharField(max_length=20)),
                ('question', fields.CharField(max_length=40)),
                ('params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='PENDING', max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decide_by', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('grant_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('max_uses', fields.IntField(default=1)),
                ('uses', fields.IntField(default=0)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'proof_request', 'app': 'platform', 'indexes': [Index(fields=['citizen_id', 'status']), Index(fields=['client_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "A client's narrow question about one citizen, and the citizen's decision."},
            bases=['Model'],
        ),
    ]
