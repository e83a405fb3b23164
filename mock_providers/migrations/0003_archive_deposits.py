import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('mock', '0002_holder_right_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ArchiveDeposit',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('head_seq', fields.BigIntField()),
                ('body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mock_archive_deposit', 'app': 'mock', 'pk_attr': 'key', 'table_description': 'What the mock archive side was sent: copies of audit checkpoints.'},
            bases=['Model'],
        ),
    ]
