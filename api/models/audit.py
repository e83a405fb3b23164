from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    """数字留痕: one row per audited action, hash-chained and append-only.

    ``seq`` is dense and unique and ``prev_hash`` is unique, so two writers can
    never both extend the same tip: the chain stays linear under concurrency.
    """

    seq = fields.BigIntField(primary_key=True, generated=False)
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=80)
    action = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=120, default="")
    request_id = fields.CharField(max_length=64, default="")
    detail: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    prev_hash = fields.CharField(max_length=64, unique=True)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_event"


class AuditCheckpoint(Model):
    """An anchor of the audit chain: its head (seq + hash) at one moment, in a
    signed and timestamped statement (CAdES-T by the seal key and the TSA).

    INSERT-only (triggers refuse UPDATE, DELETE and TRUNCATE; in production the
    app's role is granted only SELECT and INSERT, see README), and linked:
    ``prev_digest`` names the previous checkpoint's statement and is unique, so
    two workers anchoring at once cannot fork the list and a removed checkpoint
    breaks it. A copy of each goes to the archive side through
    ``AuditCheckpointOutbox``.
    """

    id = fields.BigIntField(primary_key=True)
    head_seq = fields.BigIntField()
    head_hash = fields.CharField(max_length=64)
    at = fields.DatetimeField()
    statement = fields.TextField()  # canonical JSON, the signed bytes
    digest = fields.CharField(max_length=64, unique=True)  # sha256 of the statement
    prev_digest = fields.CharField(max_length=64, unique=True)
    signature = fields.TextField()  # base64 of the detached CMS SignedData
    signed_at = fields.DatetimeField(null=True)  # the TSA's time

    class Meta:
        table = "audit_checkpoint"


class AuditCheckpointOutbox(Model):
    """Delivery of a checkpoint's copy to the archive (at least once, keyed)."""

    checkpoint_id = fields.BigIntField(primary_key=True, generated=False)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "audit_checkpoint_outbox"
        indexes = (("delivered_at", "next_attempt_at"),)
