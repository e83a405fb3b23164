"""One harness: settings -> app -> client (httpx ASGITransport + lifespan) -> gql().

Every test runs on two legs: ``embedded`` (SQLite file + in-process store) and
``pg`` (PostgreSQL + Redis on their loopback ports). Outside CI a missing
server skips its leg with a message; with ``CI=true`` it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.app import create_app
from api.cli.common import run_migrations
from api.infra.settings import Env, Settings

PG_ADMIN_DSN = os.environ.get("FSREG_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("FSREG_TEST_REDIS", "redis://127.0.0.1:6379/13")
# Two suites on one machine (CI and a developer's run, say) must not flush
# each other's store: each run claims a free database from these, in order.
REDIS_TEST_DBS = [int(d) for d in os.environ.get("FSREG_TEST_REDIS_DBS", "13,14,15,12").split(",")]
_OWNER_KEY = "fsreg:test-suite-owner"
_OWNER = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Leg:
    name: str
    base: Settings
    template_db: Path | None = None
    template_mock_db: Path | None = None  # the mock providers' database, beside it
    pg_dsn: str | None = None
    pg_mock_dsn: str | None = None
    redis_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_pg(self) -> bool:
        return self.name == "pg"

    def settings(self, tmp: Path, **overrides: Any) -> Settings:
        values = self.base.model_dump()
        if self.template_db is not None and self.template_mock_db is not None:
            for template, name, key in ((self.template_db, "fsreg.sqlite3", "database_url"), (
                    self.template_mock_db, "fsreg-mock.sqlite3", "mock_database_url")):
                db = tmp / name
                if not db.exists():
                    shutil.copyfile(template, db)
                values[key] = f"sqlite://{db}"
        values.update(overrides)
        return Settings(**values)


async def _pg_reachable() -> str | None:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(PG_ADMIN_DSN), 3)
        await conn.close()
    except Exception as exc:  # the reason is shown in the skip message
        return f"{type(exc).__name__}: {exc}"
    try:
        import redis.asyncio as redis

        r = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
        await r.ping()
        await r.aclose()
    except Exception as exc:
        return f"Redis: {type(exc).__name__}: {exc}"
    return None


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session", params=["embedded", "pg"])
async def leg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              keys_dir: Path) -> AsyncIterator[Leg]:
    var = tmp_path_factory.mktemp(f"var-{request.param}")
    # Dependency timeouts are the production fail-fast values' job in
    # tests/api/test_faults.py (which sets them short). Here the test process
    # is client and server on one event loop, on a shared 2-core CI box next to
    # PostgreSQL: a 50-request burst lags the loop by ~0.3-1 s, and the 1 s Redis
    # / 3 s statement timeouts then fire on healthy servers (the two CI failures
    # of session 2 and, most likely, session 1's). Generous values here keep
    # those tests about their own behaviour.
    common = {"app_env": Env.TEST, "var_dir": var, "keys_dir": keys_dir,
              "register_sync_seconds": 0,
              "db_timeout_seconds": 30.0, "redis_timeout_seconds": 15.0,
              "readiness_timeout_seconds": 15.0}
    if request.param == "embedded":
        template, template_mock = var / "template.sqlite3", var / "template-mock.sqlite3"
        base = Settings(**common, database_url=f"sqlite://{template}",
                        mock_database_url=f"sqlite://{template_mock}", redis_url=None)
        await run_migrations(base)
        yield Leg("embedded", base, template_db=template, template_mock_db=template_mock)
        return
    reason = await _pg_reachable()
    if reason:
        if IN_CI:
            pytest.fail(f"PostgreSQL/Redis leg required in CI but unreachable: {reason}")
        pytest.skip(f"PostgreSQL/Redis leg skipped: {reason}")
    redis_url = await _claim_redis_db()
    name = f"fsreg_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    names = (name, f"{name}_mock")  # the platform's database, the mock providers'
    for db in names:
        await _pg_admin(f'CREATE DATABASE "{db}"')
    dsn, mock_dsn = (PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{db}" for db in names)
    base = Settings(**common, database_url=dsn, mock_database_url=mock_dsn, redis_url=redis_url)
    try:
        await run_migrations(base)
        yield Leg("pg", base, pg_dsn=dsn, pg_mock_dsn=mock_dsn, redis_url=redis_url)
    finally:
        for db in names:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await _release_redis_db(redis_url)


async def _claim_redis_db() -> str:
    """The first of REDIS_TEST_DBS no other live run holds (an owner key that
    expires, so a killed run frees its database within the hour)."""
    import redis.asyncio as redis

    base = REDIS_TEST_URL.rsplit("/", 1)[0]
    for db in REDIS_TEST_DBS:
        r = redis.Redis.from_url(f"{base}/{db}")
        try:
            if await r.set(_OWNER_KEY, _OWNER, nx=True, ex=3600) or \
                    await r.get(_OWNER_KEY) == _OWNER.encode():
                return f"{base}/{db}"
        finally:
            await r.aclose()
    pytest.fail(f"every test Redis database {REDIS_TEST_DBS} is held by another test run")


async def _release_redis_db(url: str) -> None:
    import redis.asyncio as redis

    r = redis.Redis.from_url(url)
    try:
        if await r.get(_OWNER_KEY) == _OWNER.encode():
            await r.flushdb()
    finally:
        await r.aclose()


async def _reset_pg(leg: Leg) -> None:
    import asyncpg
    import redis.asyncio as redis

    for dsn in (leg.pg_dsn, leg.pg_mock_dsn):
        conn = await asyncpg.connect(dsn)
        try:
            tables = [r["tablename"] for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                "AND tablename <> 'tortoise_migrations'")]
            if tables:
                # The audit tables refuse TRUNCATE by trigger; "replica" skips
                # ordinary triggers for this superuser session only.
                await conn.execute("SET session_replication_role = replica")
                await conn.execute("TRUNCATE " + ",".join(f'"{t}"' for t in tables)
                                   + " RESTART IDENTITY CASCADE")
        finally:
            await conn.close()
    assert leg.redis_url is not None
    r = redis.Redis.from_url(leg.redis_url)
    await r.flushdb()
    await r.set(_OWNER_KEY, _OWNER, ex=3600)  # the flush took our claim with it
    await r.aclose()


@pytest.fixture
async def settings(leg: Leg, tmp_path: Path) -> Settings:
    if leg.is_pg:
        await _reset_pg(leg)
    return leg.settings(tmp_path)


async def _forget_orm() -> None:
    # Models cache SQL built for one dialect; the legs alternate SQLite and
    # PostgreSQL in one process, so each test starts from a clean registry.
    # Tortoise's insert-statement cache is keyed by connection name and table,
    # not dialect, so it is cleared too.
    await Tortoise.close_connections()
    await Tortoise._reset_apps()
    EXECUTOR_CACHE.clear()


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[Starlette]:
    try:
        async with app.router.lifespan_context(app):
            yield app
    finally:
        await _forget_orm()


class Client:
    def __init__(self, app: Starlette, http: httpx.AsyncClient) -> None:
        self.app = app
        self.http = http

    @property
    def state(self) -> Any:
        return self.app.state.fsreg

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *,
                  token: str | None = None, headers: dict[str, str] | None = None
                  ) -> dict[str, Any]:
        h = dict(headers or {})
        if token:
            h["authorization"] = f"Bearer {token}"
        resp = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers=h)
        assert resp.headers["content-type"].startswith("application/json"), resp.text
        return resp.json()


@pytest.fixture(scope="session")
async def shared_face_pool() -> AsyncIterator[Any]:
    """One pool for the whole run: workers load the dlib models once, on first use."""
    from api.face.config import FaceSettings
    from api.face.pool import FacePool

    pool = FacePool(FaceSettings(workers=2))
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def app(settings: Settings, shared_face_pool: Any) -> AsyncIterator[Starlette]:
    application = create_app(settings, face_pool=shared_face_pool)
    async with running(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[Client]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Client(app, http)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    """The ORM alone, for service tests that need no HTTP."""
    from api.infra.db import tortoise_config

    await Tortoise.init(config=tortoise_config(settings))
    try:
        yield
    finally:
        await _forget_orm()


@pytest.fixture
async def state(settings: Settings, db: None) -> AsyncIterator[Any]:
    """The process state every service takes first (``api.infra.state``), for the
    service tests: the ORM, the test key ring, the store and the providers; no
    HTTP and no face pool."""
    from api.infra.state import open_state

    async with open_state(settings) as opened:
        yield opened


@pytest.fixture
def vault(keys_dir: Path) -> Any:
    from api.infra.crypto import PiiVault
    from api.infra.keys import load_keyring

    return PiiVault(load_keyring(Settings(app_env=Env.TEST, keys_dir=keys_dir)))


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return FIXTURES / "faces"


class _ErrorRecords(logging.Handler):
    """Every record at ERROR or above, wherever it was logged in this process."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_ERRORS = _ErrorRecords()


@pytest.fixture(autouse=True)
def _no_error_logged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Issue 13: the suite's logs hold no ERROR line caused by client input.

    A test that logs at ERROR fails, unless it provokes a server-side failure
    on purpose (a simulated bug, an outage) and says so with
    ``@pytest.mark.logs_errors``. Servers run by ``tests/serverproc.py`` have
    their log checked the same way when they stop.
    """
    root = logging.getLogger()
    if _ERRORS not in root.handlers:
        root.addHandler(_ERRORS)
    start = len(_ERRORS.records)
    yield
    logged = _ERRORS.records[start:]
    del _ERRORS.records[start:]
    if logged and request.node.get_closest_marker("logs_errors") is None:
        pytest.fail("logged at ERROR (a client's mistake must not be; mark a deliberate "
                    "server failure with @pytest.mark.logs_errors):\n" + "\n".join(
                        f"{r.levelname} {r.name}: {r.getMessage()[:300]}" for r in logged),
                    pytrace=False)


def pytest_report_header() -> Iterator[str]:
    yield f"legs: embedded (SQLite + in-process store), pg ({PG_ADMIN_DSN} + the first free Redis db of {REDIS_TEST_DBS})"
