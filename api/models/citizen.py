from tortoise import fields
from tortoise.models import Model


class Citizen(Model):
    """A person who has used the platform. Identity comes from the identity provider,
    we keep only what we need, encrypted, found through a blind index."""

    id = fields.UUIDField(primary_key=True)
    id_number_hash = fields.CharField(max_length=64, unique=True)
    id_number_enc = fields.TextField()
    name_enc = fields.TextField()
    masked_name = fields.CharField(max_length=32)
    masked_id_number = fields.CharField(max_length=18)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "citizen"
