"""Chinese resident ID numbers (GB 11643-1999): validation and masking.

An ID number is personal data: it is validated here, encrypted by
``api.crypto`` before storage and only ever shown masked.
"""

from __future__ import annotations

import re
from datetime import date

from api.errors import DomainError, ErrorCode

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d accepts fullwidth digits


class InvalidIdNumber(DomainError, ValueError):
    """The one declaration of this failure: the login routes answer it as a union member."""

    code = ErrorCode.INVALID_ID_NUMBER
    summary = "身份证号码格式或校验位错误"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(raw: str) -> str:
    """Return the canonical form (upper-case X, no spaces) or raise."""
    value = raw.strip().replace(" ", "").upper()
    if not _SHAPE.match(value):
        raise InvalidIdNumber()
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber() from None
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber()
    return value


def is_valid(raw: str) -> bool:
    try:
        normalize(raw)
    except InvalidIdNumber:
        return False
    return True


def mask(id_number: str) -> str:
    """``440***********123X``: region prefix and last four; never the birth date."""
    return f"{id_number[:3]}{'*' * 11}{id_number[-4:]}"


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: the family name stays for recognition."""
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def build(region: str, born: date, sequence: int) -> str:
    """Make a valid ID number (used by the mock providers' data generator)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
