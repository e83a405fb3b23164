"""好差评 (issue 7): ratings, negative-rating work orders, appeals, and the outbox
to the provincial platform.

``Rating`` is append-only (a database trigger refuses UPDATE and DELETE): an
appeal never edits it, it only decides whether statistics count it. One rating
per service instance is the unique ``service_ref``.
"""

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Rating(Model):
    """A rating of one completed service by its recipient (一事一评)."""

    id = fields.UUIDField(primary_key=True)
    # "<kind>:<id>", e.g. "appointment:<booking id>": the unique constraint is 一事一评.
    service_ref = fields.CharField(max_length=64, unique=True)
    service_kind = fields.CharField(max_length=12)  # APPOINTMENT | CERTIFICATE
    service_id = fields.UUIDField(db_index=True)
    citizen_id = fields.UUIDField(db_index=True)
    hall_id = fields.CharField(max_length=24)
    window = fields.CharField(max_length=80, null=True)  # the staff member who served
    service_item = fields.CharField(max_length=20)
    level = fields.CharField(max_length=20)
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    comment = fields.TextField(null=True)
    channel = fields.CharField(max_length=12)  # FOSHANTONG|YUESHENGSHI|KIOSK|WINDOW|DEFAULT
    is_default = fields.BooleanField(default=False)
    callback_masked = fields.CharField(max_length=16, null=True)  # e.g. 138****1234
    completed_at = fields.DatetimeField()
    rated_at = fields.DatetimeField()

    class Meta:
        table = "rating"
        indexes = (("hall_id", "rated_at"), ("citizen_id", "rated_at"))


class RatingWorkOrder(Model):
    """差评工单: opened by a 不满意 / 非常不满意 rating for the hall concerned."""

    id = fields.UUIDField(primary_key=True)
    rating_id = fields.UUIDField(unique=True)
    hall_id = fields.CharField(max_length=24, db_index=True)
    window = fields.CharField(max_length=80, null=True)
    status = fields.CharField(max_length=12, default="OPEN")  # OPEN|CALLED_BACK|RECTIFIED|CLOSED
    callback_due_at = fields.DatetimeField()
    rectify_due_at = fields.DatetimeField()
    # A deadline counted over days past the holiday calendar's coverage is an
    # estimate until the year is loaded (then recomputed): shown as provisional.
    deadlines_provisional = fields.BooleanField(default=False)
    called_back_at = fields.DatetimeField(null=True)
    rectified_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    response = fields.TextField(null=True)  # what the citizen was told on the call-back
    rectification = fields.TextField(null=True)
    closing_note = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "rating_work_order"


class RatingAppeal(Model):
    """An appeal by the hall against a rating, decided by a reviewer outside the hall."""

    id = fields.UUIDField(primary_key=True)
    rating_id = fields.UUIDField(unique=True)  # one appeal per rating
    hall_id = fields.CharField(max_length=24, db_index=True)
    appealed_by = fields.CharField(max_length=80)
    reason = fields.TextField()
    status = fields.CharField(max_length=10, default="PENDING")  # PENDING|ACCEPTED|REJECTED
    reviewed_by = fields.CharField(max_length=80, null=True)
    review_note = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "rating_appeal"


class RatingOutbox(Model):
    """A message for the provincial 好差评 platform, written in the transaction of
    the change it reports and delivered at least once (the key makes repeats no-ops)."""

    id = fields.UUIDField(primary_key=True)
    idempotency_key = fields.CharField(max_length=120, unique=True)
    kind = fields.CharField(max_length=24)  # RATING | WORK_ORDER | APPEAL
    payload: dict[str, Any] = fields.JSONField()  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "rating_outbox"
        indexes = (("delivered_at", "next_attempt_at"),)

