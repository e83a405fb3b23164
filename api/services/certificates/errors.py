"""Why a certificate could not be issued, revoked or verified."""

from __future__ import annotations

from api.services.errors import DomainError


class NoHoldingsToCertify(DomainError):
    code = "NO_HOLDINGS"
    message = "您名下没有可出具查询结果证明的不动产，如需证明无房，请选择“无房证明”"


class HoldingsExist(DomainError):
    code = "HOLDINGS_EXIST"
    message = "您名下登记有不动产，无法出具无房证明，请选择“不动产登记查询结果证明”"


class SelectionNotWhole(DomainError):
    """HOLDINGS states the citizen's whole holdings: a strict selection is refused,
    never silently certified as if it were everything (issue 12 item 1)."""

    code = "SELECTION_NOT_ALL"
    message = ("“不动产登记查询结果证明”须载明名下全部不动产；只证明所选的不动产，"
               "请选择“部分不动产证明”")


class NothingSelected(DomainError):
    code = "NOTHING_SELECTED"
    message = "请选择要证明的不动产"


class SelectionIsWhole(DomainError):
    """A partial certificate says "非名下全部": that would be false for everything."""

    code = "SELECTION_IS_ALL"
    message = "您选择了名下全部不动产，请开具“不动产登记查询结果证明”"


class PurposeNeedsWholeHoldings(DomainError):
    code = "PURPOSE_NEEDS_ALL_HOLDINGS"
    message = ("子女入学、购房（限购核查）只能使用载明名下全部不动产的查询结果证明或无房证明，"
               "不能使用部分不动产证明")


class PropertyNotSelectable(DomainError):
    code = "PROPERTY_NOT_FOUND"
    message = "所选不动产不在您的名下，请刷新后重新选择"


class IdempotencyConflict(DomainError):
    code = "IDEMPOTENCY_CONFLICT"
    message = "该请求编号已用于另一份不同的证明申请"


class CertificateNotFound(DomainError):
    code = "CERTIFICATE_NOT_FOUND"
    message = "未找到该证明"


class AlreadyRevoked(DomainError):
    code = "ALREADY_REVOKED"
    message = "该证明已作废"
