"""Making and rotating the key ring file (``python -m api keys ...``).

Owns the file's lifecycle: ``init`` writes a new production ring (never over an
existing one, owner-only permissions, nothing printed but key ids); ``rotate``
adds a new key to one family under a file lock and names it active, keeping
every old key (old ciphertexts stay readable, old tokens and certificate
statements verifiable); PII and token keys take over after ``activate_in``
seconds so a rolling restart never meets a key a worker does not know yet; a
blind-index key is added as *pending* until ``keys reencrypt`` has rebuilt
every index with it (see api/keyjobs/).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from api.infra.keys import (
    KeyringError,
    generate_keyring_document,
    new_secret,
    new_signing_pem,
    parse_keyring,
    read_keyring_document,
    write_private,
)

FAMILIES = ("pii", "tokens", "blind_index")
_PREFIX = {"pii": "pii", "tokens": "tok", "blind_index": "bi"}


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One writer at a time (two operators rotating at once would lose a key)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = path.with_suffix(".lock")
    with lock.open("a") as fh:
        lock.chmod(0o600)
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def init(path: Path) -> dict[str, Any]:
    """A new production ring at ``path``; refuses to replace an existing one."""
    with locked(path):
        if path.exists():
            raise KeyringError(f"{path} exists: a key ring is never overwritten (rotate it, "
                               "or move it away first)")
        doc = generate_keyring_document(None)
        write_private(path, json.dumps(doc, indent=1))
    return summary(doc)


def _next_kid(family: str, keys: dict[str, Any]) -> str:
    n = 1
    while f"{_PREFIX[family]}-{n}" in keys:
        n += 1
    return f"{_PREFIX[family]}-{n}"


def _blind_index_section(doc: dict[str, Any]) -> dict[str, Any]:
    raw = doc["blind_index"]
    if isinstance(raw, str):  # upgrade the first format in place
        raw = doc["blind_index"] = {"active": "bi-1", "keys": {"bi-1": raw}}
    return raw


def rotate(path: Path, family: str, *, activate_in: float = 0.0,
           now: float | None = None) -> str:
    """Add a new key to ``family``; returns its id."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}")
    with locked(path):
        if not path.exists():
            raise KeyringError(f"no key ring at {path} (python -m api keys init)")
        doc = read_keyring_document(path)
        parse_keyring(doc)  # never rotate a ring that does not load
        if family == "blind_index":
            section = _blind_index_section(doc)
            if section.get("pending"):
                raise KeyringError(f"blind-index key {section['pending']} is already pending: "
                                   "run python -m api keys reencrypt first")
            kid = _next_kid(family, section["keys"])
            section["keys"][kid] = new_secret()
            section["pending"] = kid
        else:
            section = doc[family]
            kid = _next_kid(family, section["keys"])
            section["keys"][kid] = new_secret() if family == "pii" else new_signing_pem()
            section["previous"] = section["active"]
            section["active"] = kid
            section["activate_at"] = (now if now is not None else time.time()) + activate_in
        parse_keyring(doc)
        write_private(path, json.dumps(doc, indent=1))
    return kid


def set_rebuilding(path: Path, rebuilding: bool) -> None:
    with locked(path):
        doc = read_keyring_document(path)
        _blind_index_section(doc)["rebuilding"] = rebuilding
        write_private(path, json.dumps(doc, indent=1))


def promote_blind_index(path: Path, kid: str) -> None:
    """The rebuild finished: the pending key is the one in use. The old key
    stays (retired) so audit entries written under it can still be linked."""
    with locked(path):
        doc = read_keyring_document(path)
        section = _blind_index_section(doc)
        if section.get("pending") != kid:
            raise KeyringError(f"blind-index key {kid} is not pending")
        section["active"] = kid
        section.pop("pending")
        section["rebuilding"] = False
        parse_keyring(doc)
        write_private(path, json.dumps(doc, indent=1))


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """Key ids and states only: never a secret."""
    ring = parse_keyring(doc)
    return {"pii": {"active": ring.pii_active, "keys": sorted(ring.pii_keys),
                    "in_use": ring.current_pii_kid()},
            "tokens": {"active": ring.token_active, "keys": sorted(ring.token_keys),
                       "in_use": ring.active_token_key.kid},
            "blind_index": {"active": ring.blind_index_active,
                            "keys": sorted(ring.blind_index_keys),
                            "pending": ring.blind_index_pending,
                            "rebuilding": ring.rebuilding},
            "generated_for": ring.generated_for}
