"""Tables of the mock departments the online applications ask (tortoise app ``mock``):
住建 filed contracts, 民政 marriages and deaths, the provincial e-licence library,
banks' repayment confirmations.

Personal data is stored as in ``mock_providers.models``: AES-GCM bound to
table/column/row, found through the keyed blind index (``*_hash``).
"""

import uuid

from tortoise import fields
from tortoise.models import Model


class FiledContractRow(Model):
    """住建 网签备案: a filed sale contract."""

    id = fields.UUIDField(primary_key=True)
    filing_no = fields.CharField(max_length=32, unique=True)
    kind = fields.CharField(max_length=16)
    status = fields.CharField(max_length=10)  # FILED | CANCELLED
    unit_no = fields.CharField(max_length=28, db_index=True)
    price = fields.DecimalField(max_digits=14, decimal_places=2)
    signed_on = fields.DateField()
    filed_on = fields.DateField()
    cancelled_on = fields.DateField(null=True)
    buyer_co_ownership = fields.CharField(max_length=10)

    class Meta:
        table = "mock_hc_contract"


class ContractPartyRow(Model):
    id = fields.UUIDField(primary_key=True)
    contract: fields.ForeignKeyRelation[FiledContractRow] = fields.ForeignKeyField(
        "mock.FiledContractRow", related_name="parties", on_delete=fields.RESTRICT,
        db_index=True)
    contract_id: uuid.UUID
    role = fields.CharField(max_length=6)  # SELLER | BUYER
    position = fields.SmallIntField()
    party_hash = fields.CharField(max_length=64, db_index=True)
    id_number_enc = fields.TextField()
    name_enc = fields.TextField()
    share_percent = fields.DecimalField(max_digits=6, decimal_places=2, null=True)

    class Meta:
        table = "mock_hc_contract_party"


class MarriageRow(Model):
    """民政 marriage registration, one row per spouse and marriage."""

    id = fields.UUIDField(primary_key=True)
    person_hash = fields.CharField(max_length=64, db_index=True)
    id_number_enc = fields.TextField()
    spouse_name_enc = fields.TextField()
    spouse_id_number_enc = fields.TextField()
    married_on = fields.DateField()
    ended_on = fields.DateField(null=True)
    ended_by = fields.CharField(max_length=8, null=True)  # DIVORCE | DEATH

    class Meta:
        table = "mock_civil_marriage"


class DeathRow(Model):
    id = fields.UUIDField(primary_key=True)
    person_hash = fields.CharField(max_length=64, unique=True)
    id_number_enc = fields.TextField()
    name_enc = fields.TextField()
    died_on = fields.DateField()
    certificate_no = fields.CharField(max_length=40)

    class Meta:
        table = "mock_civil_death"


class LicenceRow(Model):
    """电子证照: one registered e-licence."""

    id = fields.UUIDField(primary_key=True)
    number = fields.CharField(max_length=60, unique=True)
    code = fields.CharField(max_length=12)
    issued_at = fields.DatetimeField()
    pdf_sha256 = fields.CharField(max_length=64)
    status = fields.CharField(max_length=8, default="VALID")
    revoked_reason = fields.CharField(max_length=60, null=True)
    revoked_at = fields.DatetimeField(null=True)
    registered_at = fields.DatetimeField()

    class Meta:
        table = "mock_elicence"


class LicenceHolderRow(Model):
    id = fields.UUIDField(primary_key=True)
    licence: fields.ForeignKeyRelation[LicenceRow] = fields.ForeignKeyField(
        "mock.LicenceRow", related_name="holders", on_delete=fields.RESTRICT, db_index=True)
    licence_id: uuid.UUID
    position = fields.SmallIntField()
    holder_hash = fields.CharField(max_length=64, db_index=True)
    id_number_enc = fields.TextField()

    class Meta:
        table = "mock_elicence_holder"


class RepaymentRow(Model):
    """A bank's confirmation that a mortgage's debt is repaid, with its e-document."""

    proof_no = fields.CharField(max_length=40, primary_key=True)
    bank = fields.CharField(max_length=80)
    repaid_on = fields.DateField()
    confirmed_at = fields.DatetimeField()
    document_no = fields.CharField(max_length=40, unique=True)
    document = fields.TextField()
    document_sha256 = fields.CharField(max_length=64)

    class Meta:
        table = "mock_bank_repayment"
