"""``python -m api``: every command listed and documented, development commands
refused in production, an unmigrated database named with its fix (issue 14, item 5)."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from api.cli import main as cli
from api.infra.settings import ROOT, Env, Settings
from tests.conftest import Leg, _pg_admin
from tests.serverproc import clean_env


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in cli.build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_help_lists_every_command() -> None:
    done = _run(clean_env(), "--help")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines()
              if line.startswith("  ") and not line.startswith("   ")}
    assert set(_commands()) <= listed, set(_commands()) - listed
    for group in ("operations:", "development only", "the contract"):
        assert group in done.stdout


@pytest.mark.parametrize("name", sorted(_commands()))
def test_each_command_has_a_description_and_an_example(name: str) -> None:
    parser = _commands()[name]
    assert len(parser.description or "") > 40, name
    assert (parser.epilog or "").startswith("example:\n  python -m api "), name


DEV_ONLY = ("seed", "add-citizen", "outbox", "register-event", "staff-token")


@pytest.mark.parametrize("name", DEV_ONLY)
def test_development_commands_refuse_production(
        name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _commands()[name].get_default("dev_only") is True
    production = Settings.model_construct(app_env=Env.PRODUCTION)
    monkeypatch.setattr(cli, "get_settings", lambda: production)
    required = {"add-citizen": ["--name", "x", "--id-number", "x"],
                "register-event": ["--unit-no", "x", "--kind", "SEIZURE"],
                "staff-token": ["--name", "x"]}.get(name, [])
    assert cli.main([name, *required]) == 2
    assert "refused in production (APP_ENV=production)" in capsys.readouterr().err


def test_operations_commands_are_not_marked_development() -> None:
    for name, parser in _commands().items():
        assert parser.get_default("dev_only") is (name in DEV_ONLY), name


@pytest.fixture
async def empty_database(leg: Leg, tmp_path: Path) -> AsyncIterator[str]:
    """A database nobody has migrated."""
    if not leg.is_pg:
        yield f"sqlite://{tmp_path / 'fresh.sqlite3'}"
        return
    assert leg.pg_dsn is not None
    name = f"fsreg_fresh_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield leg.pg_dsn.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_a_command_on_an_unmigrated_database_says_how_to_fix_it(
        empty_database: str, settings: Settings, tmp_path: Path) -> None:
    env = {**clean_env(), "APP_ENV": "test", "DATABASE_URL": empty_database,
           "FSREG_KEYS_DIR": str(settings.keys_dir), "FSREG_VAR_DIR": str(tmp_path)}
    for args in (("seed", "--demo"), ("run-jobs",)):
        done = await asyncio.to_thread(_run, env, *args)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "the database is not migrated" in done.stderr
        assert "run `python -m api migrate` first" in done.stderr
    assert (await asyncio.to_thread(_run, env, "migrate")).returncode == 0
    seeded = await asyncio.to_thread(_run, env, "seed", "--holders", "20")
    assert seeded.returncode == 0, seeded.stderr
    assert "holders 20/20 100%" in seeded.stderr  # not a terminal: plain progress lines
