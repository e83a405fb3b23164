"""Tortoise configuration: the platform's tables on connection ``default``; the
tables a provider implementation keeps itself (the mocks: ``Storage`` in
api/providers/adapters.py) on a connection and in a database of their own.

The two are never joined: a platform query cannot reach a mock table, as it
could not reach the real government systems' databases. With two connections
configured, a transaction must name its connection (the platform's
``in_transaction`` below names ``default``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tortoise.backends.base.client import TransactionContext
from tortoise.transactions import in_transaction as _in_transaction

from api.infra.settings import Settings

DEFAULT = "default"
PLATFORM = {"models": ["api.models"], "migrations": "api.migrations"}


def in_transaction() -> TransactionContext:
    """A transaction on the platform's database."""
    return _in_transaction(DEFAULT)


def _absolute(url: str, settings: Settings) -> str:
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path not in (":memory:", "") and not path.startswith("/"):
            path = str(settings.var_dir.parent / path)
        # journal_mode=WAL lets the CLI write while the server reads the same file.
        url = f"sqlite://{path}?journal_mode=wal"
    return url


def db_url(settings: Settings) -> str:
    return _absolute(settings.database_url, settings)


def mock_db_url(settings: Settings) -> str:
    """``FSREG_MOCK_DATABASE_URL``, or beside the app's database: ``x.sqlite3`` ->
    ``x-mock.sqlite3`` (an in-memory database stays in memory), ``.../fsreg`` ->
    ``.../fsreg_mock`` on the same PostgreSQL server."""
    if settings.mock_database_url:
        return _absolute(settings.mock_database_url, settings)
    url = settings.database_url
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path not in (":memory:", ""):
            p = Path(path)
            path = str(p.with_name(f"{p.stem}-mock{p.suffix}"))
        return _absolute(f"sqlite://{path}", settings)
    parts = urlsplit(url)
    return _absolute(urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_mock")), settings)


def apps(settings: Settings) -> dict[str, dict[str, Any]]:
    from api.providers.container import storages

    configured = {"platform": {**PLATFORM, "default_connection": DEFAULT}}
    for storage in storages(settings):
        configured[storage.label] = {"models": list(storage.models),
                                     "migrations": storage.migrations,
                                     "default_connection": storage.connection}
    return configured


def _connection(url: str, settings: Settings, serving: bool) -> str | dict[str, Any]:
    if serving and url.startswith("postgres"):
        from tortoise.backends.base.config_generator import expand_db_url

        expanded = expand_db_url(url)
        expanded["credentials"].update(timeout=settings.db_timeout_seconds,
                                       command_timeout=settings.db_timeout_seconds)
        return expanded
    return url


def tortoise_config(settings: Settings, *, serving: bool = False) -> dict[str, Any]:
    """``serving``: the API's own connections get the dependency timeouts
    (connect and per statement, ``db_timeout_seconds``), so a stopped, slowed or
    black-holed PostgreSQL fails a request fast with SERVICE_UNAVAILABLE instead
    of holding it until the execution timeout. Migrations and seeding keep
    unbounded statements."""
    configured = apps(settings)
    connections = {DEFAULT: _connection(db_url(settings), settings, serving)}
    for app in configured.values():
        if app["default_connection"] != DEFAULT:
            connections[app["default_connection"]] = _connection(mock_db_url(settings),
                                                                 settings, serving)
    return {"connections": connections, "apps": configured, "use_tz": True, "timezone": "UTC"}


async def ensure_mock_database(settings: Settings) -> None:
    """On PostgreSQL, create the mocks' database when it does not exist yet (from
    the app's database when both are on one server). SQLite creates its file."""
    url = mock_db_url(settings)
    if not url.startswith("postgres") or not any(
            a["default_connection"] != DEFAULT for a in apps(settings).values()):
        return
    import asyncpg

    mock, app = urlsplit(url)._replace(query=""), urlsplit(db_url(settings))
    try:
        conn = await asyncpg.connect(urlunsplit(mock))
    except asyncpg.InvalidCatalogNameError:
        admin = mock._replace(path=app.path if mock.netloc == app.netloc else "/postgres")
        conn = await asyncpg.connect(urlunsplit(admin))
        try:
            await conn.execute(f'CREATE DATABASE "{mock.path.lstrip("/")}"')
        except asyncpg.DuplicateDatabaseError:
            pass  # another migrate made it meanwhile
        finally:
            await conn.close()
    else:
        await conn.close()
