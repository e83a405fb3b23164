"""Why a booking, change, check-in or queue action was refused: each says until when."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from api.errors import DomainError, ErrorCode, ObjectId, recovery
from api.services.certificates.errors import IdempotencyConflict

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(at: datetime) -> datetime:
    return at.astimezone(_SHANGHAI)


class SlotNotFound(DomainError):
    code = ErrorCode.SLOT_NOT_FOUND
    summary = "时段不存在或不办理该事项"


class SlotFull(DomainError):
    code = ErrorCode.SLOT_FULL
    summary = "时段已约满；附最近的可约时段"
    next_free_slot_id: ObjectId | None
    next_free_starts_at: datetime | None

    def default_message(self) -> str:
        return ("该时段已约满，可选择最近的可约时段" if self.next_free_slot_id
                else "该时段已约满，近期暂无可约时段")


class QuotaExceeded(DomainError):
    code = ErrorCode.QUOTA_EXCEEDED
    summary = "超过每周/每月预约次数上限"
    period: str = recovery("WEEK 或 MONTH")
    limit: int
    until: datetime = recovery("此时起可再预约")

    def default_message(self) -> str:
        label = {"WEEK": "每周", "MONTH": "每月"}[self.period]
        return f"{label}最多预约 {self.limit} 次，{_local(self.until):%m月%d日}起可再预约"


class BookingSuspended(DomainError):
    code = ErrorCode.BOOKING_SUSPENDED
    summary = "因多次爽约暂停预约"
    until: datetime = recovery("暂停至")

    def default_message(self) -> str:
        return f"90天内爽约已达上限，{_local(self.until):%Y年%m月%d日}前不能预约"


class OutsideBookingWindow(DomainError):
    code = ErrorCode.OUTSIDE_BOOKING_WINDOW
    summary = "不在可预约时间内（号源未放出，或时段已开始）"
    opens_at: datetime | None = recovery("号源放出时间（尚未放出时）")
    closes_at: datetime | None = recovery("预约截止时间（时段开始）")

    def default_message(self) -> str:
        return (f"该日号源将于 {_local(self.opens_at):%m月%d日 %H:%M} 放出" if self.opens_at
                else "该时段已开始或已结束，不能再预约")


class AlreadyBooked(DomainError):
    code = ErrorCode.ALREADY_BOOKED
    summary = "当天已预约该事项"
    appointment_id: ObjectId | None = recovery("已有的预约")


class BookingKeyReused(IdempotencyConflict):
    """Answered as ``IdempotencyConflict``, in the words of a booking."""

    def default_message(self) -> str:
        return "该请求编号已用于另一份不同的预约"


class AppointmentNotFound(DomainError):
    code = ErrorCode.APPOINTMENT_NOT_FOUND
    summary = "预约不存在（他人的预约同样如此回答）"


class AppointmentNotActive(DomainError):
    code = ErrorCode.APPOINTMENT_NOT_ACTIVE
    summary = "预约已取消、已签到或已结束"


class ChangeTooLate(DomainError):
    code = ErrorCode.CHANGE_TOO_LATE
    summary = "已过取消/改约截止时间"
    deadline: datetime

    def default_message(self) -> str:
        return f"取消或改约须在 {_local(self.deadline):%m月%d日 %H:%M} 前办理"


class CheckInWindowClosed(DomainError):
    code = ErrorCode.CHECK_IN_WINDOW_CLOSED
    summary = "不在签到时间内"
    opens_at: datetime
    closes_at: datetime

    def default_message(self) -> str:
        return f"请在 {_local(self.opens_at):%H:%M} 至 {_local(self.closes_at):%H:%M} 之间签到"


class HallNotFound(DomainError):
    code = ErrorCode.HALL_NOT_FOUND
    summary = "大厅不存在或不办理该事项"


class HallClosed(DomainError):
    code = ErrorCode.HALL_CLOSED
    summary = "大厅今日不办公"


class WalkInPoolExhausted(DomainError):
    code = ErrorCode.WALK_IN_POOL_EXHAUSTED
    summary = "今日现场号已发完"


class WalkInLimitReached(DomainError):
    """One citizen (per hall and day) or one kiosk (per day) took its share of
    the walk-in pool (issue 12, item 9)."""

    code = ErrorCode.WALK_IN_LIMIT_REACHED
    summary = "本人今日在本大厅（或本终端今日）的现场取号已达上限"


class NoTicketWaiting(DomainError):
    code = ErrorCode.NO_TICKET_WAITING
    summary = "没有等候中的号"


class TicketNotFound(DomainError):
    code = ErrorCode.TICKET_NOT_FOUND
    summary = "号不存在（或不属于本大厅）"


class TicketAlreadyFinished(DomainError):
    code = ErrorCode.TICKET_ALREADY_FINISHED
    summary = "号已办结或已过号"
