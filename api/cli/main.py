"""``python -m api <command>``: serve, migrate, seed, add-citizen, add-kiosk, revoke-kiosk,
outbox, export-schema, possible-types, verify-audit, encrypt-documents."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from api.infra.settings import ROOT, Env, Settings, get_settings

FACES_DIR = ROOT / "tests" / "fixtures" / "faces"


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[None]:
    from tortoise import Tortoise

    from api.infra.db import tortoise_config

    await Tortoise.init(config=tortoise_config(settings))
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def run_migrations(settings: Settings) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from api.infra.db import tortoise_config

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        await migrate(config=tortoise_config(settings))
    finally:
        await Tortoise.close_connections()


def _vault(settings: Settings):  # type: ignore[no-untyped-def]
    from api.infra.crypto import PiiVault
    from api.infra.keys import load_keyring

    return PiiVault(load_keyring(settings))


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
        print(f"configuration refused: {exc}", file=sys.stderr)  # noqa: T201
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


def cmd_migrate(_: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(run_migrations(settings))
    print("migrations applied")  # noqa: T201
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from mock_providers import seed

    async def go() -> None:
        async with database(settings):
            vault = _vault(settings)
            if args.demo:
                people = await seed.seed_demo(vault, FACES_DIR)
                print(f"demo data ready: {len(people)} demo citizens")  # noqa: T201
            if args.holders:
                report = await seed.seed_large(
                    vault, args.holders,
                    progress=lambda n: print(f"  {n} holders", file=sys.stderr))  # noqa: T201
                print(f"seeded {report}")  # noqa: T201

    if not (args.demo or args.holders):
        print("nothing to do: pass --demo and/or --holders N", file=sys.stderr)  # noqa: T201
        return 2
    asyncio.run(go())
    return 0


def cmd_add_citizen(args: argparse.Namespace, settings: Settings) -> int:
    if settings.is_production:
        print("add-citizen is for development and test only", file=sys.stderr)  # noqa: T201
        return 2
    from api.providers import idnumber
    from mock_providers import seed

    try:
        number = idnumber.normalize(args.id_number)
    except idnumber.InvalidIdNumber as exc:
        print(exc.message, file=sys.stderr)  # noqa: T201
        return 2
    photo = Path(args.photo).read_bytes() if args.photo else None

    async def go() -> int:
        async with database(settings):
            return await seed.add_citizen(_vault(settings), name=args.name, id_number=number,
                                          phone=args.phone, photo=photo,
                                          properties=args.properties)

    units = asyncio.run(go())
    print(f"registered {idnumber.mask_name(args.name)} {idnumber.mask(number)} "  # noqa: T201
          f"with {units} properties")
    return 0


def cmd_export_schema(_: argparse.Namespace, __: Settings) -> int:
    from api.graphql.schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def cmd_possible_types(_: argparse.Namespace, settings: Settings) -> int:
    import json

    from api.graphql.schema import build_schema, possible_types

    sys.stdout.write(json.dumps(possible_types(build_schema(settings)), indent=2) + "\n")
    return 0


def cmd_encrypt_documents(args: argparse.Namespace, settings: Settings) -> int:
    """Encrypt the certificate PDFs stored in clear before migration 0011 (resumable)."""
    from api.infra.state import open_state
    from api.services.certificates.documents import encrypt_legacy

    async def go() -> tuple[int, int]:
        async with database(settings), open_state(settings) as state:
            report = await encrypt_legacy(state, batch=args.batch)
            return report.encrypted, report.mismatched

    encrypted, mismatched = asyncio.run(go())
    print(f"documents encrypted: {encrypted}; not the issued document (never served): "  # noqa: T201
          f"{mismatched}")
    return 1 if mismatched else 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    """The mock SMS gateway's last messages: how a developer reads a login code."""
    if settings.is_production:
        print("outbox is for development and test only", file=sys.stderr)  # noqa: T201
        return 2
    from mock_providers.models import OutboxMessage

    async def go() -> list[OutboxMessage]:
        async with database(settings):
            return await OutboxMessage.filter(channel="SMS").order_by("-created_at").limit(
                args.last)

    for m in asyncio.run(go()):
        print(f"{m.created_at:%Y-%m-%d %H:%M:%S} {m.recipient} {m.template} "  # noqa: T201
              f"{m.body}")
    return 0


def cmd_register_event(args: argparse.Namespace, settings: Settings) -> int:
    """Dev/test: make something happen in the mock register (the demo's "新增抵押" etc.)."""
    if settings.is_production:
        print("register-event is for development and test only", file=sys.stderr)  # noqa: T201
        return 2
    from mock_providers.registry import MockRegistryProvider

    detail = {k: v for k, v in {"party": args.party, "amount": args.amount,
                                "document_no": args.document_no, "ends_on": args.ends_on,
                                "name": args.name, "id_number": args.id_number}.items() if v}

    async def go() -> str:
        async with database(settings):
            event = await MockRegistryProvider(_vault(settings)).record_event(
                args.unit_no, args.kind, detail)
            return f"event {event.seq}: {event.kind} on {event.unit_no} ({event.address})"

    print(asyncio.run(go()))  # noqa: T201
    return 0


def cmd_add_client(args: argparse.Namespace, settings: Settings) -> int:
    """Register a third-party institution: a public key (production) or a generated
    secret (development only), and the (purpose, question) pairs it may ask."""
    import secrets as pysecrets

    from api.services.proofs import clients
    from api.services.proofs.requests import PURPOSES, QUESTIONS

    allowed = [tuple(pair.split(":", 1)) for pair in args.allow]
    if any(p not in PURPOSES or q not in QUESTIONS for p, q in allowed):
        print(f"--allow PURPOSE:QUESTION with PURPOSE in {sorted(PURPOSES)} and QUESTION in "  # noqa: T201
              f"{sorted(QUESTIONS)}", file=sys.stderr)
        return 2
    public_key = Path(args.public_key).read_text() if args.public_key else None
    if public_key is None and settings.is_production:
        print("production clients authenticate with a key: pass --public-key", file=sys.stderr)  # noqa: T201
        return 2
    secret = None if public_key else pysecrets.token_urlsafe(24)

    async def go() -> None:
        async with database(settings):
            await clients.register(client_id=args.id, name=args.name, kind=args.kind,
                                   allowed=allowed, secret=secret, public_key_pem=public_key,
                                   rate_per_minute=args.rate)

    asyncio.run(go())
    print(f"client {args.id} registered" + (f"; secret (shown once): {secret}" if secret else ""))  # noqa: T201
    return 0


def cmd_add_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    """Enrol a hall terminal: prints its provisioning link once (the only copy of its key)."""
    from api.services.session import kiosks

    async def go() -> kiosks.Enrolled:
        async with database(settings):
            return await kiosks.enrol(hall_id=args.hall, label=args.label,
                                      base_url=args.base_url or settings.public_base_url)

    try:
        enrolled = asyncio.run(go())
    except ValueError as exc:
        print(exc, file=sys.stderr)  # noqa: T201
        return 2
    print(f"kiosk {enrolled.kiosk.id} enrolled for hall {args.hall}")  # noqa: T201
    print("open this link once on the terminal (shown once; it holds the terminal's key):")  # noqa: T201
    print(enrolled.provisioning_link)  # noqa: T201
    return 0


def cmd_revoke_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    from api.services.session import kiosks

    async def go() -> bool:
        async with database(settings):
            return await kiosks.revoke(args.id)

    if not asyncio.run(go()):
        print(f"no active kiosk {args.id}", file=sys.stderr)  # noqa: T201
        return 2
    print(f"kiosk {args.id} revoked: its captures are refused from now on")  # noqa: T201
    return 0


def cmd_run_jobs(_: argparse.Namespace, settings: Settings) -> int:
    """Run the background jobs once (for cron, or when serving with the loop off)."""
    from datetime import UTC, datetime

    from api.infra.state import open_state
    from api.services import audit_anchor
    from api.services.appointments.booking import send_reminders, sweep_no_shows
    from api.services.privacy.notifications import sync_register_events
    from api.services.ratings.outbox import deliver_due
    from api.services.ratings.rating import apply_default_ratings

    async def go() -> tuple[int, int, int, int, int]:
        async with database(settings), open_state(settings) as state:
            events = 0
            while n := await sync_register_events(state):
                events += n
            now = datetime.now(UTC)
            no_shows = await sweep_no_shows(state, now)
            reminders = await send_reminders(state, now)
            defaults = await apply_default_ratings(state, now)
            sent = await deliver_due(state, now)
            # run-jobs is the cron fallback: anchor whenever the head moved.
            await audit_anchor.write_checkpoint(state, now)
            await audit_anchor.deliver_due(state, now)
            return events, no_shows, reminders, defaults, sent

    events, no_shows, reminders, defaults, sent = asyncio.run(go())
    print(f"register events {events}, no-shows {no_shows}, reminders {reminders}, "  # noqa: T201
          f"default ratings {defaults}, rating messages delivered {sent}")
    return 0


def cmd_staff_token(args: argparse.Namespace, settings: Settings) -> int:
    """Dev/test stand-in for the staff console's single sign-on: a staff access token."""
    if settings.is_production:
        print("staff-token is for development and test only", file=sys.stderr)  # noqa: T201
        return 2
    import uuid

    from api.infra.keys import load_keyring
    from auth import tokens

    token = tokens.issue_access(load_keyring(settings), citizen_id=f"{args.hall}:{args.name}",
                                session_id=uuid.uuid4().hex, role="staff", acr="L2",
                                channel="WINDOW", ttl_seconds=args.hours * 3600)
    print(token)  # noqa: T201
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m api", description="佛山不动产登记 API")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the API (uvicorn)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int)
    s.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    s = sub.add_parser("seed", help="load demo data and/or a large deterministic register")
    s.add_argument("--demo", action="store_true")
    s.add_argument("--holders", type=int, default=0)
    s.set_defaults(func=cmd_seed)
    s = sub.add_parser("add-citizen", help="register a person and K properties (dev/test)")
    s.add_argument("--name", required=True)
    s.add_argument("--id-number", required=True)
    s.add_argument("--photo")
    s.add_argument("--phone")
    s.add_argument("--properties", type=int, default=0)
    s.set_defaults(func=cmd_add_citizen)
    s = sub.add_parser("outbox", help="show the mock SMS outbox (login codes; dev/test)")
    s.add_argument("--last", type=int, default=10)
    s.set_defaults(func=cmd_outbox)
    s = sub.add_parser("register-event", help="record an event in the mock register (dev/test)")
    s.add_argument("--unit-no", required=True)
    s.add_argument("--kind", required=True, choices=[
        "MORTGAGE", "SEIZURE", "PRE_REGISTRATION", "OBJECTION", "MORTGAGE_RELEASE",
        "SEIZURE_RELEASE", "PRE_REGISTRATION_RELEASE", "OBJECTION_RELEASE", "TRANSFER"])
    s.add_argument("--party", help="mortgagee, court, ...")
    s.add_argument("--amount")
    s.add_argument("--document-no")
    s.add_argument("--ends-on", help="YYYY-MM-DD")
    s.add_argument("--name", help="TRANSFER: the new holder's name")
    s.add_argument("--id-number", help="TRANSFER: the new holder's ID number")
    s.set_defaults(func=cmd_register_event)
    s = sub.add_parser("add-client", help="register a third-party institution")
    s.add_argument("--id", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--kind", required=True, choices=["SCHOOL", "POLICE", "BANK"])
    s.add_argument("--allow", nargs="+", required=True, help="PURPOSE:QUESTION pairs")
    s.add_argument("--public-key", help="PEM file of the client's ES256 public key")
    s.add_argument("--rate", type=int, default=60, help="requests per minute")
    s.set_defaults(func=cmd_add_client)
    s = sub.add_parser("add-kiosk", help="enrol a hall self-service terminal (prints its key once)")
    s.add_argument("--hall", required=True)
    s.add_argument("--label", default="")
    s.add_argument("--base-url", help="where the terminal reaches the API (default PUBLIC_BASE_URL)")
    s.set_defaults(func=cmd_add_kiosk)
    s = sub.add_parser("revoke-kiosk", help="stop accepting a terminal's captures")
    s.add_argument("--id", required=True)
    s.set_defaults(func=cmd_revoke_kiosk)
    sub.add_parser("run-jobs", help="register events, no-shows, reminders: once").set_defaults(
        func=cmd_run_jobs)
    s = sub.add_parser("staff-token", help="a hall staff access token (dev/test)")
    s.add_argument("--name", required=True)
    s.add_argument("--hall", default="FS-CENTRE")
    s.add_argument("--hours", type=int, default=8)
    s.set_defaults(func=cmd_staff_token)
    sub.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(
        func=cmd_export_schema)
    from api.cli import audit as cli_audit
    from api.cli import calendar as cli_calendar
    from api.cli import keys as cli_keys

    cli_audit.add_commands(sub)
    cli_calendar.add_commands(sub)
    cli_keys.add_commands(sub)
    s = sub.add_parser("encrypt-documents",
                       help="encrypt certificate PDFs stored in clear (rows older than 0011)")
    s.add_argument("--batch", type=int, default=100)
    s.set_defaults(func=cmd_encrypt_documents)
    sub.add_parser("possible-types", help="print the possibleTypes map (JSON) for client caches"
                   ).set_defaults(func=cmd_possible_types)
    return p


def _load_settings(command: str) -> Settings | None:
    """The settings, or ``None`` after printing why the environment is refused
    (e.g. production without ``REDIS_URL``): a clear line, not a traceback."""
    from pydantic import ValidationError

    if command in ("export-schema", "possible-types"):
        return Settings(app_env=Env.DEVELOPMENT)
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            print(f"configuration refused: {error['msg'].removeprefix('Value error, ')}",  # noqa: T201
                  file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = _load_settings(args.command)
    if settings is None:
        return 2
    return int(args.func(args, settings))
