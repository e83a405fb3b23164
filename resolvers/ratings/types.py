from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from api.models import Rating as RatingModel
from api.models import RatingAppeal as AppealModel
from api.models import RatingWorkOrder as WorkOrderModel
from api.services.ratings import errors as re
from api.services.ratings import workorders as ratings_workorders
from api.services.ratings.rating import LEVELS, Service
from api.services.ratings.stats import Row


@strawberry.enum(description="评价等级")
class RatingLevel(Enum):
    VERY_SATISFIED = strawberry.enum_value("VERY_SATISFIED", description="非常满意")
    SATISFIED = strawberry.enum_value("SATISFIED", description="满意")
    BASIC = strawberry.enum_value("BASIC", description="基本满意（逾期未评价时的默认评价）")
    DISSATISFIED = strawberry.enum_value("DISSATISFIED", description="不满意（须填写意见，生成差评工单）")
    VERY_DISSATISFIED = strawberry.enum_value("VERY_DISSATISFIED",
                                              description="非常不满意（须填写意见，生成差评工单）")


@strawberry.enum(description="评价渠道")
class RatingChannel(Enum):
    FOSHANTONG = strawberry.enum_value("FOSHANTONG", description="佛山通")
    YUESHENGSHI = strawberry.enum_value("YUESHENGSHI", description="粤省事")
    KIOSK = strawberry.enum_value("KIOSK", description="自助终端")
    WINDOW = strawberry.enum_value("WINDOW", description="窗口评价器")


@strawberry.enum(description="差评工单状态：待回访 → 已回访 → 已整改 → 已办结")
class WorkOrderStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="待回访")
    CALLED_BACK = strawberry.enum_value("CALLED_BACK", description="已回访")
    RECTIFIED = strawberry.enum_value("RECTIFIED", description="已整改")
    CLOSED = strawberry.enum_value("CLOSED", description="已办结")


@strawberry.enum(description="申诉状态")
class AppealStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="待审核")
    ACCEPTED = strawberry.enum_value("ACCEPTED", description="申诉成立：该评价不计入统计（仍保留）")
    REJECTED = strawberry.enum_value("REJECTED", description="申诉不成立")


@strawberry.enum(description="统计维度")
class RatingGroupBy(Enum):
    HALL = "HALL"
    SERVICE_ITEM = "SERVICE_ITEM"
    CHANNEL = "CHANNEL"
    MONTH = "MONTH"


@strawberry.type(description="评价等级及其可选标签")
class RatingLevelOption:
    level: RatingLevel
    label: str = strawberry.field(description="如 非常满意")
    tags: list[str] = strawberry.field(description="该等级可选的标签")
    comment_required: bool = strawberry.field(description="是否必须填写意见")

    @classmethod
    def all(cls) -> list[RatingLevelOption]:
        return [cls(level=RatingLevel(k), label=label, tags=list(tags), comment_required=need)
                for k, (label, _, tags, need) in LEVELS.items()]


@strawberry.type(description="待评价的已办结服务")
class PendingRating:
    service_ref: strawberry.ID = strawberry.field(description="服务编号，评价时原样传回 rateService")
    kind: str = strawberry.field(description="APPOINTMENT（大厅办理）或 CERTIFICATE（网上开具证明）")
    hall_id: str = strawberry.field(description="办理大厅；网上办理为 ONLINE")
    service_item: str
    completed_at: datetime = strawberry.field(description="办结时间")

    @classmethod
    def from_service(cls, s: Service) -> PendingRating:
        assert s.completed_at is not None
        return cls(service_ref=strawberry.ID(s.ref), kind=s.kind, hall_id=s.hall_id,
                   service_item=s.service_item, completed_at=s.completed_at)


@strawberry.type(description="差评工单的处理情况（市民可见）")
class WorkOrderProgress:
    status: WorkOrderStatus
    callback_due_at: datetime = strawberry.field(description="回访期限（1 个工作日）")
    rectify_due_at: datetime = strawberry.field(description="整改期限（5 个工作日）")
    deadlines_provisional: bool = strawberry.field(
        description="期限是否为暂定：计算时跨入了节假日安排尚未公布（未载入）的日期，载入后自动重算")
    called_back_at: datetime | None
    response: str | None = strawberry.field(description="回访答复")
    rectified_at: datetime | None
    rectification: str | None = strawberry.field(description="整改情况")

    @classmethod
    def from_model(cls, w: WorkOrderModel) -> WorkOrderProgress:
        return cls(status=WorkOrderStatus(w.status), callback_due_at=w.callback_due_at,
                   rectify_due_at=w.rectify_due_at,
                   deadlines_provisional=w.deadlines_provisional,
                   called_back_at=w.called_back_at,
                   response=w.response, rectified_at=w.rectified_at,
                   rectification=w.rectification)


@strawberry.type(description="一条评价（评价一经提交不可修改）")
class Rating:
    id: strawberry.ID
    service_ref: strawberry.ID
    hall_id: str
    service_item: str
    level: RatingLevel
    tags: list[str]
    comment: str | None
    channel: RatingChannel | None = strawberry.field(description="逾期默认评价时为 null")
    is_default: bool = strawberry.field(description="逾期未评价，系统默认“基本满意”")
    rated_at: datetime
    work_order: WorkOrderProgress | None = strawberry.field(description="差评工单处理情况")

    @classmethod
    def from_model(cls, r: RatingModel, w: WorkOrderModel | None = None) -> Rating:
        return cls(id=strawberry.ID(str(r.id)), service_ref=strawberry.ID(r.service_ref),
                   hall_id=r.hall_id, service_item=r.service_item, level=RatingLevel(r.level),
                   tags=list(r.tags), comment=r.comment,
                   channel=None if r.is_default else RatingChannel(r.channel),
                   is_default=r.is_default, rated_at=r.rated_at,
                   work_order=WorkOrderProgress.from_model(w) if w else None)


@strawberry.type(description="本大厅的一条评价（工作人员可见；评价人仅显示脱敏回访号码）")
class HallRating:
    id: strawberry.ID
    level: RatingLevel
    tags: list[str]
    comment: str | None
    channel: str
    service_item: str
    window: str | None = strawberry.field(description="办理窗口（经办人）")
    callback_number: str | None = strawberry.field(description="脱敏回访号码，如 138****1234")
    rated_at: datetime
    excluded_by_appeal: bool = strawberry.field(description="申诉成立，不计入统计")

    @classmethod
    def from_model(cls, r: RatingModel, excluded: bool = False) -> HallRating:
        return cls(id=strawberry.ID(str(r.id)), level=RatingLevel(r.level), tags=list(r.tags),
                   comment=r.comment, channel=r.channel, service_item=r.service_item,
                   window=r.window, callback_number=r.callback_masked, rated_at=r.rated_at,
                   excluded_by_appeal=excluded)


@strawberry.type(description="差评工单（本大厅工作人员可见）")
class WorkOrder:
    id: strawberry.ID
    hall_id: str
    status: WorkOrderStatus
    rating: HallRating
    callback_due_at: datetime
    rectify_due_at: datetime
    deadlines_provisional: bool = strawberry.field(
        description="期限是否为暂定：计算时跨入了节假日安排尚未公布（未载入）的日期，载入后自动重算")
    called_back_at: datetime | None
    rectified_at: datetime | None
    closed_at: datetime | None
    response: str | None
    rectification: str | None
    closing_note: str | None
    callback_overdue: bool = strawberry.field(description="回访逾期")
    rectification_overdue: bool = strawberry.field(description="整改逾期")
    overdue: bool = strawberry.field(description="任一环节逾期")

    @classmethod
    def from_model(cls, w: WorkOrderModel, r: RatingModel, at: datetime) -> WorkOrder:
        late = ratings_workorders.overdue(w, at)
        return cls(id=strawberry.ID(str(w.id)), hall_id=w.hall_id,
                   status=WorkOrderStatus(w.status), rating=HallRating.from_model(r),
                   callback_due_at=w.callback_due_at, rectify_due_at=w.rectify_due_at,
                   deadlines_provisional=w.deadlines_provisional,
                   called_back_at=w.called_back_at, rectified_at=w.rectified_at,
                   closed_at=w.closed_at, response=w.response, rectification=w.rectification,
                   closing_note=w.closing_note, callback_overdue=late.callback,
                   rectification_overdue=late.rectification, overdue=late.any)


@strawberry.type(description="评价申诉")
class RatingAppeal:
    id: strawberry.ID
    rating_id: strawberry.ID
    hall_id: str
    status: AppealStatus
    reason: str
    review_note: str | None
    created_at: datetime
    reviewed_at: datetime | None

    @classmethod
    def from_model(cls, a: AppealModel) -> RatingAppeal:
        return cls(id=strawberry.ID(str(a.id)), rating_id=strawberry.ID(str(a.rating_id)),
                   hall_id=a.hall_id, status=AppealStatus(a.status), reason=a.reason,
                   review_note=a.review_note, created_at=a.created_at,
                   reviewed_at=a.reviewed_at)


@strawberry.type(description="一个统计分组")
class RatingStatisticsRow:
    key: str = strawberry.field(description="分组值：大厅编号、事项、渠道（DEFAULT 为默认评价）或月份 YYYY-MM")
    ratings: int = strawberry.field(description="计入统计的评价数（申诉成立的不计）")
    satisfied: int = strawberry.field(description="非常满意 + 满意 + 基本满意")
    negative: int = strawberry.field(description="不满意 + 非常不满意")
    satisfaction_rate: float | None = strawberry.field(description="满意率（0-1）")
    negative_rate: float | None = strawberry.field(description="差评率（0-1）")
    work_orders: int
    on_time_rectification_rate: float | None = strawberry.field(
        description="按期整改率：按期整改的工单 / 已整改或已到期的工单")

    @classmethod
    def from_row(cls, r: Row) -> RatingStatisticsRow:
        return cls(key=r.key, ratings=r.ratings, satisfied=r.satisfied, negative=r.negative,
                   satisfaction_rate=r.satisfaction_rate, negative_rate=r.negative_rate,
                   work_orders=r.work_orders,
                   on_time_rectification_rate=r.on_time_rectification_rate)


@strawberry.type(description="好差评统计（公开；不含评价人身份）")
class RatingStatistics:
    group_by: RatingGroupBy
    rows: list[RatingStatisticsRow]
    hall_detail: list[HallRating] | None = strawberry.field(
        description="工作人员可见的本大厅评价明细（评价人仅显示脱敏回访号码）；其他调用者为 null")


@strawberry.input(description="统计筛选")
class RatingStatisticsFilter:
    group_by: RatingGroupBy = RatingGroupBy.HALL
    hall_id: str | None = None
    service_item: str | None = None
    channel: str | None = strawberry.field(default=None,
                                           description="FOSHANTONG / YUESHENGSHI / KIOSK / WINDOW / DEFAULT")
    month: str | None = strawberry.field(default=None, description="YYYY-MM（北京时间）")


@strawberry.input(description="评价一次已办结的服务")
class RateServiceInput:
    service_ref: strawberry.ID = strawberry.field(description="pendingRatings 返回的服务编号")
    level: RatingLevel
    tags: list[str] = strawberry.field(default_factory=list,
                                       description="该等级的可选标签（见 ratingLevels）")
    comment: str | None = strawberry.field(default=None, description="意见；不满意、非常不满意时必填")
    channel: RatingChannel


@strawberry.input(description="推进差评工单")
class UpdateWorkOrderInput:
    work_order_id: strawberry.ID
    status: WorkOrderStatus = strawberry.field(description="目标状态：CALLED_BACK、RECTIFIED 或 CLOSED")
    note: str = strawberry.field(description="回访答复 / 整改情况 / 办结说明")


@strawberry.type(description="评价已记录")
class RatingRecorded:
    rating: Rating


@strawberry.type(description="工单已更新")
class WorkOrderUpdated:
    work_order: WorkOrder


@strawberry.type(description="申诉已提交，等待监督部门审核")
class AppealFiled:
    appeal: RatingAppeal


@strawberry.type(description="申诉已审核")
class AppealReviewed:
    appeal: RatingAppeal


RateServiceResult = Annotated[
    RatingRecorded | re.AlreadyRated | re.ServiceNotCompleted | re.CommentRequired
    | re.NotYourService,
    strawberry.union("RateServiceResult")]
UpdateWorkOrderResult = Annotated[WorkOrderUpdated | re.WorkOrderNotFound | re.InvalidTransition,
                                  strawberry.union("UpdateWorkOrderResult")]
AppealRatingResult = Annotated[AppealFiled | re.RatingNotFound | re.AppealAlreadyFiled,
                               strawberry.union("AppealRatingResult")]
ReviewAppealResult = Annotated[AppealReviewed | re.AppealNotFound | re.AppealAlreadyReviewed,
                               strawberry.union("ReviewAppealResult")]
