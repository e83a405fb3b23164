from __future__ import annotations

import strawberry

from api.services.platform import DistrictInfo, ServiceInfoData


@strawberry.type(description="佛山市的行政区（不动产登记按区管辖）")
class District:
    code: str = strawberry.field(description="行政区划代码，如 440604")
    name: str = strawberry.field(description="区名，如 禅城区")

    @classmethod
    def from_model(cls, d: DistrictInfo) -> District:
        return cls(code=d.code, name=d.name)


@strawberry.type(description="服务基本信息")
class ServiceInfo:
    name: str = strawberry.field(description="服务名称")
    version: str = strawberry.field(description="接口版本")
    environment: str = strawberry.field(description="运行环境：development / test / production")
    server_time: str = strawberry.field(description="服务器当前时间（Asia/Shanghai，ISO 8601）")

    @classmethod
    def from_model(cls, s: ServiceInfoData) -> ServiceInfo:
        return cls(name=s.name, version=s.version, environment=s.environment,
                   server_time=s.server_time.isoformat())
