"""Run the real server (`python -m api serve`) as a child process for tests
that need one: several workers, signals, a browser, a fuzzer."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.infra.settings import ROOT

_ERROR_LINE = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]

    def cli(self, *args: str, timeout: float = 120) -> str:
        """``python -m api <args>`` against the same database and keys."""
        done = subprocess.run([sys.executable, "-m", "api", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, (f"python -m api {' '.join(args)} exited "
                                      f"{done.returncode}:\n{done.stdout}\n{done.stderr[-3000:]}")
        return done.stdout

    def error_lines(self) -> list[str]:
        """Log lines at ERROR or CRITICAL, each with the traceback line that ends it."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines()
                if _ERROR_LINE.match(line) or line.startswith("Traceback")]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def clean_env() -> dict[str, str]:
    """The caller's environment without its app settings (``FSREG_*``, the
    database, store and port): a test server gets only what the test sets."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("FSREG_") and k not in ("DATABASE_URL", "REDIS_URL", "PORT")}


def embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The embedded default (SQLite file + in-process store) under ``var_dir``."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = clean_env()
    env.update({"APP_ENV": "test", "FSREG_VAR_DIR": str(var_dir),
                "DATABASE_URL": f"sqlite://{var_dir / 'fsreg.sqlite3'}", **extra})
    return env


@contextlib.contextmanager
def serve(env: dict[str, str], *, workers: int = 1, demo: bool = False,
          port: int | None = None, ready_timeout: float = 60,
          errors_expected: bool = False) -> Iterator[ServerProcess]:
    """Migrate (and seed the demo data), serve on ``port`` (default: a free one),
    wait for /readyz, and stop with SIGTERM at the end (SIGKILL to the whole
    process group, face workers included, after 15 s). Then the server's log
    must hold no ERROR line, unless ``errors_expected`` (a test that breaks
    the server on purpose)."""
    port = port or free_port()
    log = Path(env.get("FSREG_VAR_DIR", "/tmp")) / f"server-{port}.log"
    server = ServerProcess(f"http://127.0.0.1:{port}", None, log, env)  # type: ignore[arg-type]
    server.cli("migrate")
    if demo:
        server.cli("seed", "--demo")
    with log.open("wb") as sink:
        server.proc = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + ready_timeout
        ready = 0
        while ready < 3:  # a few answers in a row: every worker is likely up
            assert server.proc.poll() is None, server.log_tail()
            assert time.monotonic() < deadline, "the server did not become ready"
            try:
                ok = httpx.get(server.url + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                ok = False
            ready = ready + 1 if ok else 0
            time.sleep(0.2)
        yield server
    finally:
        if server.proc.poll() is None:
            server.proc.terminate()
            try:
                server.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.proc.pid, signal.SIGKILL)
                server.proc.wait(5)
    if not errors_expected:
        errors = server.error_lines()
        assert not errors, f"{server.url} logged at ERROR:\n" + "\n".join(errors[:20])


FACES = Path(__file__).resolve().parent / "fixtures" / "faces"
_START = """mutation ($i: StartFaceLoginInput!) { startFaceLogin(input: $i) {
  __typename ... on FaceChallenge { challengeId } } }"""
_COMPLETE = """mutation ($i: CompleteFaceLoginInput!) { completeFaceLogin(input: $i) {
  __typename ... on LoginSuccess { accessToken } } }"""


def face_login(server: ServerProcess, name: str = "陈志强", id_number: str = "440604196603129119",
               photo: Path = FACES / "person_a" / "selfie_1.jpg") -> str:
    """A face-verified (L2) citizen's access token from the real login, over HTTP."""
    import base64

    def gql(query: str, variables: dict) -> dict:
        r = httpx.post(server.url + "/graphql", json={"query": query, "variables": variables},
                       timeout=120)
        return dict(r.json()["data"])

    challenge = gql(_START, {"i": {"name": name, "idNumber": id_number, "channel": "FOSHANTONG",
                                   "consentVersion": "2026-12"}})
    image = base64.b64encode(photo.read_bytes()).decode()
    done = gql(_COMPLETE, {"i": {"challengeId": challenge["startFaceLogin"]["challengeId"],
                                 "image": image}})
    assert done["completeFaceLogin"]["__typename"] == "LoginSuccess", done
    return str(done["completeFaceLogin"]["accessToken"])
