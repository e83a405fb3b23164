from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from api.models import DataAccess, Notification
from api.services.privacy import notifications
from resolvers.properties.types import PageInfo


@strawberry.enum(description="通知的重要程度")
class Severity(Enum):
    INFO = strawberry.enum_value("INFO", description="一般")
    SERIOUS = strawberry.enum_value("SERIOUS", description="重要（同时短信通知）")


@strawberry.type(description="与本人不动产或个人信息有关的通知")
class NotificationItem:
    id: strawberry.ID
    kind: str = strawberry.field(
        description="MORTGAGE、SEIZURE、TRANSFER、PRE_REGISTRATION、OBJECTION、*_RELEASE、DATA_ACCESSED")
    severity: Severity
    title: str
    body: str
    unit_no: str | None = strawberry.field(description="涉及的不动产单元号")
    at: datetime
    read: bool

    @classmethod
    def from_model(cls, n: Notification) -> NotificationItem:
        return cls(id=strawberry.ID(n.id.hex), kind=n.kind, severity=Severity(n.severity),
                   title=n.title, body=n.body, unit_no=n.unit_no, at=n.at,
                   read=n.read_at is not None)


@strawberry.type
class NotificationEdge:
    cursor: str
    node: NotificationItem


@strawberry.type
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo
    subject_hash: strawberry.Private[str]

    @strawberry.field(description="未读通知总数（不受分页与 unreadOnly 影响），用于角标")
    async def unread_count(self) -> int:
        return await notifications.unread_count(self.subject_hash)


@strawberry.type(description="通知已标为已读")
class NotificationsMarkedRead:
    marked: int = strawberry.field(description="本次实际标为已读的条数")


# One member each today: unions so that a failure can be added without breaking clients.
MarkNotificationsReadResult = Annotated[NotificationsMarkedRead,
                                        strawberry.union("MarkNotificationsReadResult")]
MarkAllNotificationsReadResult = Annotated[NotificationsMarkedRead,
                                           strawberry.union("MarkAllNotificationsReadResult")]


@strawberry.enum(description="查询者类型")
class AccessorKind(Enum):
    SELF = strawberry.enum_value("SELF", description="本人")
    STAFF = strawberry.enum_value("STAFF", description="登记中心工作人员")
    THIRD_PARTY = strawberry.enum_value("THIRD_PARTY", description="经本人授权的第三方机构")
    VERIFIER = strawberry.enum_value("VERIFIER", description="核验证明的机构")


@strawberry.type(description="一次对本人不动产信息的查询")
class DataAccessEntry:
    at: datetime
    accessor_kind: AccessorKind
    accessor_name: str = strawberry.field(description="查询者，如 本人、某窗口、某学校")
    channel: str
    purpose: str
    scope: str = strawberry.field(description="查询范围，如 HOLDINGS")

    @classmethod
    def from_model(cls, a: DataAccess) -> DataAccessEntry:
        return cls(at=a.at, accessor_kind=AccessorKind(a.accessor_kind),
                   accessor_name=a.accessor_name, channel=a.channel, purpose=a.purpose,
                   scope=a.scope)


@strawberry.type
class DataAccessEdge:
    cursor: str
    node: DataAccessEntry


@strawberry.type
class DataAccessConnection:
    edges: list[DataAccessEdge]
    page_info: PageInfo
