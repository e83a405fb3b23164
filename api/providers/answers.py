"""Answers of other departments that the platform keeps as evidence.

Each answer (a filed contract, a marriage record, a bank's repayment
confirmation, a person's particulars) is a frozen dataclass ending in
``fetched_at`` and ``sha256``: the SHA-256 of the canonical JSON of every other
field. The application stores the hash and the time in its decision record, so
a decision can later be shown to rest on exactly that answer (RELIABILITY 44).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")
_STAMP = ("fetched_at", "sha256")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def canonical_sha256(fields: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of ``fields``;
    decimals without trailing zeros, dates ISO 8601: the same answer, the same hash."""
    text = json.dumps(_plain(fields), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def sealed(cls: Callable[..., T], *, fetched_at: datetime, **fields: Any) -> T:
    """``cls(**fields, fetched_at=..., sha256=...)`` with the hash of ``fields``."""
    return cls(**fields, fetched_at=fetched_at, sha256=canonical_sha256(fields))


def answer_sha256(answer: Any) -> str:
    """Recompute the hash of an answer (everything but ``fetched_at`` and ``sha256``)."""
    return canonical_sha256({f.name: getattr(answer, f.name) for f in dataclasses.fields(answer)
                             if f.name not in _STAMP})
