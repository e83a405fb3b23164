from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('mock', '0001_initial')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='RegisterHolder',
            name='right',
            field=fields.ForeignKeyField('mock.RegisterRight', source_field='right_id', db_index=True, db_constraint=True, to_field='id', related_name='holders', on_delete=OnDelete.RESTRICT),
        ),
    ]
