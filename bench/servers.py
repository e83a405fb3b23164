"""Start uvicorn servers on loopback, wait for readiness, always stop them.

Each server runs in its own session (process group), so stopping it also
stops its worker processes, and a Ctrl-C in the terminal reaches only the
benchmark, which then stops the servers itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def uvicorn_options(port: int, workers: int) -> list[str]:
    """The options both servers get, so only the application differs."""
    return ["--factory", "--host", HOST, "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
            "--timeout-graceful-shutdown", "2"]


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_lines(self) -> int:
        try:
            with self.log_path.open("rb") as f:
                return sum(1 for _ in f)
        except OSError:
            return 0

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 8.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)  # the group this benchmark created
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=wait)
                return


@contextlib.contextmanager
def serve(name: str, cmd: list[str], *, cwd: Path, env: dict[str, str], log_path: Path,
          port: int) -> Iterator[Server]:
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, port, proc, log_path)
    try:
        yield server
    finally:
        server.stop()


def http(method: str, url: str, body: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (loopback)
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(server: Server, timeout: float = 60.0, workers: int = 1) -> None:
    """Poll ``GET /readyz`` until 200. With several workers, ask a few more
    times so every worker has most likely finished its lifespan startup."""
    deadline = time.monotonic() + timeout
    wanted = 1 if workers == 1 else 4 * workers
    ok = 0
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}:\n"
                               f"{server.log_tail()}")
        try:
            status, _ = http("GET", server.url + "/readyz", timeout=2.0)
        except OSError:
            status = 0
        ok = ok + 1 if status == 200 else 0
        if ok >= wanted:
            return
        time.sleep(0.1 if ok else 0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f}s:\n{server.log_tail()}")
