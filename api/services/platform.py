"""Static facts about the service: districts of Foshan, version, time.

Owns: the district list (codes are GB/T 2260 administrative codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from api.infra.state import AppState

SHANGHAI = ZoneInfo("Asia/Shanghai")
VERSION = "0.1.0"


@dataclass(frozen=True)
class DistrictInfo:
    code: str
    name: str


DISTRICTS = (
    DistrictInfo("440604", "禅城区"),
    DistrictInfo("440605", "南海区"),
    DistrictInfo("440606", "顺德区"),
    DistrictInfo("440607", "三水区"),
    DistrictInfo("440608", "高明区"),
)
DISTRICT_NAMES = {d.code: d.name for d in DISTRICTS}


@dataclass(frozen=True)
class ServiceInfoData:
    name: str
    version: str
    environment: str
    server_time: datetime


def service_info(state: AppState) -> ServiceInfoData:
    return ServiceInfoData("佛山市互联网+不动产登记", VERSION, state.settings.app_env.value,
                           datetime.now(SHANGHAI))
