"""Issue 14 item 2: providers are chosen by settings through a registry of named
implementations, so a real adapter is a package and a configuration change."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from api.app import create_app
from api.infra.settings import ROOT, ConfigurationError, Env, Settings
from api.providers import container
from mock_providers.identity import MockIdentityProvider
from mock_providers.registry import MockRegistryProvider
from tests.api.test_production_config import PG, REDIS, _prod_keys
from tests.conftest import Leg, running
from tests.providers.fake_adapters import FakeIdentity, QuietSmsGateway
from tests.serverproc import clean_env

FAKE = ["mock_providers.adapters", "tests.providers.fake_adapters"]


class TestChoosing:
    def test_every_provider_is_a_mock_by_default(self) -> None:
        chosen = container.chosen(Settings(app_env=Env.TEST))
        assert {i.name for i in chosen.values()} == {"mock"}
        assert set(chosen) == set(container.Providers.__dataclass_fields__)  # every provider

    async def test_an_override_swaps_one_provider_by_configuration(
            self, leg: Leg, tmp_path: Path, shared_face_pool: Any) -> None:
        settings = leg.settings(tmp_path, provider_packages=FAKE,
                                provider_overrides={"identity": "fake"})
        app = create_app(settings, face_pool=shared_face_pool)
        async with running(app):
            providers = app.state.fsreg.providers
            assert isinstance(providers.identity, FakeIdentity)
            assert isinstance(providers.registry, MockRegistryProvider)

    def test_settings_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FSREG_PROVIDERS", "mock")
        monkeypatch.setenv("FSREG_PROVIDER_OVERRIDES", "identity=fake, sms=fake")
        monkeypatch.setenv("FSREG_PROVIDER_PACKAGES", ",".join(FAKE))
        settings = Settings(app_env=Env.TEST)
        assert settings.provider_overrides == {"identity": "fake", "sms": "fake"}
        chosen = container.chosen(settings)
        assert (chosen["identity"].name, chosen["sms"].name, chosen["registry"].name) == (
            "fake", "fake", "mock")

    def test_malformed_overrides_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="provider=name pairs"):
            Settings(app_env=Env.TEST, provider_overrides="identity")

    def test_an_unknown_name_is_refused_at_start_up(self, leg: Leg, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError, match=r"identity=gab.*registered: mock"):
            create_app(leg.settings(tmp_path, providers="gab"))

    def test_a_name_without_this_provider_is_refused(self, leg: Leg, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError, match="registry=fake"):
            create_app(leg.settings(tmp_path, provider_packages=FAKE,
                                    provider_overrides={"registry": "fake"}))

    def test_an_unknown_provider_is_refused(self, leg: Leg, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError, match="no provider.*'idnetity'"):
            create_app(leg.settings(tmp_path, provider_overrides={"idnetity": "mock"}))

    def test_a_package_that_does_not_import_is_named(self, leg: Leg, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError, match="cannot import 'gab_adapters'"):
            create_app(leg.settings(tmp_path, provider_packages=["gab_adapters"]))


class TestProduction:
    def test_mocks_in_production_only_when_allowed(self, tmp_path: Path) -> None:
        values: dict[str, Any] = {"app_env": Env.PRODUCTION, "database_url": PG,
                                  "redis_url": REDIS, "keys_dir": _prod_keys(tmp_path),
                                  "var_dir": tmp_path}
        with pytest.raises(ConfigurationError, match="FSREG_ALLOW_MOCK_PROVIDERS=true"):
            create_app(Settings(**values))
        assert create_app(Settings(**values, allow_mock_providers=True)) is not None


class TestDevInbox:
    """/dev/sms-inbox and ``outbox`` ask the SMS gateway's development inbox
    (api.providers.messaging.DevInbox), never the mock's tables."""

    async def test_a_gateway_without_the_inbox_shows_nothing(
            self, leg: Leg, tmp_path: Path, shared_face_pool: Any) -> None:
        settings = leg.settings(tmp_path, provider_packages=FAKE,
                                provider_overrides={"sms": "fake"}, dev_sms_inbox=True)
        app = create_app(settings, face_pool=shared_face_pool)
        async with running(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                   base_url="http://t") as http:
            assert isinstance(app.state.fsreg.providers.sms, QuietSmsGateway)
            r = await http.get("/dev/sms-inbox")
        assert r.status_code == 200
        assert r.json() == {"messages": []}

    async def test_outbox_command_shows_the_last_code(self, settings: Settings, db: None,
                                                      vault: Any) -> None:
        from mock_providers.outbox import MockSmsGateway

        await MockSmsGateway(vault).send("13925001101", "LOGIN_CODE", {"code": "654321"},
                                         idempotency_key="outbox-cli")
        env = clean_env()
        env.update({"APP_ENV": "test", "DATABASE_URL": settings.database_url,
                    "FSREG_MOCK_DATABASE_URL": settings.mock_database_url,
                    "FSREG_KEYS_DIR": str(settings.keys_dir),
                    "FSREG_VAR_DIR": str(settings.var_dir)})
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "api", "outbox", "--last", "1"], cwd=ROOT,
            env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.rstrip().endswith("139****1101 LOGIN_CODE {'code': '654321'}")
        assert "13925001101" not in done.stdout


def test_mock_identity_is_built_with_the_vault(vault: Any, tmp_path: Path) -> None:
    settings = Settings(app_env=Env.TEST, var_dir=tmp_path, keys_dir=tmp_path / "keys")
    assert isinstance(container.build(settings, vault, "identity"), MockIdentityProvider)
