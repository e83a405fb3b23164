from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.services.appointments import calendar as cal
from api.services.ratings import rating as ratings
from api.services.ratings import stats as ratings_stats
from api.services.ratings import workorders as ratings_workorders
from auth.permissions import IsCitizen, IsStaff
from resolvers.appointments.mutations import staff_of
from resolvers.appointments.queries import citizen_id
from resolvers.ratings.types import (
    HallRating,
    PendingRating,
    Rating,
    RatingLevelOption,
    RatingStatistics,
    RatingStatisticsFilter,
    RatingStatisticsRow,
    WorkOrder,
    WorkOrderStatus,
)


@strawberry.type
class RatingQuery:
    @strawberry.field(description="评价等级、可选标签及是否须填意见（公开）")
    def rating_levels(self) -> list[RatingLevelOption]:
        return RatingLevelOption.all()

    @strawberry.field(description="我待评价的已办结服务（大厅办理、网上开具证明）；逾期 7 天未评价自动默认“基本满意”",
                      permission_classes=[IsCitizen])
    async def pending_ratings(self, info: Info) -> list[PendingRating]:
        rows = await ratings.pending(info.context.state, citizen_id(info))
        return [PendingRating.from_service(s) for s in rows]

    @strawberry.field(description="我的评价（最近 50 条），含差评工单的回访与整改情况",
                      permission_classes=[IsCitizen])
    async def my_ratings(self, info: Info) -> list[Rating]:
        return [Rating.from_model(r, w) for r, w in await ratings.mine(citizen_id(info))]

    @strawberry.field(description="本大厅的差评工单（工作人员），最近 100 条", permission_classes=[IsStaff])
    async def work_orders(self, info: Info, status: WorkOrderStatus | None = None
                          ) -> list[WorkOrder]:
        hall, _ = staff_of(info)
        rows = await ratings_workorders.for_hall(hall, status.name if status else None)
        at = cal.utc(None)
        return [WorkOrder.from_model(w, r, at) for w, r in rows]

    @strawberry.field(description="好差评统计（公开）：满意率、差评率、按期整改率，按大厅/事项/渠道/月份分组；"
                                  "工作人员另见本大厅明细")
    async def rating_statistics(self, info: Info,
                                filter: RatingStatisticsFilter | None = None
                                ) -> RatingStatistics:
        f = filter or RatingStatisticsFilter()
        sf = ratings_stats.StatsFilter(hall_id=f.hall_id, service_item=f.service_item,
                                       channel=f.channel, month=f.month)
        rows = await ratings_stats.statistics(sf, f.group_by.name)
        detail = None
        principal = info.context.principal
        if principal is not None and principal.kind == "staff" and principal.verifiable:
            hall, _ = staff_of(info)
            detail = [HallRating.from_model(r, excluded)
                      for r, excluded in await ratings_stats.hall_detail(hall, sf)]
        return RatingStatistics(group_by=f.group_by,
                                rows=[RatingStatisticsRow.from_row(r) for r in rows],
                                hall_detail=detail)
