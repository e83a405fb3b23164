from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('platform', '0002_audit_append_only')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Consent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('id_number_hash', fields.CharField(db_index=True, max_length=64)),
                ('kind', fields.CharField(max_length=16)),
                ('version', fields.CharField(max_length=16)),
                ('channel', fields.CharField(max_length=16)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent', 'app': 'platform', 'indexes': [Index(fields=['id_number_hash', 'kind', 'withdrawn_at'])], 'pk_attr': 'id', 'table_description': 'Separate, versioned consent (e.g. biometric processing), withdrawable.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FaceAttempt',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('id_number_hash', fields.CharField(db_index=True, max_length=64)),
                ('selfie_sha256', fields.CharField(db_index=True, max_length=64)),
                ('distance', fields.FloatField(null=True)),
                ('outcome', fields.CharField(max_length=24)),
                ('channel', fields.CharField(max_length=16)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'face_attempt', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'What is kept of a face attempt: a hash of the selfie and the score, never the image.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginSession',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('platform.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('refresh_hash', fields.CharField(unique=True, max_length=64)),
                ('previous_hash', fields.CharField(null=True, max_length=64)),
                ('generation', fields.IntField(default=0)),
                ('assurance_level', fields.CharField(max_length=4)),
                ('channel', fields.CharField(max_length=16)),
                ('device_label', fields.CharField(default='', max_length=80)),
                ('ip_prefix', fields.CharField(default='', max_length=48)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('rotated_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(null=True, max_length=32)),
            ],
            options={'table': 'login_session', 'app': 'platform', 'indexes': [Index(fields=['citizen_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': 'One signed-in device: a refresh-token family (RFC 9700 rotation).'},
            bases=['Model'],
        ),
    ]
