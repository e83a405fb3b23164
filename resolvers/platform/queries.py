from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.services import platform
from resolvers.platform.types import District, ServiceInfo


@strawberry.type
class PlatformQuery:
    @strawberry.field(description="服务名称、版本与服务器时间；用于客户端连通性检查")
    def service_info(self, info: Info) -> ServiceInfo:
        return ServiceInfo.from_model(platform.service_info(info.context.state))

    @strawberry.field(description="佛山市五个行政区，供筛选与展示")
    def districts(self) -> list[District]:
        return [District.from_model(d) for d in platform.DISTRICTS]
