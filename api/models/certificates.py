import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from api.models.citizen import Citizen


class Certificate(Model):
    """An issued 查询结果证明 / 无房证明. The PDF lives in ``CertificateDocument``,
    written in the same transaction, so there is never one without the other."""

    id = fields.UUIDField(primary_key=True)
    number = fields.CharField(max_length=24, unique=True)
    citizen: fields.ForeignKeyRelation[Citizen] = fields.ForeignKeyField(
        "platform.Citizen", related_name="certificates", on_delete=fields.RESTRICT)
    citizen_id: uuid.UUID
    subject_hash = fields.CharField(max_length=64, db_index=True)
    kind = fields.CharField(max_length=20)  # HOLDINGS | PARTIAL_HOLDINGS | NO_HOLDINGS
    purpose = fields.CharField(max_length=20)
    code_enc = fields.TextField()
    code_mac = fields.CharField(max_length=64)
    facts: dict[str, Any] = fields.JSONField()  # type: ignore[assignment]
    qr_payload = fields.TextField()
    pdf_sha256 = fields.CharField(max_length=64)
    issued_at = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    superseded_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=200, null=True)
    revoked_by = fields.CharField(max_length=80, null=True)
    idempotency_key = fields.CharField(max_length=80, null=True)
    request_fingerprint = fields.CharField(max_length=64)

    class Meta:
        table = "certificate"
        unique_together = (("citizen_id", "idempotency_key"),)
        indexes = (("citizen_id", "issued_at"),)


class CertificateDocument(Model):
    """The signed PDF (e-archive copy), one per certificate, encrypted at rest.

    ``pdf_enc`` is the PII vault's AES-GCM ciphertext bound to
    (certificate_document, pdf, certificate id), with its key id. ``pdf`` is
    only the plaintext of rows written before encryption (migration 0011); it
    is read once, checked against the certificate's ``pdf_sha256``, encrypted
    and cleared (``api.services.certificate_documents``).
    """

    certificate: fields.OneToOneRelation[Certificate] = fields.OneToOneField(
        "platform.Certificate", related_name="document", on_delete=fields.RESTRICT,
        primary_key=True)
    certificate_id: uuid.UUID
    pdf = fields.BinaryField(null=True)
    pdf_enc = fields.TextField(null=True)

    class Meta:
        table = "certificate_document"
