"""Issue 14 item 2: the mocks' tables live in a database of their own, on their
own connection, so no platform query can join them (as it could not join the
real government systems' databases)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError

from api.infra.db import mock_db_url, tortoise_config
from api.infra.settings import Env, Settings
from tests.conftest import Client, Leg, _forget_orm, _pg_admin
from tests.resolvers.helpers import seed_demo


async def _count(connection: str, table: str) -> int:
    rows = await connections.get(connection).execute_query_dict(
        f"SELECT count(*) AS n FROM {table}")
    return int(rows[0]["n"])


async def test_each_side_sees_only_its_own_tables(client: Client) -> None:
    await seed_demo(client)  # the mocks' register and people, the platform's halls
    assert await _count("mock", "mock_identity") == 7
    assert await _count("default", "hall") == 6
    with pytest.raises(OperationalError):
        await _count("default", "mock_identity")
    with pytest.raises(OperationalError):
        await _count("mock", "hall")


def test_the_mock_database_sits_beside_the_app_database(tmp_path: Path) -> None:
    def mock_of(url: str, **extra: str) -> str:
        return mock_db_url(Settings(app_env=Env.TEST, database_url=url, var_dir=tmp_path,
                                    **extra))

    assert mock_of(f"sqlite://{tmp_path}/fsreg.sqlite3") == (
        f"sqlite://{tmp_path}/fsreg-mock.sqlite3?journal_mode=wal")
    assert mock_of("sqlite://:memory:") == "sqlite://:memory:?journal_mode=wal"
    assert mock_of("postgresql://u@db.example:5432/fsreg?ssl=true") == (
        "postgres://u@db.example:5432/fsreg_mock?ssl=true")
    assert mock_of("postgres://u@h/fsreg", mock_database_url="postgres://m@other/registers") == (
        "postgres://m@other/registers")


async def test_migrate_creates_and_migrates_the_mock_database(leg: Leg) -> None:
    if not leg.is_pg:
        pytest.skip("SQLite makes its file itself (the harness copies a migrated pair)")
    from api.cli.common import run_migrations

    assert leg.pg_dsn is not None
    name = f"fsreg_fresh_{uuid.uuid4().hex[:8]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    settings = leg.base.model_copy(update={
        "database_url": leg.pg_dsn.rsplit("/", 1)[0] + f"/{name}", "mock_database_url": ""})
    try:
        await run_migrations(settings)  # the mocks' database does not exist yet
        await run_migrations(settings)  # and a second run finds it
        await Tortoise.init(config=tortoise_config(settings))
        assert await _count("mock", "mock_identity") == 0
        assert await _count("default", "citizen") == 0
    finally:
        await _forget_orm()
        for db in (name, f"{name}_mock"):
            await _pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
