from tortoise import fields
from tortoise.models import Model


class Kiosk(Model):
    """An enrolled self-service terminal (自助终端). It signs each face capture
    with its own ECDSA P-256 key; only the public half is kept here."""

    id = fields.CharField(primary_key=True, max_length=24)  # e.g. K-3F9A2C7D
    hall_id = fields.CharField(max_length=24)
    label = fields.CharField(max_length=60, default="")
    public_key_pem = fields.TextField()
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "kiosk"
