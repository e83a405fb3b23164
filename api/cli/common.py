"""What every command shares: the database for one command (refused, with the fix,
when it is not migrated), the PII vault, output, and how commands are declared
(a one-line help, a description with an example, the development-only mark)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from api.infra.crypto import PiiVault
from api.infra.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def out(text: str) -> None:
    print(text)  # noqa: T201


def err(text: str) -> None:
    print(text, file=sys.stderr)  # noqa: T201


class NotMigrated(Exception):
    """The database lacks migrations this code needs (a fresh database, or an upgrade)."""

    def __init__(self, pending: list[str]) -> None:
        super().__init__(f"{len(pending)} pending")
        self.pending = pending

    def advice(self) -> str:
        first = ", ".join(self.pending[:3]) + (", ..." if len(self.pending) > 3 else "")
        return (f"the database is not migrated ({len(self.pending)} migrations pending: "
                f"{first}): run `python -m api migrate` first")


async def pending_migrations(config: dict[str, Any]) -> list[str]:
    """Migrations of the configured apps not applied yet, on initialised
    connections (reads only: a database without the migrations table has them
    all pending)."""
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    by_connection: dict[str, dict[str, Any]] = {}
    for label, app in config["apps"].items():
        by_connection.setdefault(app.get("default_connection", "default"), {})[label] = app
    pending: list[str] = []
    for name, apps in by_connection.items():
        steps = await MigrationExecutor(get_connection(name), apps).plan()
        pending += [f"{s.migration.app_label}.{s.migration.name}" for s in steps
                    if not s.backward]
    return pending


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[None]:
    """The ORM for one command; raises NotMigrated before the command touches a
    table that may not exist (instead of an ORM traceback halfway through)."""
    from tortoise import Tortoise

    from api.infra.db import tortoise_config

    config = tortoise_config(settings)
    await Tortoise.init(config=config)
    try:
        if pending := await pending_migrations(config):
            raise NotMigrated(pending)
        yield
    finally:
        await Tortoise.close_connections()


async def run_migrations(settings: Settings) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from api.infra.db import ensure_mock_database, tortoise_config

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    await ensure_mock_database(settings)  # both databases are migrated
    try:
        await migrate(config=tortoise_config(settings))
    finally:
        await Tortoise.close_connections()


def vault(settings: Settings) -> PiiVault:
    from api.infra.keys import load_keyring

    return PiiVault(load_keyring(settings))


def wrap(text: str, width: int = 88) -> str:
    """Paragraphs filled to ``width``; indented lines (listings) kept as they are."""
    lines: list[str] = []
    for line in text.splitlines():
        lines.append(line if line.startswith(" ") or not line else textwrap.fill(line, width))
    return "\n".join(lines)


@dataclass
class Commands:
    """Declares commands on the ``python -m api`` parser and remembers them by group
    for the top-level help."""

    sub: Any
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, group: str, name: str, func: Handler | None, *, help: str,  # noqa: A002
            description: str, example: str, dev_only: bool = False) -> argparse.ArgumentParser:
        """``example``: one command line per line, without ``python -m api``."""
        examples = "\n".join(f"  python -m api {line}" for line in example.splitlines())
        if dev_only:
            description += "\n\nDevelopment and test only: refused when APP_ENV=production."
        parser: argparse.ArgumentParser = self.sub.add_parser(
            name, help=help, description=wrap(description), epilog=f"example:\n{examples}",
            formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.set_defaults(dev_only=dev_only)
        if func is not None:
            parser.set_defaults(func=func)
        self.groups.setdefault(group, []).append((name, help))
        return parser

    def listing(self) -> str:
        width = max(len(name) for names in self.groups.values() for name, _ in names) + 2
        blocks = []
        for group, names in self.groups.items():
            lines = [f"  {name:<{width}}{help}" for name, help in names]
            blocks.append(f"{group}:\n" + "\n".join(lines))
        return "\n\n".join(blocks)
