"""What the platform asks the registration centre's e-seal / CA / timestamp service.

The seal provider holds the centre's e-seal key and certificate chain and a
timestamp authority: it seals certificate PDFs (PAdES B-T) and checks sealed
PDFs that citizens or third parties hand back to us. It also signs small
detached statements (CMS SignedData with an RFC 3161 signature timestamp from
the same TSA, i.e. CAdES-T), e.g. the audit trail's checkpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SealValidation:
    """The verdict on one sealed PDF.

    ``reason_code`` is stable and the first failing check wins, in this order:
    ``MALFORMED`` (not a readable PDF / signature), ``NO_SIGNATURE``,
    ``TAMPERED`` (signed bytes or signature value do not match, or the signed
    byte range does not cover a whole revision),
    ``UNTRUSTED`` (the signer does not chain to our root, or is unfit to seal),
    ``UNTIMESTAMPED`` (no valid, trusted RFC 3161 timestamp),
    ``INCREMENTAL_EDIT`` (bytes were appended after sealing), ``OK``.
    """

    intact: bool
    trusted: bool
    timestamped: bool
    covers_whole_document: bool
    signer_subject: str | None
    signed_at: datetime | None
    reason_code: str

    @property
    def ok(self) -> bool:
        return self.reason_code == "OK"


@dataclass(frozen=True)
class StatementValidation:
    """The verdict on a detached statement signature. ``reason_code``, first
    failing check wins: ``MALFORMED``, ``TAMPERED`` (the bytes are not the signed
    ones), ``UNTRUSTED``, ``UNTIMESTAMPED``, ``OK``. ``signed_at`` is the TSA's
    time when the timestamp is trusted."""

    reason_code: str
    signer_subject: str | None = None
    signed_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.reason_code == "OK"


class SealProvider(Protocol):
    async def sign_pdf(self, pdf_bytes: bytes, *, field_name: str = "Seal", reason: str,
                       location: str) -> bytes:
        """The PDF with a PAdES B-T signature (seal key, chain embedded, timestamped)."""
        ...

    def trust_roots(self) -> list[bytes]:
        """DER root certificates a verifier of our seals should trust."""
        ...

    async def validate_pdf(self, pdf_bytes: bytes) -> SealValidation:
        """Validate the PDF's seal against our roots; never raises on bad input."""
        ...

    async def sign_statement(self, data: bytes) -> bytes:
        """A detached CMS signature (DER) of ``data`` by the seal key, carrying an
        RFC 3161 timestamp token of the signature (CAdES-T)."""
        ...

    async def validate_statement(self, data: bytes, signature: bytes) -> StatementValidation:
        """Check a ``sign_statement`` signature against ``data`` and our roots;
        never raises on bad input."""
        ...
