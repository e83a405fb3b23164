"""What a certificate PDF states: the input of ``render_certificate``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class HoldingRow:
    unit_no: str
    title_no: str
    address: str
    use: str
    building_area: Decimal
    co_ownership: str  # 单独所有 / 共同共有 / 按份共有
    share: str | None  # e.g. "50%"
    encumbrances: str  # e.g. "抵押（…）；查封（…）" or "无"


@dataclass(frozen=True)
class CertificateContent:
    number: str  # e.g. "FSBDC-2026-11-000123"
    kind: str  # "HOLDINGS" | "PARTIAL_HOLDINGS" | "NO_HOLDINGS"
    holder_name: str
    masked_id_number: str  # 440***********123X
    purpose: str  # 子女入学 / 购房 / 缴税 / 贷款 / 户口迁移 / 其他
    issued_at: datetime  # aware; printed in Asia/Shanghai
    valid_until: datetime  # aware
    holdings: tuple[HoldingRow, ...]  # empty for NO_HOLDINGS
    scope_note: str  # "查询范围：佛山市（…）不动产登记簿" (wording.PARTIAL_SCOPE_NOTE for a selection)
    verification_code: str  # printed
    verify_url: str  # printed next to the QR code
    qr_payload: str  # encoded in the QR code
