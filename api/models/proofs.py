import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from api.models.citizen import Citizen


class ApiClient(Model):
    """An approved institution (school enrolment office, hukou office, bank).

    It authenticates with a signed client assertion (its own EC key) or, in
    development, a secret (only a PBKDF2 hash is kept). ``allowed`` lists the
    (purpose, question) pairs its registration permits.
    """

    id = fields.CharField(max_length=64, primary_key=True)
    name = fields.CharField(max_length=80)
    kind = fields.CharField(max_length=12)  # SCHOOL | POLICE | BANK
    secret_hash = fields.CharField(max_length=200, null=True)
    public_key_pem = fields.TextField(null=True)
    allowed: list[list[str]] = fields.JSONField(default=list)  # type: ignore[assignment]
    rate_per_minute = fields.IntField(default=60)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_client"


class ProofRequest(Model):
    """A client's narrow question about one citizen, and the citizen's decision.

    Approval makes it a grant: valid until ``grant_until`` for ``max_uses``
    answers, revocable by the citizen.
    """

    id = fields.UUIDField(primary_key=True)
    client: fields.ForeignKeyRelation[ApiClient] = fields.ForeignKeyField(
        "platform.ApiClient", related_name="requests", on_delete=fields.RESTRICT)
    client_id: str
    citizen: fields.ForeignKeyRelation[Citizen] = fields.ForeignKeyField(
        "platform.Citizen", related_name="proof_requests", on_delete=fields.RESTRICT)
    citizen_id: uuid.UUID
    purpose = fields.CharField(max_length=20)
    question = fields.CharField(max_length=40)
    params: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    # The answer's fields as listed on the consent screen when the request was
    # made: the answer never discloses more (null on rows older than 0011).
    disclosed: list[str] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    status = fields.CharField(max_length=10, default="PENDING")  # PENDING|APPROVED|DECLINED
    created_at = fields.DatetimeField()
    decide_by = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    grant_until = fields.DatetimeField(null=True)
    max_uses = fields.IntField(default=1)
    uses = fields.IntField(default=0)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "proof_request"
        indexes = (("citizen_id", "status"), ("client_id", "created_at"))
