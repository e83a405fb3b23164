"""Issue 12 item 17: making and rotating a production key ring.

Each test has its own key directory: rotating the suite's shared ring would
change what every other test reads.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.infra import keyring_admin
from api.infra.crypto import PiiVault
from api.infra.keyjobs import columns as keyed
from api.infra.keyjobs import reencrypt
from api.infra.keys import Keyring, KeyringError, load_keyring, parse_keyring, read_keyring_document
from api.infra.settings import ROOT, Env, Settings
from api.models import Citizen, Consent, DataAccess
from api.providers.identity import Person
from api.services.session import citizens
from auth import tokens
from mock_providers.identity import MockIdentityProvider
from mock_providers.models import IdentityRecord, RegisterHolder
from mock_providers.registry import MockRegistryProvider
from mock_providers.seed import add_citizen
from tests.conftest import Client, Leg, running
from tests.serverproc import clean_env

PEOPLE = [("陈志强", "440604196603129119"), ("黄国梁", "440606195611059331"),
          ("梁俊杰", "440607198709309554"), ("何诗琪", "430104199012089666")]
ME = "query { me { maskedName } }"


def _cli(keys: Path, *args: str, settings: Settings | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = clean_env()
    env.update({"APP_ENV": "test", "FSREG_KEYS_DIR": str(keys)})
    if settings is not None:
        env.update({"DATABASE_URL": settings.database_url, "FSREG_VAR_DIR": str(settings.var_dir)})
    return subprocess.run([sys.executable, "-m", "api", "keys", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)



def holding(vault: PiiVault) -> Any:
    """A state holding only this vault: what the citizen records' reads and writes use."""
    return SimpleNamespace(vault=vault)

def _ring(keys: Path) -> Keyring:
    return parse_keyring(read_keyring_document(keys / "keyring.json"))


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "own-keys"
    keyring_admin.init(path / "keyring.json")
    return path


class TestInit:
    def test_init_writes_an_owner_only_ring_and_prints_no_secret(self, tmp_path: Path) -> None:
        keys = tmp_path / "prod-keys"
        done = _cli(keys, "init")
        assert done.returncode == 0, done.stderr
        path = keys / "keyring.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(keys.stat().st_mode) == 0o700
        doc = json.loads(path.read_text())
        secrets = [*doc["pii"]["keys"].values(), *doc["blind_index"]["keys"].values()]
        pems = [line for pem in doc["tokens"]["keys"].values() for line in pem.splitlines()
                if line and not line.startswith("-----")]
        assert all(s not in done.stdout + done.stderr for s in secrets + pems)
        # A ring production accepts (not marked as generated for development).
        prod = Settings(app_env=Env.PRODUCTION, keys_dir=keys, redis_url="redis://127.0.0.1:1/0",
                        database_url="postgres://u@127.0.0.1:1/db")
        assert load_keyring(prod).generated_for is None

    def test_init_never_overwrites(self, keys: Path) -> None:
        before = (keys / "keyring.json").read_text()
        again = _cli(keys, "init")
        assert again.returncode == 2
        assert "never overwritten" in again.stderr
        assert (keys / "keyring.json").read_text() == before

    def test_rotation_keeps_owner_only_permissions(self, keys: Path) -> None:
        for family in ("--pii", "--tokens", "--blind-index"):
            assert _cli(keys, "rotate", family).returncode == 0
        assert stat.S_IMODE((keys / "keyring.json").stat().st_mode) == 0o600
        ring = _ring(keys)
        assert (sorted(ring.pii_keys), sorted(ring.token_keys)) == (
            ["pii-1", "pii-2"], ["tok-1", "tok-2"])
        assert ring.blind_index_pending == "bi-2"

    def test_public_prints_the_jwks_without_private_parts(self, keys: Path) -> None:
        keyring_admin.rotate(keys / "keyring.json", "tokens")
        done = _cli(keys, "public")
        jwks = json.loads(done.stdout)
        assert [k["kid"] for k in jwks["keys"]] == ["tok-1", "tok-2"]
        assert all("d" not in k and k["alg"] == "ES256" for k in jwks["keys"])


class TestPii:
    async def test_rotate_then_read_old_and_new_rows(self, db: None, keys: Path) -> None:
        old = PiiVault(_ring(keys))
        first = await citizens.ensure_citizen(holding(old),
                                              Person(PEOPLE[0][1], PEOPLE[0][0], "", None))
        keyring_admin.rotate(keys / "keyring.json", "pii")
        new = PiiVault(_ring(keys))
        second = await citizens.ensure_citizen(holding(new),
                                               Person(PEOPLE[1][1], PEOPLE[1][0], "", None))
        assert first.id_number_enc.startswith("v1:pii-1:")
        assert second.id_number_enc.startswith("v1:pii-2:")
        assert citizens.name_of(holding(new), first) == PEOPLE[0][0]
        assert citizens.name_of(holding(new), second) == PEOPLE[1][0]

    async def test_new_key_waits_for_its_activation_time(self, keys: Path) -> None:
        keyring_admin.rotate(keys / "keyring.json", "pii", activate_in=600, now=1000.0)
        ring = _ring(keys)
        assert (ring.current_pii_kid(now=1500.0), ring.current_pii_kid(now=1601.0)) == (
            "pii-1", "pii-2")

    async def test_reencrypt_resumes_after_an_interruption(self, db: None, keys: Path) -> None:
        old = PiiVault(_ring(keys))
        for name, number in PEOPLE:
            await citizens.ensure_citizen(holding(old), Person(number, name, "", None))
            await add_citizen(old, name=name, id_number=number, phone="13812345678",
                              photo=b"\xff\xd8 not really a jpeg", properties=1)
        keyring_admin.rotate(keys / "keyring.json", "pii")
        new = PiiVault(_ring(keys))
        encrypted, _ = keyed.all_columns()
        with pytest.raises(reencrypt.Interrupted):  # e.g. the operator's Ctrl-C
            await reencrypt.reencrypt_pii(new, encrypted, batch=2, limit=5)
        stored = await Citizen.all().values_list("id_number_enc", "name_enc")
        kids = [PiiVault.kid_of(v) for row in stored for v in row]
        assert kids.count("pii-2") == 5  # the 4 id numbers, then the first name
        report = await reencrypt.reencrypt_pii(new, encrypted, batch=2)
        assert sum(p.rewritten for p in report) == 4 * 2 + 4 * 4 + 4 * 2 - 5
        assert all(p.unreadable == 0 for p in report)
        for col in encrypted:
            values = await col.model.all().values_list(col.field, flat=True)
            assert {PiiVault.kid_of(v) for v in values if v} <= {"pii-2"}, col.field
        # Every value still reads, with its row bound in: nothing was moved or mixed up.
        for c in await Citizen.all():
            assert citizens.id_number_of(holding(new), c) in {n for _, n in PEOPLE}
        identity = MockIdentityProvider(new)
        assert await identity.verify(PEOPLE[2][0], PEOPLE[2][1]) is not None
        assert await identity.reference_photo(PEOPLE[2][1]) == b"\xff\xd8 not really a jpeg"
        again = await reencrypt.reencrypt_pii(new, encrypted)
        assert sum(p.rewritten for p in again) == 0  # idempotent

    async def test_reencrypt_command_is_resumable(self, db: None, keys: Path,
                                                  settings: Settings) -> None:
        old = PiiVault(_ring(keys))
        for name, number in PEOPLE:
            await citizens.ensure_citizen(holding(old), Person(number, name, "", None))
        keyring_admin.rotate(keys / "keyring.json", "pii", activate_in=0)
        stopped = await asyncio.to_thread(_cli, keys, "reencrypt", "--limit", "3",
                                          settings=settings)
        assert stopped.returncode == 3, stopped.stdout + stopped.stderr
        assert "run `python -m api keys reencrypt` again" in stopped.stdout
        done = await asyncio.to_thread(_cli, keys, "reencrypt", settings=settings)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "citizen.name_enc: 4 rewritten" in done.stdout
        values = await Citizen.all().values_list("id_number_enc", "name_enc")
        assert {PiiVault.kid_of(v) for row in values for v in row} == {"pii-2"}


class TestTokens:
    async def test_live_access_token_survives_a_token_key_rotation(
            self, leg: Leg, tmp_path: Path, keys: Path, shared_face_pool: Any) -> None:
        settings = leg.settings(tmp_path, keys_dir=keys)
        if leg.is_pg:
            from tests.conftest import _reset_pg

            await _reset_pg(leg)
        from tests.resolvers.helpers import token_for

        before = create_app(settings, face_pool=shared_face_pool)
        async with running(before), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=before), base_url="http://t") as http:
            token = await token_for(Client(before, http), *PEOPLE[0])
        keyring_admin.rotate(keys / "keyring.json", "tokens", activate_in=0)
        after = create_app(settings, face_pool=shared_face_pool)  # the restarted worker
        async with running(after), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=after), base_url="http://t") as http:
            client = Client(after, http)
            body = await client.gql(ME, token=token)
            assert body["data"]["me"]["maskedName"] == "陈**", body
            fresh = await token_for(client, *PEOPLE[1])
            jwks = (await http.get("/.well-known/jwks.json")).json()
        assert jwt_kid(token) == "tok-1"
        assert jwt_kid(fresh) == "tok-2"
        assert {k["kid"] for k in jwks["keys"]} == {"tok-1", "tok-2"}

    def test_signing_waits_for_activation_verification_does_not(self, keys: Path) -> None:
        keyring_admin.rotate(keys / "keyring.json", "tokens", activate_in=600)
        ring = _ring(keys)
        token = tokens.issue_access(ring, citizen_id="c", session_id="s", role="citizen",
                                    acr="L2", channel="FOSHANTONG", ttl_seconds=60)
        assert jwt_kid(token) == "tok-1"  # not yet tok-2: a worker may not know it
        later = ring.current_token_key(now=datetime.now(UTC).timestamp() + 601)
        assert later.kid == "tok-2"


def jwt_kid(token: str) -> str:
    import jwt

    return str(jwt.get_unverified_header(token)["kid"])


class TestBlindIndex:
    async def test_rebuild_is_resumable_and_lookups_work_after_it(
            self, db: None, keys: Path) -> None:
        old = PiiVault(_ring(keys))
        for name, number in PEOPLE:
            await citizens.ensure_citizen(holding(old), Person(number, name, "", None))
            await add_citizen(old, name=name, id_number=number, phone=None, photo=None,
                              properties=1)
            digest = old.blind_index(number)
            await Consent.create(id=uuid.uuid4(), id_number_hash=digest, kind="BIOMETRIC",
                                 version="2026-12", channel="KIOSK", granted_at=datetime.now(UTC))
            await DataAccess.create(id=uuid.uuid4(), subject_hash=digest, accessor_kind="SELF",
                                    accessor_name="本人", channel="FOSHANTONG", purpose="VIEW",
                                    scope="HOLDINGS", at=datetime.now(UTC))
        path = keys / "keyring.json"
        keyring_admin.rotate(path, "blind_index")
        assert _ring(keys).blind_index_active == "bi-1"  # pending until rebuilt
        ring = load_keyring(Settings(app_env=Env.TEST, keys_dir=keys), rebuilding_ok=True)
        vault = PiiVault(ring)
        keyring_admin.set_rebuilding(path, True)
        with pytest.raises(KeyringError, match="being rebuilt"):  # the app refuses to start
            load_keyring(Settings(app_env=Env.TEST, keys_dir=keys))
        _, indexed = keyed.all_columns()
        with pytest.raises(reencrypt.Interrupted):
            await reencrypt.rebuild_blind_indexes(vault, indexed, "bi-2", batch=2, limit=6)
        report = await reencrypt.rebuild_blind_indexes(vault, indexed, "bi-2", batch=2)
        assert all(p.unmapped == 0 and p.unreadable == 0 for p in report), report
        keyring_admin.promote_blind_index(path, "bi-2")
        new = PiiVault(load_keyring(Settings(app_env=Env.TEST, keys_dir=keys)))
        for name, number in PEOPLE:
            digest = new.blind_index(number)
            assert digest != old.blind_index(number)
            found = await Citizen.get(id_number_hash=digest)
            assert citizens.name_of(holding(new), found) == name
            assert await Consent.filter(id_number_hash=digest).count() == 1
            assert await DataAccess.filter(subject_hash=digest).count() == 1
            assert await IdentityRecord.filter(id_number_hash=digest).count() == 1
            assert await RegisterHolder.filter(holder_hash=digest).count() == 1
            assert await MockIdentityProvider(new).verify(name, number) is not None
            assert len(await MockRegistryProvider(new).holdings(number)) == 1
            # The same citizen logging in again finds their row: no duplicate is made.
            again = await citizens.ensure_citizen(holding(new), Person(number, name, "", None))
            assert again.id == found.id
        again = await reencrypt.rebuild_blind_indexes(new, indexed, "bi-2")
        assert sum(p.rewritten for p in again) == 0


def test_registry_covers_every_encrypted_column() -> None:
    """A new ``*_enc`` column or blind-index column must be listed in api/infra/keyjobs/columns.py
    (or mock_providers/keyed_columns.py), or key rotation would leave it behind."""
    encrypted, indexed = keyed.all_columns()
    listed_enc = {(c.model.__name__, c.field) for c in encrypted}
    listed_idx = {(c.model.__name__, c.field) for c in indexed}
    # Hashes that are not blind indexes: digests of secrets, files or chain links.
    not_blind = {"refresh_hash", "previous_hash", "prev_hash", "hash", "secret_hash",
                 "head_hash", "digest", "prev_digest", "photo_sha256", "pdf_sha256",
                 "selfie_sha256"}
    found_enc, found_idx = set(), set()
    from api.infra.db import apps

    for app in (m for a in apps(Settings(app_env=Env.TEST)).values() for m in a["models"]):
        module = __import__(app, fromlist=["*"])
        for model in vars(module).values():
            if not (isinstance(model, type) and hasattr(model, "_meta")
                    and getattr(model._meta, "fields_map", None)):
                continue
            for name in model._meta.fields_map:
                if name.endswith("_enc"):
                    found_enc.add((model.__name__, name))
                elif re.search(r"(_hash|_hashes|_mac)$", name) and name not in not_blind:
                    found_idx.add((model.__name__, name))
    assert found_enc <= listed_enc, found_enc - listed_enc
    assert found_idx <= listed_idx, found_idx - listed_idx


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FSREG_KEYS_DIR", raising=False)
    assert os.environ.get("APP_ENV") != "production"
