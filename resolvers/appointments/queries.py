from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.services.appointments import booking as appointments
from api.services.appointments import calendar as appointment_calendar
from api.services.appointments import queue as appointment_queue
from api.services.appointments.calendar import SERVICE_ITEMS
from auth.permissions import IsCitizen
from resolvers.appointments.types import (
    Appointment,
    Hall,
    MyQueueTicket,
    ServiceItem,
    ServiceItemCode,
    Slot,
)


def citizen_id(info: Info) -> str:
    return info.context.citizen().subject


@strawberry.type
class AppointmentQuery:
    @strawberry.field(description="办事大厅：市中心大厅及各区大厅（公开）")
    async def halls(self) -> list[Hall]:
        return [Hall.from_model(h) for h in await appointment_calendar.halls()]

    @strawberry.field(description="可预约的办理事项（公开）")
    def service_items(self) -> list[ServiceItem]:
        return [ServiceItem(code=ServiceItemCode(code), name=name)
                for code, (name, _) in SERVICE_ITEMS.items()]

    @strawberry.field(description="可预约时段（公开）：只含已放号且未开始的时段；一次最多查询 14 天")
    async def available_slots(
        self, info: Info, hall_id: strawberry.ID, service_item: ServiceItemCode,
        from_: Annotated[str, strawberry.argument(name="from",
                                                  description="开始日期 YYYY-MM-DD（北京时间）")],
        to: Annotated[str, strawberry.argument(description="结束日期 YYYY-MM-DD（含）")],
    ) -> list[Slot]:
        first = appointment_calendar.parse_day(from_, "from")
        last = appointment_calendar.parse_day(to, "to")
        rows = await appointment_calendar.available_slots(
            info.context.state, str(hall_id), service_item.name, first, last)
        return [Slot.from_row(s) for s in rows]

    @strawberry.field(description="我的预约（最近 50 条）", permission_classes=[IsCitizen])
    async def my_appointments(self, info: Info) -> list[Appointment]:
        rows = await appointments.mine(info.context.state, citizen_id(info))
        return [Appointment.from_model(b) for b in rows]

    @strawberry.field(description="我今天的排队号：前面人数与预计等候时间；没有则为 null",
                      permission_classes=[IsCitizen])
    async def my_queue_ticket(self, info: Info) -> MyQueueTicket | None:
        status = await appointment_queue.my_ticket(info.context.state, citizen_id(info))
        return MyQueueTicket.from_status(status) if status else None
