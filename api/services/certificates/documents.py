"""Signed certificate PDFs at rest (issue 12 item 14b: they carry the full name).

Owns:
- storing a signed PDF encrypted with the PII vault like every other personal
  value: AES-GCM, associated data ``certificate_document`` / ``pdf`` /
  certificate id (a ciphertext copied to another row does not decrypt), key id
  inside the ciphertext (``v1:<kid>:...``), written in the issuing transaction;
- reading it back, only when its SHA-256 is the ``pdf_sha256`` recorded (and
  audited) at issue: a tampered, swapped or undecryptable document is never
  served;
- rows stored before encryption (plaintext ``pdf``, migration 0011): read
  under the same hash check, then encrypted and cleared on that first read
  (a conditional update, so two readers write once); ``encrypt_legacy`` does
  the same for every remaining row (``python -m api encrypt-documents``,
  resumable and idempotent).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from api.infra.crypto import DecryptionError, PiiVault
from api.infra.state import AppState
from api.models import Certificate, CertificateDocument

log = logging.getLogger("api.certificates.documents")
TABLE, COLUMN = "certificate_document", "pdf"


@dataclass(frozen=True)
class SweepReport:
    encrypted: int
    mismatched: int  # plaintext rows whose hash is not the issued one: encrypted, never served


def _seal(vault: PiiVault, certificate_id: uuid.UUID, pdf: bytes) -> str:
    return vault.encrypt(pdf, table=TABLE, column=COLUMN, row=str(certificate_id))


async def store(state: AppState, certificate_id: uuid.UUID, pdf: bytes, *,
                conn: BaseDBAsyncClient) -> None:
    await CertificateDocument.create(certificate_id=certificate_id,
                                     pdf_enc=_seal(state.vault, certificate_id, pdf), using_db=conn)


async def _encrypt_in_place(vault: PiiVault, certificate_id: uuid.UUID, pdf: bytes) -> bool:
    changed = await CertificateDocument.filter(certificate_id=certificate_id,
                                               pdf_enc__isnull=True).update(
        pdf_enc=_seal(vault, certificate_id, pdf), pdf=None)
    return bool(changed)


def _matches(cert: Certificate, pdf: bytes) -> bool:
    return hashlib.sha256(pdf).hexdigest() == cert.pdf_sha256


async def load(state: AppState, cert: Certificate) -> bytes | None:
    """The signed PDF of ``cert``, or None when there is none this service may serve."""
    doc = await CertificateDocument.get_or_none(certificate_id=cert.id)
    if doc is None:
        return None
    if doc.pdf_enc is not None:
        try:
            pdf = state.vault.decrypt_bytes(doc.pdf_enc, table=TABLE, column=COLUMN, row=str(cert.id))
        except DecryptionError:
            log.error("certificate %s: stored document does not decrypt", cert.number)
            return None
    elif doc.pdf is not None:
        pdf = bytes(doc.pdf)
        if _matches(cert, pdf):
            await _encrypt_in_place(state.vault, cert.id, pdf)
    else:
        return None
    if not _matches(cert, pdf):
        log.error("certificate %s: stored document is not the one issued", cert.number)
        return None
    return pdf


async def encrypt_legacy(state: AppState, *, batch: int = 100) -> SweepReport:
    """Encrypt every document still stored in clear, in certificate-id order."""
    encrypted = mismatched = 0
    after: uuid.UUID | None = None
    while True:
        query = CertificateDocument.filter(pdf_enc__isnull=True, pdf__isnull=False)
        if after is not None:
            query = query.filter(certificate_id__gt=after)
        rows = await query.order_by("certificate_id").limit(batch)
        if not rows:
            return SweepReport(encrypted, mismatched)
        certs = {c.id: c for c in await Certificate.filter(
            id__in=[r.certificate_id for r in rows])}
        for row in rows:
            pdf = bytes(row.pdf or b"")
            cert = certs[row.certificate_id]
            if not _matches(cert, pdf):
                # Still personal data: encrypt it too; load() refuses to serve it.
                mismatched += 1
                log.error("certificate %s: stored document is not the one issued", cert.number)
            encrypted += await _encrypt_in_place(state.vault, row.certificate_id, pdf)
        after = rows[-1].certificate_id
