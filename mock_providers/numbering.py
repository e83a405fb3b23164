"""Register numbers in the formats printed on real Guangdong documents."""

from __future__ import annotations


def title_no(year: int, serial: int) -> str:
    """不动产权证书号: ``粤(2021)佛山市不动产权第0012345号``."""
    return f"粤({year})佛山市不动产权第{serial % 10_000_000:07d}号"


def proof_no(year: int, serial: int) -> str:
    """不动产登记证明号 (mortgages, pre-registrations): ``粤(2022)佛山市不动产证明第0034567号``."""
    return f"粤({year})佛山市不动产证明第{serial % 10_000_000:07d}号"


def filing_no(year: int, serial: int) -> str:
    """住建 网签备案号 of a resale contract (存量房): ``FSCL2026000123456``."""
    return f"FSCL{year}{serial % 1_000_000_000:09d}"


def unit_no(district: str, street: int, parcel: int, building: int, room: int) -> str:
    """28-character 不动产单元号: district(6) + street/zone(6) + parcel type and number
    (2 + 5, e.g. ``GB00012``) + building marker and number (F + 4) + room (4) = 28.
    """
    value = (f"{district}{street:03d}{parcel // 100000 % 1000:03d}GB{parcel % 100000:05d}"
             f"F{building:04d}{room:04d}")
    assert len(value) == 28, value
    return value
