"""Issue 12 item 4 (RELIABILITY 14, 30): production refuses to run on the
embedded defaults. Without a shared Redis each worker keeps its own logouts,
rate limits and login challenges; SQLite is one file on one machine."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.app import create_app
from api.infra.keys import generate_keyring_document
from api.infra.settings import ROOT, ConfigurationError, Env, Settings
from tests.serverproc import clean_env

PG = "postgres://postgres@127.0.0.1:5432/fsreg_prod_check"
REDIS = "redis://127.0.0.1:6379/0"


def _prod_keys(tmp_path: Path) -> Path:
    keys = tmp_path / "prod-keys"
    keys.mkdir()
    doc = generate_keyring_document("production")
    doc.pop("generated_for")
    (keys / "keyring.json").write_text(json.dumps(doc))
    return keys


class TestSettings:
    def test_production_without_redis_url_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="REDIS_URL"):
            Settings(app_env=Env.PRODUCTION, database_url=PG, redis_url=None)

    def test_production_on_sqlite_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="DATABASE_URL is not PostgreSQL"):
            Settings(app_env=Env.PRODUCTION, database_url=f"sqlite://{tmp_path}/x.sqlite3",
                     redis_url=REDIS)

    def test_both_problems_are_named_at_once(self) -> None:
        with pytest.raises(ValidationError) as info:
            Settings(app_env=Env.PRODUCTION, redis_url=None)
        text = str(info.value)
        assert "REDIS_URL" in text
        assert "DATABASE_URL" in text

    def test_production_with_postgres_and_redis_is_accepted(self) -> None:
        settings = Settings(app_env=Env.PRODUCTION, database_url=PG, redis_url=REDIS)
        assert settings.is_production

    def test_development_keeps_the_embedded_default(self) -> None:
        settings = Settings(app_env=Env.DEVELOPMENT, redis_url=None)
        assert settings.redis_url is None
        assert not settings.uses_postgres


class TestAppConstruction:
    def test_create_app_refuses_settings_that_skipped_validation(self, tmp_path: Path) -> None:
        # model_copy does not run validators: the factory checks again.
        dev = Settings(app_env=Env.DEVELOPMENT, redis_url=None, keys_dir=_prod_keys(tmp_path),
                       var_dir=tmp_path)
        prod = dev.model_copy(update={"app_env": Env.PRODUCTION})
        with pytest.raises(ConfigurationError, match="REDIS_URL"):
            create_app(prod)


async def serve_in_production(tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    """``python -m api serve`` with APP_ENV=production, production keys and ``env_vars``."""
    env = clean_env()
    env.update({"APP_ENV": "production", "FSREG_KEYS_DIR": str(_prod_keys(tmp_path)),
                "FSREG_VAR_DIR": str(tmp_path), **env_vars})
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "api", "serve", "--port", "1"], cwd=ROOT,
        env=env, capture_output=True, text=True, timeout=60)


class TestServeCommand:
    async def test_serve_exits_2_naming_redis_url(self, tmp_path: Path) -> None:
        proc = await serve_in_production(tmp_path, DATABASE_URL=PG)
        assert proc.returncode == 2, (proc.stdout, proc.stderr)
        assert "REDIS_URL is not set" in proc.stderr
        assert "Traceback" not in proc.stderr

    async def test_serve_exits_2_on_sqlite(self, tmp_path: Path) -> None:
        proc = await serve_in_production(tmp_path, REDIS_URL=REDIS,
                                         DATABASE_URL=f"sqlite://{tmp_path / 'x.sqlite3'}")
        assert proc.returncode == 2, (proc.stdout, proc.stderr)
        assert "DATABASE_URL is not PostgreSQL" in proc.stderr
        assert "Traceback" not in proc.stderr

    async def test_staff_token_is_refused_in_production(self, tmp_path: Path) -> None:
        """Until the staff console's sign-on exists, staff tokens come only from this
        development stand-in, which mints nothing in production."""
        env = clean_env()
        env.update({"APP_ENV": "production", "DATABASE_URL": PG, "REDIS_URL": REDIS,
                    "FSREG_KEYS_DIR": str(_prod_keys(tmp_path)), "FSREG_VAR_DIR": str(tmp_path)})
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "api", "staff-token", "--name", "张工",
                             "--hall", "FS-CENTRE"], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=60)
        assert proc.returncode == 2, (proc.stdout, proc.stderr)
        assert proc.stdout == ""
        assert "development and test only" in proc.stderr

    async def test_serve_exits_2_on_mock_providers(self, tmp_path: Path) -> None:
        """Issue 14: production runs on the mocks only when told so."""
        proc = await serve_in_production(tmp_path, DATABASE_URL=PG, REDIS_URL=REDIS)
        assert proc.returncode == 2, (proc.stdout, proc.stderr)
        assert "would be served by mock providers" in proc.stderr
        assert "Traceback" not in proc.stderr
