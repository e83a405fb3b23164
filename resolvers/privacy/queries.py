from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.services import paging
from api.services.privacy import access_log, notifications
from api.services.session import citizens
from auth.permissions import FaceVerified, IsCitizen
from resolvers.privacy.types import (
    DataAccessConnection,
    DataAccessEdge,
    DataAccessEntry,
    MarkAllNotificationsReadResult,
    MarkNotificationsReadResult,
    NotificationConnection,
    NotificationEdge,
    NotificationItem,
    NotificationsMarkedRead,
)
from resolvers.properties.types import PageInfo


async def _subject_hash(info: Info) -> str:
    return (await citizens.get(info.context.citizen().subject)).id_number_hash


@strawberry.type
class PrivacyQuery:
    @strawberry.field(description="我的通知：名下不动产的抵押、查封、转移等变动，以及他人查询记录（需刷脸登录）",
                      permission_classes=[FaceVerified])
    async def my_notifications(self, info: Info, first: int = 20, after: str | None = None,
                               unread_only: bool = False) -> NotificationConnection:
        paging.check_first(first, info.context.settings.max_page_size)
        subject_hash = await _subject_hash(info)
        page = await notifications.my_notifications(subject_hash, first=first,
                                                    after=after, unread_only=unread_only)
        return NotificationConnection(
            subject_hash=subject_hash,
            edges=[NotificationEdge(cursor=c, node=NotificationItem.from_model(n))
                   for n, c in zip(page.items, page.cursors, strict=True)],
            page_info=PageInfo(has_next_page=page.has_next,
                               end_cursor=page.cursors[-1] if page.cursors else None))

    @strawberry.field(description="谁查询了我的信息：时间、渠道、查询者与用途", permission_classes=[IsCitizen])
    async def my_data_access_log(self, info: Info, first: int = 20,
                                 after: str | None = None) -> DataAccessConnection:
        paging.check_first(first, info.context.settings.max_page_size)
        page = await access_log.access_log(await _subject_hash(info), first=first, after=after)
        return DataAccessConnection(
            edges=[DataAccessEdge(cursor=c, node=DataAccessEntry.from_model(a))
                   for a, c in zip(page.items, page.cursors, strict=True)],
            page_info=PageInfo(has_next_page=page.has_next,
                               end_cursor=page.cursors[-1] if page.cursors else None))


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="把通知标记为已读；返回实际标记的条数", permission_classes=[FaceVerified])
    async def mark_notifications_read(self, info: Info,
                                      ids: list[strawberry.ID]) -> MarkNotificationsReadResult:
        if len(ids) > info.context.settings.max_page_size:
            paging.check_first(len(ids), info.context.settings.max_page_size)
        parsed = []
        for raw in ids:
            try:
                parsed.append(uuid.UUID(hex=str(raw)))
            except ValueError:
                continue
        return NotificationsMarkedRead(
            marked=await notifications.mark_read(await _subject_hash(info), parsed))

    @strawberry.mutation(description="把本人全部未读通知标为已读；返回实际标记的条数",
                         permission_classes=[FaceVerified])
    async def mark_all_notifications_read(
        self, info: Info,
        up_to: Annotated[datetime | None, strawberry.argument(
            description="只标记此时间及以前的通知：传入已向用户展示的最新一条的 at，"
                        "展示之后才到达的通知保持未读")] = None,
    ) -> MarkAllNotificationsReadResult:
        return NotificationsMarkedRead(
            marked=await notifications.mark_all_read(await _subject_hash(info), up_to))
