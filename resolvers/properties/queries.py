from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.services import paging
from api.services.properties import holdings as properties
from auth.permissions import FaceVerified
from resolvers.properties.loaders import my_holdings
from resolvers.properties.types import (
    PageInfo,
    Property,
    PropertyConnection,
    PropertyEdge,
    PropertyFilter,
)


@strawberry.type
class PropertyQuery:
    @strawberry.field(description="名下房产：本人单独或共有的全部现势不动产（需刷脸登录）",
                      permission_classes=[FaceVerified])
    async def my_properties(self, info: Info, first: int = 20, after: str | None = None,
                            filter: PropertyFilter | None = None) -> PropertyConnection:
        paging.check_first(first, info.context.settings.max_page_size)
        holdings, me = await my_holdings(info)
        f = filter or PropertyFilter()
        page = properties.page(holdings, properties.HoldingFilter(
            district_code=f.district, use=f.use, encumbered=f.encumbered), first=first,
            after=after)
        edges = [PropertyEdge(cursor=c, node=Property.from_model(h, me))
                 for h, c in zip(page.items, page.cursors, strict=True)]
        return PropertyConnection(edges=edges, page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
            total_count=page.total or 0)

    @strawberry.field(description="本人名下的一处不动产；他人的或不存在的编号都返回 null",
                      permission_classes=[FaceVerified])
    async def property(self, info: Info, id: strawberry.ID) -> Property | None:
        holdings, me = await my_holdings(info)
        found = properties.find(holdings, str(id))
        return Property.from_model(found, me) if found else None
