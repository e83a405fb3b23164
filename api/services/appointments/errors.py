"""Why a booking, change, check-in or queue action was refused: each says until when."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from api.services.certificates.errors import IdempotencyConflict
from api.services.errors import DomainError

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(at: datetime) -> datetime:
    return at.astimezone(_SHANGHAI)


class SlotNotFound(DomainError):
    code = "SLOT_NOT_FOUND"
    message = "该时段不存在或不办理所选事项，请刷新后重新选择"


class SlotFull(DomainError):
    code = "SLOT_FULL"
    message = "该时段已约满"

    def __init__(self, next_free_slot_id: str | None, next_free_starts_at: datetime | None) -> None:
        super().__init__("该时段已约满，可选择最近的可约时段" if next_free_slot_id
                         else "该时段已约满，近期暂无可约时段")
        self.next_free_slot_id = next_free_slot_id
        self.next_free_starts_at = next_free_starts_at


class QuotaExceeded(DomainError):
    code = "QUOTA_EXCEEDED"
    message = "预约次数已达上限"

    def __init__(self, period: str, limit: int, until: datetime) -> None:
        label = {"WEEK": "每周", "MONTH": "每月"}[period]
        super().__init__(f"{label}最多预约 {limit} 次，{_local(until):%m月%d日}起可再预约")
        self.period, self.limit, self.until = period, limit, until


class BookingSuspended(DomainError):
    code = "BOOKING_SUSPENDED"
    message = "因多次爽约，预约功能已暂停"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"90天内爽约已达上限，{_local(until):%Y年%m月%d日}前不能预约")
        self.until = until


class OutsideBookingWindow(DomainError):
    code = "OUTSIDE_BOOKING_WINDOW"
    message = "不在可预约时间内"

    def __init__(self, opens_at: datetime | None, closes_at: datetime | None) -> None:
        super().__init__(f"该日号源将于 {_local(opens_at):%m月%d日 %H:%M} 放出" if opens_at
                         else "该时段已开始或已结束，不能再预约")
        self.opens_at, self.closes_at = opens_at, closes_at


class AlreadyBooked(DomainError):
    code = "ALREADY_BOOKED"
    message = "您当天已预约该事项"

    def __init__(self, appointment_id: str | None) -> None:
        super().__init__()
        self.appointment_id = appointment_id


class BookingKeyReused(IdempotencyConflict):
    message = "该请求编号已用于另一份不同的预约"


class AppointmentNotFound(DomainError):
    code = "APPOINTMENT_NOT_FOUND"
    message = "未找到该预约"


class AppointmentNotActive(DomainError):
    code = "APPOINTMENT_NOT_ACTIVE"
    message = "该预约已取消、已签到或已结束"


class ChangeTooLate(DomainError):
    code = "CHANGE_TOO_LATE"
    message = "已过取消或改约的截止时间"

    def __init__(self, deadline: datetime) -> None:
        super().__init__(f"取消或改约须在 {_local(deadline):%m月%d日 %H:%M} 前办理")
        self.deadline = deadline


class CheckInWindowClosed(DomainError):
    code = "CHECK_IN_WINDOW_CLOSED"
    message = "不在签到时间内"

    def __init__(self, opens_at: datetime, closes_at: datetime) -> None:
        super().__init__(f"请在 {_local(opens_at):%H:%M} 至 {_local(closes_at):%H:%M} 之间签到")
        self.opens_at, self.closes_at = opens_at, closes_at


class HallNotFound(DomainError):
    code = "HALL_NOT_FOUND"
    message = "未找到该办事大厅"


class HallClosed(DomainError):
    code = "HALL_CLOSED"
    message = "大厅今日不办公"


class WalkInPoolExhausted(DomainError):
    code = "WALK_IN_POOL_EXHAUSTED"
    message = "今日现场号已发完，请预约其他日期"


class WalkInLimitReached(DomainError):
    """One citizen (per hall and day) or one kiosk (per day) took its share of
    the walk-in pool (issue 12, item 9)."""

    code = "WALK_IN_LIMIT_REACHED"
    message = "您今天在本大厅的现场取号次数已达上限；如需办理其他事项，请到咨询台由工作人员协助"


class NoTicketWaiting(DomainError):
    code = "NO_TICKET_WAITING"
    message = "当前没有排队的号"


class TicketNotFound(DomainError):
    code = "TICKET_NOT_FOUND"
    message = "未找到该号"


class TicketAlreadyFinished(DomainError):
    code = "TICKET_ALREADY_FINISHED"
    message = "该号已办结或已标记爽约"
