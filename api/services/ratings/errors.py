"""Why a rating, work-order update, appeal or review was refused."""

from __future__ import annotations

from api.services.errors import DomainError


class AlreadyRated(DomainError):
    code = "ALREADY_RATED"
    message = "该次服务已评价（每次服务只能评价一次）"

    def __init__(self, rating_id: str | None = None) -> None:
        super().__init__()
        self.rating_id = rating_id


class ServiceNotCompleted(DomainError):
    code = "SERVICE_NOT_COMPLETED"
    message = "服务尚未办结，办结后才能评价"


class CommentRequired(DomainError):
    code = "COMMENT_REQUIRED"
    message = "选择“不满意”或“非常不满意”时请填写具体意见"


class NotYourService(DomainError):
    code = "NOT_YOUR_SERVICE"
    message = "未找到您本人办理的该项服务"



class RatingNotFound(DomainError):
    code = "RATING_NOT_FOUND"
    message = "未找到该评价"


class WorkOrderNotFound(DomainError):
    code = "WORK_ORDER_NOT_FOUND"
    message = "未找到该工单"


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    message = "工单当前状态不能进行该操作（顺序：待回访 → 已回访 → 已整改 → 已办结）"

    def __init__(self, status: str) -> None:
        super().__init__()
        self.status = status


class AppealAlreadyFiled(DomainError):
    code = "APPEAL_ALREADY_FILED"
    message = "该评价已提出过申诉"


class AppealNotFound(DomainError):
    code = "APPEAL_NOT_FOUND"
    message = "未找到该申诉"


class AppealAlreadyReviewed(DomainError):
    code = "APPEAL_ALREADY_REVIEWED"
    message = "该申诉已审核"
