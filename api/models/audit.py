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
