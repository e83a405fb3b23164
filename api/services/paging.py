"""Relay-style pages: bounded ``first``, opaque cursors (RELIABILITY R1 item 7).

Owns the page-size rule: ``first`` above the maximum is refused before any
query runs. Cursors are opaque base64; a malformed one is a client error.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from api.errors import ErrorCode, InvalidArgument

T = TypeVar("T")


class InvalidCursor(InvalidArgument):
    code = ErrorCode.INVALID_CURSOR


def check_first(first: int, maximum: int) -> int:
    if first < 1 or first > maximum:
        raise InvalidArgument(f"每页条数须在 1 到 {maximum} 之间", field="first",
                              maximum=maximum)
    return first


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor() from None


def encode_offset(n: int) -> str:
    return _b64(f"o:{n}")


def decode_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    text = _unb64(cursor)
    if not text.startswith("o:") or not text[2:].isdigit():
        raise InvalidCursor()
    return int(text[2:])


def encode_keyset(at: datetime, row_id: uuid.UUID) -> str:
    return _b64(f"k:{at.isoformat()}|{row_id.hex}")


def decode_keyset(cursor: str) -> tuple[datetime, uuid.UUID]:
    text = _unb64(cursor)
    try:
        kind, rest = text.split(":", 1)
        at, row = rest.rsplit("|", 1)
        if kind != "k":
            raise ValueError
        return datetime.fromisoformat(at), uuid.UUID(hex=row)
    except ValueError:
        raise InvalidCursor() from None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    total: int | None = None

    @classmethod
    def of(cls, rows: Sequence[T], first: int, cursor: Callable[[T], str],
           total: int | None = None) -> Page[T]:
        """``rows`` holds up to ``first + 1`` items: the extra one only says there is more."""
        items = list(rows[:first])
        return cls(items, [cursor(r) for r in items], len(rows) > first, total)


async def keyset(query: Any, *, first: int, after: str | None) -> Page[Any]:
    """Newest first on (at, id) for a queryset of rows with ``at`` and a UUID ``id``:
    stable while new rows arrive, unlike offsets."""
    from tortoise.expressions import Q

    if after:
        at, row_id = decode_keyset(after)
        query = query.filter(Q(at__lt=at) | Q(at=at, id__lt=row_id))
    rows = await query.order_by("-at", "-id").limit(first + 1)
    return Page.of(rows, first, lambda r: encode_keyset(r.at, r.id))
