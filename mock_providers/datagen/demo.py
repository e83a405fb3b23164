"""The demo citizens: fixed people and properties for demos, the README and tests.

Their ID numbers use sequence numbers 9xx, register numbers serials from
9,900,001 and unit numbers 地籍子区 999, none of which the generator ever
produces, so the demo set and a large generated set live side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from mock_providers import numbering
from mock_providers.datagen.history import CHINA, RIGHT_TYPE, add_years
from mock_providers.datagen.specs import (
    Block,
    EncumbranceSpec,
    HolderSpec,
    RightSpec,
    UnitSpec,
    make_id,
)

_SERIAL = 9_900_000
_PARCEL = 99_900_000  # 地籍子区 999


@dataclass(frozen=True)
class DemoCitizen:
    name: str
    id_number: str
    phone: str | None
    photo: str | None  # relative to the faces directory
    property_count: int
    note: str

    @property
    def gender(self) -> str:
        return "M" if int(self.id_number[16]) % 2 else "F"


# Computed once with api.idnumber.build(region, born, sequence); a test checks them.
CHEN_ZHIQIANG = "440604196603129119"  # build("440604", 1966-03-12, 911)
LI_HUIMIN = "440605196807239228"  # build("440605", 1968-07-23, 922)
HUANG_GUOLIANG = "440606195611059331"  # build("440606", 1956-11-05, 933)
LIANG_XIUYING = "44060619310418944X"  # build("440606", 1931-04-18, 944)
LIANG_JUNJIE = "440607198709309554"  # build("440607", 1987-09-30, 955)
HE_SHIQI = "430104199012089666"  # build("430104", 1990-12-08, 966)
LUO_JIANHUA = "440605197506169777"  # build("440605", 1975-06-16, 977)

_CITIZENS = (
    DemoCitizen("陈志强", CHEN_ZHIQIANG, "13925001101", "person_a/reference.jpg", 3,
                "刷脸登录；3处不动产：与配偶共同共有且有银行抵押的禅城住房、南海单独所有住房、禅城车位"),
    DemoCitizen("黄国梁", HUANG_GUOLIANG, "13925001103", "person_b/reference.jpg", 1,
                "刷脸登录；与母亲按份共有（各50%）的顺德住房，已被法院查封"),
    DemoCitizen("梁俊杰", LIANG_JUNJIE, "13925001104", "person_c/reference.jpg", 2,
                "刷脸登录；2处住房，其中南海新房有抵押权预告登记"),
    DemoCitizen("何诗琪", HE_SHIQI, "13925001105", "person_d/reference.jpg", 0,
                "刷脸登录；名下无不动产，用于开具无房证明"),
    DemoCitizen("李慧敏", LI_HUIMIN, "13925001102", None, 1,
                "陈志强的配偶，无照片（短信登录）；与陈志强共同共有的禅城住房"),
    DemoCitizen("梁秀英", LIANG_XIUYING, "13925001106", None, 1,
                "黄国梁的母亲，无照片；与黄国梁按份共有的顺德住房（已查封），身份证号以X结尾"),
    DemoCitizen("罗建华", LUO_JIANHUA, "13925001107", None, 1,
                "无照片，短信验证码登录；1处高明商铺，登记簿上仍为曾用名罗建文（可办理变更登记）"),
)


def demo_citizens() -> list[DemoCitizen]:
    return list(_CITIZENS)


def _at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA).astimezone(UTC)


def _unit(key: int, district: str, town_no: int, building: int, room: int, address: str,
          use: str, areas: tuple[str, str], floors: tuple[int, int], completed: int,
          land_start: date) -> UnitSpec:
    return UnitSpec(
        id=make_id("demo", "unit", key),
        unit_no=numbering.unit_no(district, town_no, _PARCEL + key, building, room),
        district_code=district, address=address, use=use, building_area=Decimal(areas[0]),
        interior_area=Decimal(areas[1]), land_right_type="国有建设用地使用权/出让",
        land_use_start=land_start,
        land_use_end=add_years(land_start, 40 if use in ("商业", "办公") else 70),
        structure="钢筋混凝土", floor=floors[0], total_floors=floors[1], completed_year=completed)


def _property(key: int, unit: UnitSpec, co: str, via: str, at: datetime,
              holders: tuple[tuple[str, str, str | None], ...],
              encumbrances: tuple[tuple[str, str, str | None, str | None, date, date | None],
                                  ...] = (),
              earlier: tuple[str, str, datetime] | None = None) -> Block:
    """One unit with its current right; holders are (name, id_number, share)."""
    block = Block(units=[unit])
    right = RightSpec(id=make_id("demo", "right", key), unit_id=unit.id,
                      title_no=numbering.title_no(at.astimezone(CHINA).year, _SERIAL + key),
                      right_type=RIGHT_TYPE, co_ownership=co, acquired_via=via, registered_at=at)
    block.rights.append(right)
    for n, (name, number, share) in enumerate(holders):
        block.holders.append(HolderSpec(id=make_id("demo", "holder", key, n), right_id=right.id,
                                        name=name, id_number=number,
                                        share_percent=Decimal(share) if share else None))
    if earlier:
        name, number, since = earlier
        old = RightSpec(id=make_id("demo", "right", key, "earlier"), unit_id=unit.id,
                        title_no=numbering.title_no(since.astimezone(CHINA).year,
                                                    _SERIAL + 50 + key),
                        right_type=RIGHT_TYPE, co_ownership="SOLE", acquired_via="新建商品房",
                        registered_at=since, current=False, ended_at=at)
        block.rights.append(old)
        block.holders.append(HolderSpec(id=make_id("demo", "holder", key, "earlier"),
                                        right_id=old.id, name=name, id_number=number,
                                        share_percent=None))
    for n, (kind, party, amount, document, starts, ends) in enumerate(encumbrances):
        block.encumbrances.append(EncumbranceSpec(
            id=make_id("demo", "encumbrance", key, n), unit_id=unit.id, kind=kind,
            proof_no=numbering.proof_no(starts.year, _SERIAL + key * 10 + n), party=party,
            amount=Decimal(amount) if amount else None, document_no=document, starts_on=starts,
            ends_on=ends, status="ACTIVE", registered_at=_at(starts.year, starts.month,
                                                            starts.day, 11)))
    return block


def demo_properties() -> list[Block]:
    """Each demo unit as a block of its own (unit, rights, holders, encumbrances)."""
    chen, li = ("陈志强", CHEN_ZHIQIANG, None), ("李慧敏", LI_HUIMIN, None)
    yicui = "佛山市禅城区祖庙街道季华五路23号怡翠花园"
    return [
        _property(1, _unit(1, "440604", 1, 3, 1502, f"{yicui}3座1502房", "住宅",
                           ("112.46", "91.37"), (15, 32), 2016, date(2014, 3, 18)),
                  "JOINT", "买卖", _at(2019, 5, 20, 10, 12), (chen, li),
                  (("MORTGAGE", "中国工商银行股份有限公司佛山分行", "1200000.00", None,
                    date(2019, 5, 20), date(2049, 5, 20)),)),
        _property(2, _unit(2, "440605", 1, 6, 2103,
                           "佛山市南海区桂城街道桂澜北路28号保利中央公园6座2103房", "住宅",
                           ("89.20", "72.15"), (21, 33), 2012, date(2010, 6, 8)),
                  "SOLE", "新建商品房", _at(2012, 11, 8, 15, 30), (chen,)),
        _property(3, _unit(3, "440604", 1, 9001, 123, f"{yicui}地下车库B1-123号车位", "车位",
                           ("13.20", "13.20"), (-1, 32), 2016, date(2014, 3, 18)),
                  "SOLE", "买卖", _at(2020, 8, 14, 9, 45), (chen,)),
        _property(4, _unit(4, "440606", 1, 18, 802,
                           "佛山市顺德区大良街道德胜东路3号碧桂园18座802房", "住宅",
                           ("98.64", "80.12"), (8, 26), 2003, date(2001, 9, 12)),
                  "IN_SHARES", "继承", _at(2015, 3, 10, 14, 20),
                  (("黄国梁", HUANG_GUOLIANG, "50.00"), ("梁秀英", LIANG_XIUYING, "50.00")),
                  (("SEIZURE", "佛山市顺德区人民法院", None, "(2025)粤0606执保1234号",
                    date(2025, 3, 18), date(2028, 3, 17)),),
                  # the late father: build("440606", 1928-09-17, 931), not in the identity registry
                  earlier=("黄炳坤", "440606192809179319", _at(2003, 10, 16))),
        _property(5, _unit(5, "440607", 1, 5, 1203,
                           "佛山市三水区西南街道三水大道中38号恒大名都5座1203房", "住宅",
                           ("76.58", "62.30"), (12, 28), 2011, date(2009, 4, 2)),
                  "SOLE", "买卖", _at(2016, 7, 4, 10, 5), (("梁俊杰", LIANG_JUNJIE, None),)),
        _property(6, _unit(6, "440605", 4, 2, 1801,
                           "佛山市南海区狮山镇广云路88号万科金色家园2座1801房", "住宅",
                           ("103.75", "84.40"), (18, 32), 2025, date(2022, 11, 25)),
                  "SOLE", "新建商品房", _at(2025, 6, 18, 11, 0), (("梁俊杰", LIANG_JUNJIE, None),),
                  (("PRE_REGISTRATION", "招商银行股份有限公司佛山分行", "980000.00", None,
                    date(2025, 6, 18), None),)),
        _property(7, _unit(7, "440608", 1, 1, 105,
                           "佛山市高明区荷城街道沧江路128号江湾名苑1座首层105号商铺", "商业",
                           ("46.80", "38.60"), (1, 18), 2009, date(2007, 5, 21)),
                  "SOLE", "买卖", _at(2018, 1, 9, 16, 10),
                  # registered under his former name: he was 罗建文 until 2021 (a 变更 case)
                  (("罗建文", LUO_JIANHUA, None),)),
    ]
