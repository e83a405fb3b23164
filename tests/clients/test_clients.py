"""Issue 13: real GraphQL clients against a real ``python -m api serve``.

Node (Debian's ``nodejs``/``npm``, installed by ``scripts/test`` when root) runs
the clients pinned in ``tests/clients/package-lock.json`` (``npm ci``, once):
graphql-http's conformance audit, Apollo Client with the persisted-query link,
urql and graphql-request. One server (embedded, demo data) serves them all;
each ``*.test.mjs`` is one test here, run with ``node --test``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.conftest import IN_CI
from tests.serverproc import ServerProcess, embedded_env, face_login, serve

HERE = Path(__file__).resolve().parent


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _installed() -> bool:
    lock, stamp = HERE / "package-lock.json", HERE / "node_modules" / ".package-lock.json"
    return stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        _unavailable("node/npm not found: install Debian's nodejs and npm (scripts/test does, "
                     "as root)")
    if not _installed():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                              cwd=HERE, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0 and not (HERE / "node_modules").exists():
            _unavailable(f"npm ci failed (offline?):\n{done.stderr[-2000:]}")
    return node


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # One client address sends everything: lift the per-address login limit.
    env = embedded_env(tmp_path_factory.mktemp("clients"), FSREG_IP_LOGIN_ATTEMPTS="100000")
    with serve(env, demo=True) as s:
        yield s


@pytest.fixture(scope="module")
def citizen_token(server: ServerProcess) -> str:
    return face_login(server)


@pytest.mark.parametrize("script", sorted(p.name for p in HERE.glob("*.test.mjs")))
def test_client(script: str, node: str, server: ServerProcess, citizen_token: str) -> None:
    env = {**os.environ, "FSREG_URL": server.url, "FSREG_TOKEN": citizen_token}
    done = subprocess.run([node, "--test", "--test-reporter=spec", script], cwd=HERE, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
