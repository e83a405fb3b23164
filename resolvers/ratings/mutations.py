from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.services.appointments import calendar as cal
from api.services.ratings import rating as ratings
from api.services.ratings import workorders as ratings_workorders
from auth.permissions import IsCitizen, IsStaff, NotInBatch
from resolvers.appointments.mutations import staff_of
from resolvers.appointments.queries import citizen_id
from resolvers.ratings.types import (
    AppealFiled,
    AppealRatingResult,
    AppealReviewed,
    RateServiceInput,
    RateServiceResult,
    Rating,
    RatingAppeal,
    RatingRecorded,
    ReviewAppealResult,
    UpdateWorkOrderInput,
    UpdateWorkOrderResult,
    WorkOrder,
    WorkOrderUpdated,
)


@strawberry.type
class RatingMutation:
    @strawberry.mutation(description="评价一次已办结的服务（本人，一事一评，提交后不可修改）；工作人员不能评价",
                         permission_classes=[IsCitizen, NotInBatch])
    async def rate_service(self, info: Info, input: RateServiceInput) -> RateServiceResult:
        row = await ratings.rate(
            info.context.state, citizen_id(info), service_ref=str(input.service_ref),
            level=input.level.name, tags=input.tags, comment=input.comment,
            channel=input.channel.name)
        return RatingRecorded(rating=Rating.from_model(row))

    @strawberry.mutation(description="推进本大厅的差评工单：回访 → 整改 → 办结，须附说明",
                         permission_classes=[IsStaff])
    async def update_work_order(self, info: Info,
                                input: UpdateWorkOrderInput) -> UpdateWorkOrderResult:
        hall, actor = staff_of(info)
        order = await ratings_workorders.update(
            hall, str(input.work_order_id), status=input.status.name, text=input.note,
            actor=actor)
        rating = await ratings_workorders.rating_of(order)
        return WorkOrderUpdated(work_order=WorkOrder.from_model(order, rating, cal.utc(None)))

    @strawberry.mutation(description="对本大厅的一条评价提出申诉（恶意或错误评价），每条评价一次",
                         permission_classes=[IsStaff])
    async def appeal_rating(self, info: Info, rating_id: strawberry.ID,
                            reason: str) -> AppealRatingResult:
        hall, actor = staff_of(info)
        row = await ratings_workorders.appeal(hall, str(rating_id), reason=reason, actor=actor)
        return AppealFiled(appeal=RatingAppeal.from_model(row))

    @strawberry.mutation(description="审核申诉（仅好差评监督部门，不得审核本部门）；成立则该评价不计入统计但保留",
                         permission_classes=[IsStaff])
    async def review_appeal(self, info: Info, appeal_id: strawberry.ID, accept: bool,
                            note: str = "") -> ReviewAppealResult:
        hall, actor = staff_of(info)
        row = await ratings_workorders.review(
            info.context.state, hall, str(appeal_id), accept=accept, note=note, actor=actor)
        return AppealReviewed(appeal=RatingAppeal.from_model(row))
