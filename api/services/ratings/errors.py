"""Why a rating, work-order update, appeal or review was refused."""

from __future__ import annotations

from api.errors import DomainError, ErrorCode, ObjectId, recovery


class AlreadyRated(DomainError):
    code = ErrorCode.ALREADY_RATED
    summary = "该次服务已评价（一事一评）"
    rating_id: ObjectId | None = recovery("已有的评价", default=None)


class ServiceNotCompleted(DomainError):
    code = ErrorCode.SERVICE_NOT_COMPLETED
    summary = "服务尚未办结"


class CommentRequired(DomainError):
    code = ErrorCode.COMMENT_REQUIRED
    summary = "不满意、非常不满意须填写意见"


class NotYourService(DomainError):
    code = ErrorCode.NOT_YOUR_SERVICE
    summary = "不是本人办理的服务（不存在的编号同样如此回答）"


class RatingNotFound(DomainError):
    code = ErrorCode.RATING_NOT_FOUND
    summary = "评价不存在（或不属于本大厅）"


class WorkOrderNotFound(DomainError):
    code = ErrorCode.WORK_ORDER_NOT_FOUND
    summary = "工单不存在（或不属于本大厅）"


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION
    summary = "工单当前状态不能进行该操作"
    status: str = recovery("工单当前状态")


class AppealAlreadyFiled(DomainError):
    code = ErrorCode.APPEAL_ALREADY_FILED
    summary = "该评价已申诉过"


class AppealNotFound(DomainError):
    code = ErrorCode.APPEAL_NOT_FOUND
    summary = "申诉不存在"


class AppealAlreadyReviewed(DomainError):
    code = ErrorCode.APPEAL_ALREADY_REVIEWED
    summary = "申诉已审核"
