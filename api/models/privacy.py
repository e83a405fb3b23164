from tortoise import fields
from tortoise.models import Model


class DataAccess(Model):
    """Who read a citizen's register data, when, through which channel, for what.

    Keyed by the subject's blind index, so a read of a holder who never logged
    in is still shown to them once they do. Every row also goes into the
    hash-chained audit trail.
    """

    id = fields.UUIDField(primary_key=True)
    subject_hash = fields.CharField(max_length=64)
    accessor_kind = fields.CharField(max_length=12)  # SELF | STAFF | THIRD_PARTY | VERIFIER
    accessor_name = fields.CharField(max_length=80)
    channel = fields.CharField(max_length=16)
    purpose = fields.CharField(max_length=40)
    scope = fields.CharField(max_length=40)
    at = fields.DatetimeField()
    request_id = fields.CharField(max_length=64, default="")

    class Meta:
        table = "data_access"
        indexes = (("subject_hash", "at"),)


class Notification(Model):
    """Something happened to one of a citizen's properties (or their data was read)."""

    id = fields.UUIDField(primary_key=True)
    subject_hash = fields.CharField(max_length=64)
    source = fields.CharField(max_length=48)  # "register:<seq>" or "access:<id>": idempotency
    kind = fields.CharField(max_length=32)
    severity = fields.CharField(max_length=8)  # INFO | SERIOUS
    title = fields.CharField(max_length=80)
    body = fields.CharField(max_length=400)
    unit_no = fields.CharField(max_length=28, null=True)
    at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        unique_together = (("source", "subject_hash"),)
        indexes = (("subject_hash", "at"),)


class Cursor(Model):
    """How far a consumer has read an external feed (e.g. register events)."""

    name = fields.CharField(max_length=40, primary_key=True)
    position = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "feed_cursor"
