from __future__ import annotations

import strawberry

from api.errors import Forbidden
from api.graphql.context import Info
from api.services.appointments import booking as appointments
from api.services.appointments import queue as appointment_queue
from api.services.session import sessions
from auth.permissions import IsCitizen, IsStaff, NotClient, NotInBatch
from resolvers.appointments.queries import citizen_id
from resolvers.appointments.types import (
    Appointment,
    AppointmentCancelled,
    AppointmentRescheduled,
    BookAppointmentInput,
    BookAppointmentResult,
    BookingConfirmed,
    CallNextTicketResult,
    CancelAppointmentResult,
    CheckedIn,
    CheckInResult,
    MarkTicketResult,
    QueueTicket,
    RescheduleAppointmentResult,
    ServiceItemCode,
    TakeWalkInTicketResult,
    TicketIssued,
    TicketUpdated,
)


def staff_of(info: Info) -> tuple[str, str]:
    """(hall id, audit actor): staff principals are "HALL:name" and act in their hall."""
    principal = info.context.staff()
    return principal.subject.split(":", 1)[0], f"staff:{principal.subject}"


@strawberry.type
class AppointmentMutation:
    @strawberry.mutation(description="预约大厅办理时段（实名：登录本人）；重复提交同一请求编号只预约一次",
                         permission_classes=[IsCitizen, NotInBatch])
    async def book_appointment(self, info: Info,
                               input: BookAppointmentInput) -> BookAppointmentResult:
        booked = await appointments.book(
            info.context.state, citizen_id(info), slot_id=str(input.slot_id),
            service_item=input.service_item.name, idempotency_key=input.idempotency_key)
        return BookingConfirmed(appointment=Appointment.from_model(booked.booking))

    @strawberry.mutation(description="取消预约（时段开始前 2 小时截止），名额即时释放",
                         permission_classes=[IsCitizen])
    async def cancel_appointment(self, info: Info, id: strawberry.ID) -> CancelAppointmentResult:
        row = await appointments.cancel(info.context.state, citizen_id(info), str(id))
        return AppointmentCancelled(appointment=Appointment.from_model(row))

    @strawberry.mutation(description="改约到同一事项的另一时段（截止时间同取消）",
                         permission_classes=[IsCitizen, NotInBatch])
    async def reschedule_appointment(self, info: Info, id: strawberry.ID,
                                     slot_id: strawberry.ID) -> RescheduleAppointmentResult:
        row = await appointments.reschedule(info.context.state, citizen_id(info), str(id),
                                            slot_id=str(slot_id))
        return AppointmentRescheduled(appointment=Appointment.from_model(row))

    @strawberry.mutation(description="自助终端签到取号：预约编号或其二维码；时段开始前 30 分钟至开始后 15 分钟",
                         permission_classes=[IsCitizen])
    async def check_in(self, info: Info, appointment_id: strawberry.ID,
                       priority: bool = False) -> CheckInResult:
        # priority: a request for staff to confirm (the elderly get it from their ID number).
        ticket = await appointment_queue.check_in(
            info.context.state, citizen_id(info), str(appointment_id), priority=priority)
        return CheckedIn(ticket=QueueTicket.from_model(ticket))

    @strawberry.mutation(description="扫码签到（大厅自助机）：扫描预约的签到二维码（Appointment.checkInCode），"
                                     "无需登录；伪造、过期或未知的码按预约不存在处理",
                         permission_classes=[NotClient, NotInBatch])
    async def check_in_by_code(self, info: Info, code: str,
                               priority: bool = False) -> CheckInResult:
        ticket = await appointment_queue.check_in_by_code(
            info.context.state, code, priority=priority)
        return CheckedIn(ticket=QueueTicket.from_model(ticket))

    @strawberry.mutation(description="现场取号（未预约，从当天现场号池发放）；每人每天每大厅、每台终端每天有上限。"
                                     "priority 为申请优先，须工作人员核实后生效（65 岁以上自动优先）",
                         permission_classes=[IsCitizen, NotInBatch])
    async def take_walk_in_ticket(self, info: Info, hall_id: strawberry.ID,
                                  service_item: ServiceItemCode,
                                  priority: bool = False) -> TakeWalkInTicketResult:
        principal = info.context.citizen()
        ticket = await appointment_queue.take_walk_in(
            info.context.state, principal.subject, str(hall_id), service_item.name,
            priority=priority,
            kiosk_id=await sessions.kiosk_of(principal.session_id))
        return TicketIssued(ticket=QueueTicket.from_model(ticket))

    @strawberry.mutation(description="叫下一个号（本大厅工作人员）：优先人群先，预约先于现场号",
                         permission_classes=[IsStaff])
    async def call_next_ticket(self, info: Info, hall_id: strawberry.ID,
                               service_item: ServiceItemCode | None = None
                               ) -> CallNextTicketResult:
        hall, actor = staff_of(info)
        if str(hall_id) != hall:
            raise Forbidden("只能为本大厅叫号")
        ticket = await appointment_queue.call_next(
            hall, staff=actor, service_item=service_item.name if service_item else None)
        return TicketUpdated(ticket=QueueTicket.from_model(ticket))

    @strawberry.mutation(description="核实优先申请（本大厅工作人员查验残疾人证等后）：该号此后优先叫号",
                         permission_classes=[IsStaff])
    async def confirm_ticket_priority(self, info: Info,
                                      ticket_id: strawberry.ID) -> MarkTicketResult:
        hall, actor = staff_of(info)
        ticket = await appointment_queue.confirm_priority(hall, str(ticket_id), staff=actor)
        return TicketUpdated(ticket=QueueTicket.from_model(ticket))

    @strawberry.mutation(description="标记已办结（本大厅工作人员）", permission_classes=[IsStaff])
    async def mark_served(self, info: Info, ticket_id: strawberry.ID) -> MarkTicketResult:
        hall, actor = staff_of(info)
        ticket = await appointment_queue.mark_served(hall, str(ticket_id), staff=actor)
        return TicketUpdated(ticket=QueueTicket.from_model(ticket))

    @strawberry.mutation(description="标记过号未到（本大厅工作人员）；预约号计一次爽约",
                         permission_classes=[IsStaff])
    async def mark_no_show(self, info: Info, ticket_id: strawberry.ID) -> MarkTicketResult:
        hall, actor = staff_of(info)
        ticket = await appointment_queue.mark_no_show(
            info.context.state, hall, str(ticket_id), staff=actor)
        return TicketUpdated(ticket=QueueTicket.from_model(ticket))
