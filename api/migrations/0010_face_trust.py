"""Issue 12 (items 2, 8, 9, 10): enrolled kiosks, platform subjects bound to an identity,
retired refresh secrets, walk-in quotas, encrypted selfie embeddings, requested priority."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('platform', '0009_ratings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Kiosk',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=24)),
                ('hall_id', fields.CharField(max_length=24)),
                ('label', fields.CharField(default='', max_length=60)),
                ('public_key_pem', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'kiosk', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'An enrolled self-service terminal (自助终端). It signs each face capture'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlatformSubject',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('issuer', fields.CharField(max_length=64)),
                ('subject', fields.CharField(max_length=128)),
                ('id_number_hash', fields.CharField(max_length=64)),
                ('bound_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'platform_subject', 'app': 'platform', 'unique_together': (('issuer', 'subject'),), 'pk_attr': 'id', 'table_description': 'A mini-program platform account (issuer + subject) bound to one identity'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RetiredRefresh',
            fields=[
                ('hash', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('session_id', fields.UUIDField(db_index=True)),
                ('retired_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refresh_retired', 'app': 'platform', 'pk_attr': 'hash', 'table_description': 'The hash of every refresh secret a family has rotated away: only a token'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketQuota',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(max_length=80)),
                ('day', fields.DateField()),
                ('used', fields.IntField(default=0)),
            ],
            options={'table': 'ticket_quota', 'app': 'platform', 'unique_together': (('scope', 'day'),), 'pk_attr': 'id', 'table_description': 'Walk-in tickets taken per day by one scope (``citizen:<id>:<hall>`` or'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='FaceAttempt',
            name='embedding_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='LoginSession',
            name='kiosk_id',
            field=fields.CharField(null=True, max_length=24),
        ),
        ops.AddField(
            model_name='QueueTicket',
            name='priority_confirmed_by',
            field=fields.CharField(null=True, max_length=80),
        ),
        ops.AddField(
            model_name='QueueTicket',
            name='priority_requested',
            field=fields.BooleanField(default=False),
        ),
    ]
