"""Create and drop the benchmark's own PostgreSQL databases (loopback only).

Only databases whose name starts with ``fsreg_bench`` are ever created or
dropped here, so a typo cannot touch another database (``fsreg_big`` is
used, never created or dropped).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

OWN_PREFIX = "fsreg_bench"


def _parts(url: str) -> tuple[str, str]:
    """(URL of the server's ``postgres`` database, database name)."""
    u = urlsplit(url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise RuntimeError(f"benchmark databases are on loopback only, not {u.hostname}")
    name = u.path.lstrip("/")
    if not name:
        raise RuntimeError(f"no database name in {url}")
    scheme = "postgresql" if u.scheme in ("postgres", "postgresql", "asyncpg") else u.scheme
    return urlunsplit((scheme, u.netloc, "/postgres", "", "")), name


def _own(name: str) -> None:
    if not name.startswith(OWN_PREFIX) or not name.replace("_", "").isalnum():
        raise RuntimeError(f"refusing to create or drop {name!r}: not a {OWN_PREFIX}* database")


async def _exec(admin_url: str, sql: str, *args: object) -> object:
    import asyncpg

    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


def ensure_database(url: str) -> bool:
    """Create the database if it does not exist; True if this call created it."""
    admin, name = _parts(url)
    if asyncio.run(_exec(admin, "SELECT 1 FROM pg_database WHERE datname = $1", name)):
        return False
    _own(name)
    asyncio.run(_exec(admin, f'CREATE DATABASE "{name}"'))
    return True


def drop_database(url: str) -> None:
    """The database and the mock providers' beside it (``<name>_mock``, made by migrate)."""
    admin, name = _parts(url)
    for db in (name, f"{name}_mock"):
        _own(db)
        asyncio.run(_exec(admin, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
