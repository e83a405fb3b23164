"""``python -m api serve``: the API under uvicorn, as deployed."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from typing import Any

from api.cli.common import Commands, err
from api.infra.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.infra.logging import configure_logging

    configure_logging()
    # uvicorn's worker processes build their own app: tell create_app to set
    # up the same logging there (the parent's handlers do not cross over).
    os.environ["FSREG_SETUP_LOGGING"] = "1"
    # Build once in the parent so a bad configuration fails before binding.
    from api.app import create_app
    from api.infra.keys import KeyringError
    from api.infra.settings import ConfigurationError

    try:
        create_app(settings)
    except (ConfigurationError, KeyringError) as exc:
        err(f"configuration refused: {exc}")
        return 2
    # proxy_headers off: the app's TrustedProxyMiddleware (FSREG_TRUSTED_PROXIES)
    # is the one place that believes forwarded addresses; uvicorn's own handling
    # would trust 127.0.0.1 by default and rewrite the client a second time.
    options: dict[str, Any] = {
        "factory": True, "host": args.host or settings.host, "port": args.port or settings.port,
        "log_config": None, "timeout_graceful_shutdown": 20, "proxy_headers": False}
    workers = args.workers or settings.workers
    if workers > 1:
        # The supervisor stops its workers on SIGTERM and returns normally.
        uvicorn.run("api.app:create_app", workers=workers, **options)
        return 0
    server = _graceful_server(uvicorn.Config("api.app:create_app", **options))
    server.run()
    return 0 if server.started else 3


def _graceful_server(config: Any) -> Any:
    """uvicorn's server, except that a SIGTERM/SIGINT that led to a graceful
    shutdown ends the process with code 0: uvicorn re-raises the signal after
    shutting down, so the process would die of it (-15). RELIABILITY 29."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                try:
                    yield
                finally:
                    self._captured_signals.clear()  # nothing left to re-raise

    return Server(config)


def add_commands(commands: Commands) -> None:
    s = commands.add(
        "operations", "serve", cmd_serve, help="serve the API (uvicorn)",
        description="Serve the GraphQL API, the verification pages and (unless "
        "FSREG_SERVE_DEMO=false) the demo. The configuration is checked before the "
        "port is bound; SIGTERM finishes the requests in flight and exits 0. Each "
        "worker also runs the background jobs every FSREG_REGISTER_SYNC_SECONDS "
        "(0: off; then schedule `run-jobs`).",
        example="serve --host 0.0.0.0 --port 8000 --workers 4")
    s.add_argument("--host", help="interface to bind (default FSREG_HOST, 127.0.0.1)")
    s.add_argument("--port", type=int, help="port (default PORT, 8000)")
    s.add_argument("--workers", type=int,
                   help="uvicorn worker processes (default FSREG_WORKERS, 1)")
