import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('platform', '0004_records')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=24)),
                ('citizen', fields.ForeignKeyField('platform.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('subject_hash', fields.CharField(db_index=True, max_length=64)),
                ('kind', fields.CharField(max_length=12)),
                ('purpose', fields.CharField(max_length=20)),
                ('code_enc', fields.TextField(unique=False)),
                ('code_mac', fields.CharField(max_length=64)),
                ('facts', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('qr_payload', fields.TextField(unique=False)),
                ('pdf_sha256', fields.CharField(max_length=64)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('superseded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(null=True, max_length=200)),
                ('revoked_by', fields.CharField(null=True, max_length=80)),
                ('idempotency_key', fields.CharField(null=True, max_length=80)),
                ('request_fingerprint', fields.CharField(max_length=64)),
            ],
            options={'table': 'certificate', 'app': 'platform', 'unique_together': (('citizen_id', 'idempotency_key'),), 'indexes': [Index(fields=['citizen_id', 'issued_at'])], 'pk_attr': 'id', 'table_description': 'An issued 查询结果证明 / 无房证明. The PDF lives in ``CertificateDocument``,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CertificateDocument',
            fields=[
                ('certificate', fields.OneToOneField('platform.Certificate', source_field='certificate_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='document', on_delete=OnDelete.RESTRICT)),
                ('pdf', fields.BinaryField()),
            ],
            options={'table': 'certificate_document', 'app': 'platform', 'pk_attr': 'certificate_id', 'table_description': 'The signed PDF (e-archive copy), one per certificate.'},
            bases=['Model'],
        ),
    ]
