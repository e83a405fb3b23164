from __future__ import annotations

import asyncio
from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from api.errors import InvalidArgument
from api.graphql.context import Info
from api.models import Booking as BookingModel
from api.models import Hall as HallModel
from api.models import QueueTicket as TicketModel
from api.services.appointments import errors as ae
from api.services.appointments import queue as appointment_queue
from api.services.appointments.calendar import SERVICE_ITEMS, SlotRow
from api.services.appointments.queue import TicketStatus
from api.services.certificates import errors as ce
from api.services.platform import DISTRICT_NAMES
from api.services.ratings import rating as ratings


@strawberry.enum(description="办理事项")
class ServiceItemCode(Enum):
    TRANSFER = strawberry.enum_value("TRANSFER", description="转移登记")
    MORTGAGE = strawberry.enum_value("MORTGAGE", description="抵押登记")
    PRE_REGISTRATION = strawberry.enum_value("PRE_REGISTRATION", description="预告登记")
    CANCELLATION = strawberry.enum_value("CANCELLATION", description="注销登记")
    QUERY_CERTIFICATE = strawberry.enum_value("QUERY_CERTIFICATE", description="查询/证明")
    OTHER = strawberry.enum_value("OTHER", description="其他")


@strawberry.enum(description="预约状态")
class AppointmentStatus(Enum):
    BOOKED = strawberry.enum_value("BOOKED", description="已预约")
    CHECKED_IN = strawberry.enum_value("CHECKED_IN", description="已签到取号")
    SERVED = strawberry.enum_value("SERVED", description="已办理")
    NO_SHOW = strawberry.enum_value("NO_SHOW", description="爽约")
    CANCELLED = strawberry.enum_value("CANCELLED", description="已取消")


@strawberry.enum(description="排队号状态")
class TicketState(Enum):
    WAITING = strawberry.enum_value("WAITING", description="等候中")
    CALLED = strawberry.enum_value("CALLED", description="已叫号，请到窗口")
    SERVED = strawberry.enum_value("SERVED", description="已办结")
    NO_SHOW = strawberry.enum_value("NO_SHOW", description="过号未到")


@strawberry.type(description="办理事项")
class ServiceItem:
    code: ServiceItemCode
    name: str


@strawberry.type(description="办事大厅")
class Hall:
    id: strawberry.ID
    name: str
    district: str = strawberry.field(description="所在区")
    address: str
    opening_hours: list[str] = strawberry.field(
        description="工作日办公时段（北京时间），如 09:00-12:00、13:30-17:00；法定节假日休息，调休上班日照常办公")
    service_items: list[ServiceItemCode] = strawberry.field(description="可预约的事项")

    @classmethod
    def from_model(cls, h: HallModel) -> Hall:
        return cls(id=strawberry.ID(h.id), name=h.name,
                   district=DISTRICT_NAMES.get(h.district_code, ""), address=h.address,
                   opening_hours=[f"{a}-{b}" for a, b in h.sessions],
                   service_items=[ServiceItemCode(i) for i in h.windows if i in SERVICE_ITEMS])


@strawberry.type(description="可预约时段（号源）")
class Slot:
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int = strawberry.field(description="剩余可约数")

    @classmethod
    def from_row(cls, s: SlotRow) -> Slot:
        return cls(id=strawberry.ID(str(s.id)), starts_at=s.starts_at, ends_at=s.ends_at,
                   capacity=s.capacity, remaining=max(s.capacity - s.booked, 0))


@strawberry.type(description="一次预约")
class Appointment:
    id: strawberry.ID = strawberry.field(description="预约编号")
    hall_id: strawberry.ID
    service_item: ServiceItemCode
    day: date
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    created_at: datetime
    booking: strawberry.Private[BookingModel]

    @strawberry.field(description="评价这次办理时传给 rateService 的服务编号（办结后可评价）")
    def service_ref(self) -> strawberry.ID:
        return strawberry.ID(ratings.service_ref("APPOINTMENT", self.id))

    @strawberry.field(description="签到二维码内容：到大厅后在自助机扫码即可签到取号，无需再刷脸；"
                                  "签到时段结束后失效，仅本人可见")
    def check_in_code(self, info: Info) -> str | None:
        return appointment_queue.check_in_code(info.context.state, self.booking)

    @strawberry.field(description="签到二维码图片（data:image/svg+xml URL），内容为签到码（与 checkInCode 等效）；"
                                  "每次请求最多生成一个，请在出示时单独请求")
    async def check_in_qr(self, info: Info) -> str | None:
        code = self.check_in_code(info)
        if code is None:
            return None
        # ~40 ms of CPU each: one per request, off the event loop.
        if info.context.qr_rendered:
            raise InvalidArgument("每次请求最多生成一个签到二维码", field="checkInQr")
        info.context.qr_rendered = True
        return await asyncio.to_thread(appointment_queue.qr_data_url, code)

    @classmethod
    def from_model(cls, b: BookingModel) -> Appointment:
        return cls(id=strawberry.ID(str(b.id)), hall_id=strawberry.ID(b.hall_id),
                   service_item=ServiceItemCode(b.service_item), day=b.day,
                   starts_at=b.starts_at, ends_at=b.ends_at,
                   status=AppointmentStatus(b.status), created_at=b.created_at, booking=b)


@strawberry.type(description="排队号")
class QueueTicket:
    id: strawberry.ID
    code: str = strawberry.field(description="号码，如 B023：字母表示事项，数字为当天该大厅的顺序号")
    hall_id: strawberry.ID
    service_item: ServiceItemCode
    status: TicketState
    priority: bool = strawberry.field(
        description="优先叫号：65 岁以上（按身份证出生日期自动判断），或经工作人员核实的残疾人等")
    priority_requested: bool = strawberry.field(
        default=False, description="已申请优先、待工作人员核实（核实前按普通号排队）")
    walk_in: bool = strawberry.field(description="现场取号（未预约）")
    issued_at: datetime

    @classmethod
    def from_model(cls, t: TicketModel) -> QueueTicket:
        return cls(id=strawberry.ID(str(t.id)), code=t.code, hall_id=strawberry.ID(t.hall_id),
                   service_item=ServiceItemCode(t.service_item), status=TicketState(t.status),
                   priority=t.priority, priority_requested=t.priority_requested,
                   walk_in=t.kind == "WALK_IN", issued_at=t.issued_at)


@strawberry.type(description="我的排队情况")
class MyQueueTicket:
    ticket: QueueTicket
    people_ahead: int = strawberry.field(description="前面等候的人数")
    estimated_wait_minutes: int = strawberry.field(description="预计等候分钟数")

    @classmethod
    def from_status(cls, s: TicketStatus) -> MyQueueTicket:
        return cls(ticket=QueueTicket.from_model(s.ticket), people_ahead=s.people_ahead,
                   estimated_wait_minutes=s.estimated_wait_minutes)


@strawberry.input(description="预约")
class BookAppointmentInput:
    slot_id: strawberry.ID = strawberry.field(description="availableSlots 返回的时段 id")
    service_item: ServiceItemCode
    idempotency_key: str | None = strawberry.field(
        default=None, description="客户端生成的请求编号：重复提交只预约一次")


@strawberry.type(description="预约成功")
class BookingConfirmed:
    appointment: Appointment


@strawberry.type(description="预约已取消，名额已释放")
class AppointmentCancelled:
    appointment: Appointment


@strawberry.type(description="已改约到新时段")
class AppointmentRescheduled:
    appointment: Appointment


@strawberry.type(description="签到成功，已取号")
class CheckedIn:
    ticket: QueueTicket


@strawberry.type(description="已取号")
class TicketIssued:
    ticket: QueueTicket


@strawberry.type(description="排队号状态已更新")
class TicketUpdated:
    ticket: QueueTicket


_Refusals = (ae.SlotFull | ae.QuotaExceeded | ae.BookingSuspended | ae.OutsideBookingWindow
             | ae.AlreadyBooked | ae.SlotNotFound)
BookAppointmentResult = Annotated[BookingConfirmed | _Refusals | ce.IdempotencyConflict,
                                  strawberry.union("BookAppointmentResult")]
CancelAppointmentResult = Annotated[
    AppointmentCancelled | ae.AppointmentNotFound | ae.AppointmentNotActive | ae.ChangeTooLate,
    strawberry.union("CancelAppointmentResult")]
RescheduleAppointmentResult = Annotated[
    AppointmentRescheduled | ae.AppointmentNotFound | ae.AppointmentNotActive | ae.ChangeTooLate
    | _Refusals, strawberry.union("RescheduleAppointmentResult")]
CheckInResult = Annotated[CheckedIn | ae.AppointmentNotFound | ae.AppointmentNotActive
                          | ae.CheckInWindowClosed, strawberry.union("CheckInResult")]
TakeWalkInTicketResult = Annotated[TicketIssued | ae.HallNotFound | ae.HallClosed
                                   | ae.WalkInPoolExhausted | ae.WalkInLimitReached,
                                   strawberry.union("TakeWalkInTicketResult")]
CallNextTicketResult = Annotated[TicketUpdated | ae.NoTicketWaiting,
                                 strawberry.union("CallNextTicketResult")]
MarkTicketResult = Annotated[TicketUpdated | ae.TicketNotFound | ae.TicketAlreadyFinished,
                             strawberry.union("MarkTicketResult")]
