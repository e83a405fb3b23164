import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('mock', '0004_outbox_recipient_encrypted')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeathRow',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('person_hash', fields.CharField(unique=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('died_on', fields.DateField()),
                ('certificate_no', fields.CharField(max_length=40)),
            ],
            options={'table': 'mock_civil_death', 'app': 'mock', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FiledContractRow',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('filing_no', fields.CharField(unique=True, max_length=32)),
                ('kind', fields.CharField(max_length=16)),
                ('status', fields.CharField(max_length=10)),
                ('unit_no', fields.CharField(db_index=True, max_length=28)),
                ('price', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('signed_on', fields.DateField()),
                ('filed_on', fields.DateField()),
                ('cancelled_on', fields.DateField(null=True)),
                ('buyer_co_ownership', fields.CharField(max_length=10)),
            ],
            options={'table': 'mock_hc_contract', 'app': 'mock', 'pk_attr': 'id', 'table_description': '住建 网签备案: a filed sale contract.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContractPartyRow',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('contract', fields.ForeignKeyField('mock.FiledContractRow', source_field='contract_id', db_index=True, db_constraint=True, to_field='id', related_name='parties', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharField(max_length=6)),
                ('position', fields.SmallIntField()),
                ('party_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('share_percent', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
            ],
            options={'table': 'mock_hc_contract_party', 'app': 'mock', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FormerIdNumber',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('mock.IdentityRecord', source_field='person_id', db_constraint=True, to_field='id', related_name='former_id_numbers', on_delete=OnDelete.RESTRICT)),
                ('id_number_hash', fields.CharField(unique=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('changed_on', fields.DateField()),
                ('reason', fields.CharField(max_length=16)),
            ],
            options={'table': 'mock_identity_former_id', 'app': 'mock', 'pk_attr': 'id', 'table_description': 'An ID number a person held before (15-digit upgrade, or a corrected number).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LicenceRow',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=60)),
                ('code', fields.CharField(max_length=12)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('pdf_sha256', fields.CharField(max_length=64)),
                ('status', fields.CharField(default='VALID', max_length=8)),
                ('revoked_reason', fields.CharField(null=True, max_length=60)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('registered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mock_elicence', 'app': 'mock', 'pk_attr': 'id', 'table_description': '电子证照: one registered e-licence.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LicenceHolderRow',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('licence', fields.ForeignKeyField('mock.LicenceRow', source_field='licence_id', db_index=True, db_constraint=True, to_field='id', related_name='holders', on_delete=OnDelete.RESTRICT)),
                ('position', fields.SmallIntField()),
                ('holder_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
            ],
            options={'table': 'mock_elicence_holder', 'app': 'mock', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MarriageRow',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('person_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('spouse_name_enc', fields.TextField(unique=False)),
                ('spouse_id_number_enc', fields.TextField(unique=False)),
                ('married_on', fields.DateField()),
                ('ended_on', fields.DateField(null=True)),
                ('ended_by', fields.CharField(null=True, max_length=8)),
            ],
            options={'table': 'mock_civil_marriage', 'app': 'mock', 'pk_attr': 'id', 'table_description': '民政 marriage registration, one row per spouse and marriage.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterBatchRecord',
            fields=[
                ('case_ref', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('unit', fields.ForeignKeyField('mock.RegisterUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='batches', on_delete=OnDelete.RESTRICT)),
                ('batch_sha256', fields.CharField(max_length=64)),
                ('applied_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('result', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'mock_reg_batch', 'app': 'mock', 'pk_attr': 'case_ref', 'table_description': 'A batch applied by ``register``: the unique key makes a retry a replay.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterObjector',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('encumbrance', fields.OneToOneField('mock.RegisterEncumbrance', source_field='encumbrance_id', db_constraint=True, to_field='id', related_name='objector', on_delete=OnDelete.RESTRICT)),
                ('party_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('reason', fields.TextField(unique=False)),
            ],
            options={'table': 'mock_reg_objector', 'app': 'mock', 'pk_attr': 'id', 'table_description': 'Who applied for an 异议登记 (the encumbrance shows the masked name only).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterVoidedTitle',
            fields=[
                ('title_no', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('right', fields.ForeignKeyField('mock.RegisterRight', source_field='right_id', db_constraint=True, to_field='id', related_name='voided_titles', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=16)),
                ('replaced_by', fields.CharField(max_length=40)),
                ('case_ref', fields.CharField(max_length=80)),
                ('voided_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mock_reg_voided_title', 'app': 'mock', 'pk_attr': 'title_no', 'table_description': 'A title number voided while its right goes on (变更, 补证/换证).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RepaymentRow',
            fields=[
                ('proof_no', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('bank', fields.CharField(max_length=80)),
                ('repaid_on', fields.DateField()),
                ('confirmed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('document_no', fields.CharField(unique=True, max_length=40)),
                ('document', fields.TextField(unique=False)),
                ('document_sha256', fields.CharField(max_length=64)),
            ],
            options={'table': 'mock_bank_repayment', 'app': 'mock', 'pk_attr': 'proof_no', 'table_description': "A bank's confirmation that a mortgage's debt is repaid, with its e-document."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='IdentityRecord',
            name='former_names_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='IdentityRecord',
            name='hukou_address_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='RegisterEncumbrance',
            name='consent_ref',
            field=fields.CharField(null=True, max_length=60),
        ),
        ops.AddField(
            model_name='RegisterEncumbrance',
            name='transfer_restricted',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='RegisterHolder',
            name='address_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='RegisterUnit',
            name='version',
            field=fields.BigIntField(default=0, db_default=0),
        ),
    ]
