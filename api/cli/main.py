"""``python -m api <command>``: the parser (every command, grouped in ``--help``),
the settings, and the refusals every command shares (development commands in
production, an unmigrated database)."""

from __future__ import annotations

import argparse

from api.cli import audit, calendar, dev, keys, ops, schema, serve
from api.cli.common import Commands, NotMigrated, err, wrap
from api.infra.settings import Env, Settings, get_settings

USAGE_NOTE = "Run `python -m api COMMAND --help` for a command's options and an example."


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m api", usage="python -m api [-h] COMMAND ...",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    # The grouped listing in the description replaces argparse's flat one.
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           prog="python -m api", help=argparse.SUPPRESS)
    commands = Commands(sub)
    for module in (serve, ops, audit, calendar, keys, dev, schema):
        module.add_commands(commands)
    p.description = wrap("佛山不动产登记 API: serving, operations and development commands. "
                         "Settings come from the environment (APP_ENV, DATABASE_URL, "
                         "REDIS_URL, FSREG_*; see README.md).") + "\n\n" + commands.listing() \
        + "\n\n" + USAGE_NOTE
    return p


def _load_settings(command: str) -> Settings | None:
    """The settings, or ``None`` after printing why the environment is refused
    (e.g. production without ``REDIS_URL``): a clear line, not a traceback."""
    from pydantic import ValidationError

    if command in schema.NO_ENVIRONMENT:
        return Settings(app_env=Env.DEVELOPMENT)
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            err(f"configuration refused: {error['msg'].removeprefix('Value error, ')}")
        return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = _load_settings(args.command)
    if settings is None:
        return 2
    if args.dev_only and settings.is_production:
        err(f"{args.command} is for development and test only: refused in production "
            "(APP_ENV=production)")
        return 2
    try:
        return int(args.func(args, settings))
    except NotMigrated as exc:
        err(exc.advice())
        return 2
