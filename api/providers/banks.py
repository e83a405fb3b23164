"""What the platform asks a bank: that a mortgage's debt has been repaid.

An owner may apply to cancel a mortgage (细则 §70) once the mortgagee confirms
the debt is extinguished; the confirmation replaces the paper 结清证明.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class RepaymentConfirmation:
    proof_no: str  # the mortgage's 不动产登记证明号
    bank: str  # the mortgagee
    confirmed: bool
    repaid_on: date
    confirmed_at: datetime
    document_no: str  # the bank's e-document (结清证明) number
    document_sha256: str  # SHA-256 of the e-document's bytes
    fetched_at: datetime
    sha256: str


class BankConfirmations(Protocol):
    async def repayment_confirmation(self, proof_no: str) -> RepaymentConfirmation | None:
        """The mortgagee's confirmation that the debt under ``proof_no`` is repaid,
        or None while there is none."""
        ...

    async def repayment_document(self, document_no: str) -> bytes | None:
        """The e-document itself (its SHA-256 is ``document_sha256``), for the archive."""
        ...
