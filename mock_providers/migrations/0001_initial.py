import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='IdentityRecord',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('id_number_hash', fields.CharField(unique=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('gender', fields.CharField(max_length=1)),
                ('phone_enc', fields.TextField(null=True, unique=False)),
                ('photo_enc', fields.TextField(null=True, unique=False)),
                ('photo_sha256', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mock_identity', 'app': 'mock', 'pk_attr': 'id', 'table_description': '公安 population registry: a real person and their ID-card photo.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('recipient', fields.CharField(max_length=120)),
                ('template', fields.CharField(max_length=40)),
                ('body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('idempotency_key', fields.CharField(unique=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mock_outbox', 'app': 'mock', 'pk_attr': 'id', 'table_description': 'What the SMS gateway and the provincial rating platform were sent.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterUnit',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('unit_no', fields.CharField(unique=True, max_length=28)),
                ('district_code', fields.CharField(db_index=True, max_length=6)),
                ('address', fields.CharField(max_length=200)),
                ('use', fields.CharField(max_length=16)),
                ('building_area', fields.DecimalField(max_digits=10, decimal_places=2)),
                ('interior_area', fields.DecimalField(max_digits=10, decimal_places=2)),
                ('land_right_type', fields.CharField(max_length=32)),
                ('land_use_start', fields.DateField()),
                ('land_use_end', fields.DateField()),
                ('structure', fields.CharField(max_length=16)),
                ('floor', fields.IntField()),
                ('total_floors', fields.IntField()),
                ('completed_year', fields.IntField()),
            ],
            options={'table': 'mock_reg_unit', 'app': 'mock', 'pk_attr': 'id', 'table_description': '不动产单元: a flat, shop, office or parking space with its land.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterEncumbrance',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('mock.RegisterUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='encumbrances', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=20)),
                ('proof_no', fields.CharField(unique=True, max_length=40)),
                ('party', fields.CharField(max_length=80)),
                ('amount', fields.DecimalField(null=True, max_digits=14, decimal_places=2)),
                ('document_no', fields.CharField(null=True, max_length=60)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField(null=True)),
                ('status', fields.CharField(default='ACTIVE', max_length=10)),
                ('registered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mock_reg_encumbrance', 'app': 'mock', 'indexes': [Index(fields=['unit_id', 'status'])], 'pk_attr': 'id', 'table_description': '抵押权 / 查封 / 预告登记 / 异议登记 on a unit.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterEvent',
            fields=[
                ('seq', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('mock.RegisterUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=32)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('holder_hashes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'mock_reg_event', 'app': 'mock', 'pk_attr': 'seq', 'table_description': 'Something that happened in the register, consumers poll it by ``seq``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterRight',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('mock.RegisterUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='rights', on_delete=OnDelete.RESTRICT)),
                ('title_no', fields.CharField(unique=True, max_length=40)),
                ('right_type', fields.CharField(max_length=40)),
                ('co_ownership', fields.CharField(max_length=10)),
                ('acquired_via', fields.CharField(max_length=16)),
                ('registered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('current', fields.BooleanField(default=True)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mock_reg_right', 'app': 'mock', 'indexes': [Index(fields=['unit_id', 'current'])], 'pk_attr': 'id', 'table_description': 'A registered right on a unit (房屋所有权 with its land-use right), current or past.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterHolder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('right', fields.ForeignKeyField('mock.RegisterRight', source_field='right_id', db_constraint=True, to_field='id', related_name='holders', on_delete=OnDelete.RESTRICT)),
                ('holder_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('share_percent', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
            ],
            options={'table': 'mock_reg_holder', 'app': 'mock', 'pk_attr': 'id', 'table_description': '权利人 of a right, several rows make co-ownership.'},
            bases=['Model'],
        ),
    ]
