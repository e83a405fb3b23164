"""The provincial 电子证照 library: e-licences other departments can use without
the citizen uploading them (条例 §24: what can be shared is not asked for).

The platform registers every e-title it issues and revokes it when the
register supersedes it; later applications pre-fill from ``licences_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

PROPERTY_TITLE = "100169501"  # 不动产权证书
TAX_PAID = "200087301"  # 完税证明
LICENCE_TYPES = {PROPERTY_TITLE: "不动产权证书", TAX_PAID: "完税证明"}
VALID, REVOKED = "VALID", "REVOKED"


class LicenceConflict(ValueError):
    """The number is already registered with other content (holders, date or file)."""


@dataclass(frozen=True)
class ELicence:
    code: str  # licence type code, e.g. 100169501
    type_name: str
    number: str  # e.g. 粤(2026)佛山市不动产权第0012345号
    holder_id_numbers: tuple[str, ...]
    issued_at: datetime
    pdf_sha256: str
    status: str  # VALID | REVOKED
    revoked_reason: str | None
    registered_at: datetime


class ELicenceLibrary(Protocol):
    async def register_licence(self, code: str, number: str, holder_id_numbers: list[str],
                               issued_at: datetime, pdf_sha256: str) -> ELicence:
        """Register an issued licence; the same number with the same content again
        returns the first registration, with other content raises LicenceConflict."""
        ...

    async def revoke_licence(self, number: str, reason: str) -> ELicence | None:
        """Mark a licence revoked (e.g. the title was superseded); idempotent.
        None when the number is unknown."""
        ...

    async def licences_of(self, id_number: str, *, include_revoked: bool = False
                          ) -> list[ELicence]:
        """The person's licences, newest first."""
        ...
