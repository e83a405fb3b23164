"""Tables of the mock government systems (tortoise app ``mock``).

Personal data here is stored the same way as in the platform's own tables:
AES-GCM bound to table/column/row, found through the keyed blind index.
Primary keys are UUIDs assigned by the writer, so a row's ciphertext can be
bound to its id before the insert and seeds stay deterministic.
"""

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model


class IdentityRecord(Model):
    """公安 population registry: a real person and their ID-card photo."""

    id = fields.UUIDField(primary_key=True)
    id_number_hash = fields.CharField(max_length=64, unique=True)
    id_number_enc = fields.TextField()
    name_enc = fields.TextField()
    gender = fields.CharField(max_length=1)
    phone_enc = fields.TextField(null=True)
    photo_enc = fields.TextField(null=True)
    photo_sha256 = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    hukou_address_enc = fields.TextField(null=True)
    former_names_enc = fields.TextField(null=True)  # a JSON list, oldest first

    class Meta:
        table = "mock_identity"


class FormerIdNumber(Model):
    """An ID number a person held before (15-digit upgrade, or a corrected number)."""

    id = fields.UUIDField(primary_key=True)
    person: fields.ForeignKeyRelation[IdentityRecord] = fields.ForeignKeyField(
        "mock.IdentityRecord", related_name="former_id_numbers", on_delete=fields.RESTRICT)
    person_id: uuid.UUID
    id_number_hash = fields.CharField(max_length=64, unique=True)
    id_number_enc = fields.TextField()
    changed_on = fields.DateField()
    reason = fields.CharField(max_length=16)  # UPGRADE_15 | CORRECTED

    class Meta:
        table = "mock_identity_former_id"


class RegisterUnit(Model):
    """不动产单元: a flat, shop, office or parking space with its land."""

    id = fields.UUIDField(primary_key=True)
    unit_no = fields.CharField(max_length=28, unique=True)
    district_code = fields.CharField(max_length=6, db_index=True)
    address = fields.CharField(max_length=200)
    use = fields.CharField(max_length=16)
    building_area = fields.DecimalField(max_digits=10, decimal_places=2)
    interior_area = fields.DecimalField(max_digits=10, decimal_places=2)
    land_right_type = fields.CharField(max_length=32)
    land_use_start = fields.DateField()
    land_use_end = fields.DateField()
    structure = fields.CharField(max_length=16)
    floor = fields.IntField()
    total_floors = fields.IntField()
    completed_year = fields.IntField()
    # The seq of the unit's last register event: a snapshot's version. Written
    # in the transaction of every event, under the unit lock.
    version = fields.BigIntField(default=0, db_default=0)

    class Meta:
        table = "mock_reg_unit"


class RegisterRight(Model):
    """A registered right on a unit (房屋所有权 with its land-use right), current or past."""

    id = fields.UUIDField(primary_key=True)
    unit: fields.ForeignKeyRelation[RegisterUnit] = fields.ForeignKeyField(
        "mock.RegisterUnit", related_name="rights", on_delete=fields.RESTRICT
    )
    unit_id: uuid.UUID
    title_no = fields.CharField(max_length=40, unique=True)
    right_type = fields.CharField(max_length=40)
    co_ownership = fields.CharField(max_length=10)
    acquired_via = fields.CharField(max_length=16)
    registered_at = fields.DatetimeField()
    current = fields.BooleanField(default=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mock_reg_right"
        indexes = (("unit_id", "current"),)


class RegisterHolder(Model):
    """权利人 of a right, several rows make co-ownership."""

    id = fields.UUIDField(primary_key=True)
    # Indexed: "who else holds this right" is asked on every holdings read.
    right: fields.ForeignKeyRelation[RegisterRight] = fields.ForeignKeyField(
        "mock.RegisterRight", related_name="holders", on_delete=fields.RESTRICT, db_index=True
    )
    right_id: uuid.UUID
    holder_hash = fields.CharField(max_length=64, db_index=True)
    id_number_enc = fields.TextField()
    name_enc = fields.TextField()
    share_percent = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    address_enc = fields.TextField(null=True)

    class Meta:
        table = "mock_reg_holder"


class RegisterEncumbrance(Model):
    """抵押权 / 查封 / 预告登记 / 异议登记 on a unit."""

    id = fields.UUIDField(primary_key=True)
    unit: fields.ForeignKeyRelation[RegisterUnit] = fields.ForeignKeyField(
        "mock.RegisterUnit", related_name="encumbrances", on_delete=fields.RESTRICT
    )
    unit_id: uuid.UUID
    kind = fields.CharField(max_length=20)
    proof_no = fields.CharField(max_length=40, unique=True)
    party = fields.CharField(max_length=80)
    amount = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    document_no = fields.CharField(max_length=60, null=True)
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)
    status = fields.CharField(max_length=10, default="ACTIVE")
    registered_at = fields.DatetimeField()
    transfer_restricted = fields.BooleanField(default=False, db_default=False)
    consent_ref = fields.CharField(max_length=60, null=True)

    class Meta:
        table = "mock_reg_encumbrance"
        indexes = (("unit_id", "status"),)


class RegisterObjector(Model):
    """Who applied for an 异议登记 (the encumbrance shows the masked name only)."""

    id = fields.UUIDField(primary_key=True)
    encumbrance: fields.OneToOneRelation[RegisterEncumbrance] = fields.OneToOneField(
        "mock.RegisterEncumbrance", related_name="objector", on_delete=fields.RESTRICT)
    party_hash = fields.CharField(max_length=64, db_index=True)
    id_number_enc = fields.TextField()
    name_enc = fields.TextField()
    reason = fields.TextField()

    class Meta:
        table = "mock_reg_objector"


class RegisterBatchRecord(Model):
    """A batch applied by ``register``: the unique key makes a retry a replay."""

    case_ref = fields.CharField(max_length=80, primary_key=True)
    unit: fields.ForeignKeyRelation[RegisterUnit] = fields.ForeignKeyField(
        "mock.RegisterUnit", related_name="batches", on_delete=fields.RESTRICT)
    batch_sha256 = fields.CharField(max_length=64)
    applied_at = fields.DatetimeField()
    result: dict[str, Any] = fields.JSONField()  # type: ignore[assignment]

    class Meta:
        table = "mock_reg_batch"


class RegisterVoidedTitle(Model):
    """A title number voided while its right goes on (变更, 补证/换证)."""

    title_no = fields.CharField(max_length=40, primary_key=True)
    right: fields.ForeignKeyRelation[RegisterRight] = fields.ForeignKeyField(
        "mock.RegisterRight", related_name="voided_titles", on_delete=fields.RESTRICT)
    reason = fields.CharField(max_length=16)  # HOLDER_CHANGE | LOST | DAMAGED
    replaced_by = fields.CharField(max_length=40)
    case_ref = fields.CharField(max_length=80)
    voided_at = fields.DatetimeField()

    class Meta:
        table = "mock_reg_voided_title"


class RegisterEvent(Model):
    """Something that happened in the register, consumers poll it by ``seq``."""

    seq = fields.BigIntField(primary_key=True)
    unit: fields.ForeignKeyRelation[RegisterUnit] = fields.ForeignKeyField(
        "mock.RegisterUnit", related_name="events", on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=32)
    at = fields.DatetimeField()
    holder_hashes: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    detail: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]

    class Meta:
        table = "mock_reg_event"


class OutboxMessage(Model):
    """What the SMS gateway and the provincial rating platform were sent."""

    id = fields.UUIDField(primary_key=True)
    channel = fields.CharField(max_length=16)  # SMS | RATING
    # SMS: the masked phone (139****1101) for the dev inbox; the number itself
    # only encrypted (bound to mock_outbox/recipient/id).
    recipient = fields.CharField(max_length=120)
    recipient_enc = fields.TextField(null=True)
    template = fields.CharField(max_length=40)
    body: dict[str, Any] = fields.JSONField()  # type: ignore[assignment]
    idempotency_key = fields.CharField(max_length=80, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mock_outbox"


class ArchiveDeposit(Model):
    """What the mock archive side was sent: copies of audit checkpoints."""

    key = fields.CharField(max_length=100, primary_key=True)
    head_seq = fields.BigIntField()
    body: dict[str, Any] = fields.JSONField()  # type: ignore[assignment]
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mock_archive_deposit"
