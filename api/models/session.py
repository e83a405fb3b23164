import uuid

from tortoise import fields
from tortoise.models import Model

from api.models.citizen import Citizen


class LoginSession(Model):
    """One signed-in device: a refresh-token family (RFC 9700 rotation).

    Only hashes of refresh secrets are kept. ``refresh_hash`` is the current
    one, ``previous_hash`` the one it replaced (to tell a lost race from a
    stolen token); rotation is a conditional update on ``refresh_hash``.
    """

    id = fields.UUIDField(primary_key=True)
    citizen: fields.ForeignKeyRelation[Citizen] = fields.ForeignKeyField(
        "platform.Citizen", related_name="sessions", on_delete=fields.CASCADE)
    citizen_id: uuid.UUID
    refresh_hash = fields.CharField(max_length=64, unique=True)
    previous_hash = fields.CharField(max_length=64, null=True)
    generation = fields.IntField(default=0)
    assurance_level = fields.CharField(max_length=4)
    channel = fields.CharField(max_length=16)
    device_label = fields.CharField(max_length=80, default="")
    ip_prefix = fields.CharField(max_length=48, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(auto_now_add=True)
    rotated_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=32, null=True)
    # The enrolled kiosk whose signed capture opened this session (None: a phone).
    kiosk_id = fields.CharField(max_length=24, null=True)

    class Meta:
        table = "login_session"
        indexes = (("citizen_id", "revoked_at"),)


class RetiredRefresh(Model):
    """The hash of every refresh secret a family has rotated away: only a token
    that matches one of these is reuse (revoke the family); anything else
    presented under the session id is merely invalid."""

    hash = fields.CharField(primary_key=True, max_length=64)
    session_id = fields.UUIDField(db_index=True)
    retired_at = fields.DatetimeField()

    class Meta:
        table = "refresh_retired"


class PlatformSubject(Model):
    """A mini-program platform account (issuer + subject) bound to one identity
    at its first face login, so a later assertion for that account can only
    ever log in that identity (issue 12, item 2)."""

    id = fields.IntField(primary_key=True)
    issuer = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=128)
    id_number_hash = fields.CharField(max_length=64)
    bound_at = fields.DatetimeField()

    class Meta:
        table = "platform_subject"
        unique_together = (("issuer", "subject"),)


class Consent(Model):
    """Separate, versioned consent (e.g. biometric processing), withdrawable.

    Keyed by the identity's blind index: consent is given before the first
    face use, when the person may not yet have a citizen row.
    """

    id = fields.UUIDField(primary_key=True)
    id_number_hash = fields.CharField(max_length=64, db_index=True)
    kind = fields.CharField(max_length=16)
    version = fields.CharField(max_length=16)
    channel = fields.CharField(max_length=16)
    granted_at = fields.DatetimeField()
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consent"
        indexes = (("id_number_hash", "kind", "withdrawn_at"),)


class FaceAttempt(Model):
    """What is kept of a face attempt: a hash of the selfie and the score, never the image."""

    id = fields.UUIDField(primary_key=True)
    id_number_hash = fields.CharField(max_length=64, db_index=True)
    selfie_sha256 = fields.CharField(max_length=64, db_index=True)
    distance = fields.FloatField(null=True)
    outcome = fields.CharField(max_length=24)
    channel = fields.CharField(max_length=16)
    at = fields.DatetimeField()
    # The selfie's embedding, encrypted (PII vault), kept for the last N
    # attempts of the identity only, to refuse a near-identical selfie again.
    embedding_enc = fields.TextField(null=True)

    class Meta:
        table = "face_attempt"
