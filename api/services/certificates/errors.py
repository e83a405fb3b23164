"""Why a certificate could not be issued, revoked or verified."""

from __future__ import annotations

from api.errors import DomainError, ErrorCode


class NoHoldingsToCertify(DomainError):
    code = ErrorCode.NO_HOLDINGS
    summary = "名下无不动产，不能出具查询结果证明"


class HoldingsExist(DomainError):
    code = ErrorCode.HOLDINGS_EXIST
    summary = "名下有不动产，不能出具无房证明"


class SelectionNotWhole(DomainError):
    """HOLDINGS states the citizen's whole holdings: a strict selection is refused,
    never silently certified as if it were everything (issue 12 item 1)."""

    code = ErrorCode.SELECTION_NOT_ALL
    summary = "HOLDINGS 须载明名下全部：只证明所选不动产请用 PARTIAL_HOLDINGS"


class NothingSelected(DomainError):
    code = ErrorCode.NOTHING_SELECTED
    summary = "PARTIAL_HOLDINGS 未选择不动产"


class SelectionIsWhole(DomainError):
    """A partial certificate says "非名下全部": that would be false for everything."""

    code = ErrorCode.SELECTION_IS_ALL
    summary = "所选即名下全部：请用 HOLDINGS（部分不动产证明须非名下全部）"


class PurposeNeedsWholeHoldings(DomainError):
    code = ErrorCode.PURPOSE_NEEDS_ALL_HOLDINGS
    summary = "子女入学、购房只能使用名下全部的查询结果证明或无房证明"


class PropertyNotSelectable(DomainError):
    code = ErrorCode.PROPERTY_NOT_FOUND
    summary = "所选不动产不在本人名下"


class IdempotencyConflict(DomainError):
    code = ErrorCode.IDEMPOTENCY_CONFLICT
    summary = "请求编号已用于不同的申请"


class CertificateNotFound(DomainError):
    code = ErrorCode.CERTIFICATE_NOT_FOUND
    summary = "证明不存在"


class AlreadyRevoked(DomainError):
    code = ErrorCode.ALREADY_REVOKED
    summary = "证明已作废"
