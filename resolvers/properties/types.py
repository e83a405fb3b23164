from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry

from api.providers import idnumber
from api.providers.registry import CoHolder as CoHolderData
from api.providers.registry import Encumbrance, Holding
from api.services.platform import DISTRICT_NAMES
from api.services.properties import holdings as properties
from resolvers.platform.types import District


@strawberry.enum(description="共有方式")
class CoOwnership(Enum):
    SOLE = strawberry.enum_value("SOLE", description="单独所有")
    JOINT = strawberry.enum_value("JOINT", description="共同共有")
    IN_SHARES = strawberry.enum_value("IN_SHARES", description="按份共有")


@strawberry.enum(description="登记状态")
class EncumbranceStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="现势")
    RELEASED = strawberry.enum_value("RELEASED", description="已注销")


@strawberry.type(description="权利人（共有人信息脱敏）")
class CoHolder:
    masked_name: str = strawberry.field(description="脱敏姓名")
    masked_id_number: str = strawberry.field(description="脱敏身份证号")
    share_percent: Decimal | None = strawberry.field(description="按份共有的份额（百分比）")
    is_self: bool = strawberry.field(description="是否为当前登录的市民本人")

    @classmethod
    def from_model(cls, h: CoHolderData, me: str) -> CoHolder:
        return cls(masked_name=idnumber.mask_name(h.name),
                   masked_id_number=idnumber.mask(h.id_number),
                   share_percent=h.share_percent, is_self=h.id_number == me)


@strawberry.type(description="抵押权登记")
class Mortgage:
    proof_no: str = strawberry.field(description="不动产登记证明号")
    mortgagee: str = strawberry.field(description="抵押权人（银行等）")
    amount: Decimal | None = strawberry.field(description="被担保主债权数额（元）")
    starts_on: date = strawberry.field(description="债务履行期限起")
    ends_on: date | None = strawberry.field(description="债务履行期限止")
    status: EncumbranceStatus
    registered_at: datetime


@strawberry.type(description="查封登记")
class Seizure:
    court: str = strawberry.field(description="查封机关")
    document_no: str | None = strawberry.field(description="查封文书号")
    starts_on: date = strawberry.field(description="查封期限起")
    ends_on: date | None = strawberry.field(description="查封期限止")
    status: EncumbranceStatus
    registered_at: datetime


@strawberry.type(description="预告登记或异议登记（申请人信息不公开）")
class RegisterNotice:
    proof_no: str = strawberry.field(description="不动产登记证明号")
    starts_on: date
    ends_on: date | None
    status: EncumbranceStatus
    registered_at: datetime


def _mortgage(e: Encumbrance) -> Mortgage:
    return Mortgage(proof_no=e.proof_no, mortgagee=e.party, amount=e.amount,
                    starts_on=e.starts_on, ends_on=e.ends_on,
                    status=EncumbranceStatus(e.status), registered_at=e.registered_at)


def _seizure(e: Encumbrance) -> Seizure:
    return Seizure(court=e.party, document_no=e.document_no, starts_on=e.starts_on,
                   ends_on=e.ends_on, status=EncumbranceStatus(e.status),
                   registered_at=e.registered_at)


def _notice(e: Encumbrance) -> RegisterNotice:
    return RegisterNotice(proof_no=e.proof_no, starts_on=e.starts_on, ends_on=e.ends_on,
                          status=EncumbranceStatus(e.status), registered_at=e.registered_at)


@strawberry.type(description="一处登记在本人名下（含共有）的不动产")
class Property:
    id: strawberry.ID = strawberry.field(description="权利编号（仅本人可查询）")
    unit_no: str = strawberry.field(description="28 位不动产单元号")
    title_no: str = strawberry.field(description="不动产权证书号")
    district: District = strawberry.field(description="所在行政区")
    address: str = strawberry.field(description="坐落")
    use: str = strawberry.field(description="用途：住宅、商业、办公、车位等")
    right_type: str = strawberry.field(description="权利类型")
    building_area: Decimal = strawberry.field(description="建筑面积（平方米）")
    interior_area: Decimal = strawberry.field(description="套内面积（平方米）")
    land_right_type: str = strawberry.field(description="土地权利性质（出让/划拨）")
    land_use_end: date = strawberry.field(description="土地使用期限止")
    co_ownership: CoOwnership
    share_percent: Decimal | None = strawberry.field(description="本人份额（按份共有时）")
    co_holders: list[CoHolder] = strawberry.field(description="全部权利人（脱敏）")
    registered_at: datetime = strawberry.field(description="登记时间")
    mortgages: list[Mortgage]
    seizures: list[Seizure]
    pre_registrations: list[RegisterNotice]
    objections: list[RegisterNotice]
    is_mortgaged: bool = strawberry.field(description="是否存在现势抵押")
    is_seized: bool = strawberry.field(description="是否被查封")
    is_transferable: bool = strawberry.field(
        description="能否办理转移登记：查封或预告登记存在时不能（抵押不影响转让）")

    @classmethod
    def from_model(cls, h: Holding, me: str) -> Property:
        by_kind = {k: [e for e in h.encumbrances if e.kind == k]
                   for k in ("MORTGAGE", "SEIZURE", "PRE_REGISTRATION", "OBJECTION")}
        return cls(
            id=strawberry.ID(h.right_id), unit_no=h.unit_no, title_no=h.title_no,
            district=District(code=h.district_code, name=DISTRICT_NAMES.get(h.district_code, "")),
            address=h.address, use=h.use, right_type=h.right_type,
            building_area=h.building_area, interior_area=h.interior_area,
            land_right_type=h.land_right_type, land_use_end=h.land_use_end,
            co_ownership=CoOwnership(h.co_ownership), share_percent=h.share_percent,
            co_holders=[CoHolder.from_model(x, me) for x in h.holders],
            registered_at=h.registered_at,
            mortgages=[_mortgage(e) for e in by_kind["MORTGAGE"]],
            seizures=[_seizure(e) for e in by_kind["SEIZURE"]],
            pre_registrations=[_notice(e) for e in by_kind["PRE_REGISTRATION"]],
            objections=[_notice(e) for e in by_kind["OBJECTION"]],
            is_mortgaged=properties.is_mortgaged(h), is_seized=properties.is_seized(h),
            is_transferable=properties.is_transferable(h))


@strawberry.input(description="名下房产筛选条件")
class PropertyFilter:
    district: str | None = strawberry.field(default=None, description="行政区划代码，如 440604")
    use: str | None = strawberry.field(default=None, description="用途，如 住宅")
    encumbered: bool | None = strawberry.field(
        default=None, description="true 只看有抵押/查封/预告/异议的；false 只看无权利限制的")


@strawberry.type(description="分页信息")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class PropertyEdge:
    cursor: str
    node: Property


@strawberry.type(description="名下房产（分页）")
class PropertyConnection:
    edges: list[PropertyEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="符合筛选条件的总数")
