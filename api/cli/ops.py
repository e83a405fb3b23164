"""Operations commands: the database schema, the jobs, who may connect (third-party
institutions, hall terminals) and one-off data upgrades."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from api.cli.common import Commands, database, err, out, run_migrations
from api.infra.settings import Settings


def cmd_migrate(_: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(run_migrations(settings))
    out("migrations applied")
    return 0


def cmd_run_jobs(_: argparse.Namespace, settings: Settings) -> int:
    """Every job of the registry once (for cron, or when serving with the loop off)."""
    from api.infra.state import open_state
    from api.jobs.loop import run_all
    from api.services.appointments import calendar as cal

    async def go() -> tuple[dict[str, int], list[str]]:
        async with database(settings), open_state(settings) as state:
            return await run_all(state, cal.now())

    done, failed = asyncio.run(go())
    out(", ".join(f"{name} {count}" for name, count in done.items()))
    if failed:
        err(f"failed (see the log above): {', '.join(failed)}")
        return 1
    return 0


def cmd_add_client(args: argparse.Namespace, settings: Settings) -> int:
    """Register a third-party institution: a public key (production) or a generated
    secret (development only), and the (purpose, question) pairs it may ask."""
    import secrets as pysecrets

    from api.services.proofs import clients
    from api.services.proofs.requests import PURPOSES, QUESTIONS

    allowed = [tuple(pair.split(":", 1)) for pair in args.allow]
    if any(p not in PURPOSES or q not in QUESTIONS for p, q in allowed):
        err(f"--allow PURPOSE:QUESTION with PURPOSE in {sorted(PURPOSES)} and QUESTION in "
            f"{sorted(QUESTIONS)}")
        return 2
    public_key = Path(args.public_key).read_text() if args.public_key else None
    if public_key is None and settings.is_production:
        err("production clients authenticate with a key: pass --public-key")
        return 2
    secret = None if public_key else pysecrets.token_urlsafe(24)

    async def go() -> None:
        async with database(settings):
            await clients.register(client_id=args.id, name=args.name, kind=args.kind,
                                   allowed=allowed, secret=secret, public_key_pem=public_key,
                                   rate_per_minute=args.rate)

    asyncio.run(go())
    out(f"client {args.id} registered" + (f"; secret (shown once): {secret}" if secret else ""))
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
        err(str(exc))
        return 2
    out(f"kiosk {enrolled.kiosk.id} enrolled for hall {args.hall}")
    out("open this link once on the terminal (shown once; it holds the terminal's key):")
    out(enrolled.provisioning_link)
    return 0


def cmd_revoke_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    from api.services.session import kiosks

    async def go() -> bool:
        async with database(settings):
            return await kiosks.revoke(args.id)

    if not asyncio.run(go()):
        err(f"no active kiosk {args.id}")
        return 2
    out(f"kiosk {args.id} revoked: its captures are refused from now on")
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
    out(f"documents encrypted: {encrypted}; not the issued document (never served): "
        f"{mismatched}")
    return 1 if mismatched else 0


def _jobs_listing() -> str:
    from api.jobs.registry import JOBS

    return "\n".join(f"  {job.name:<17} {job.summary}" for job in JOBS)


def add_commands(c: Commands) -> None:
    ops = "operations"
    c.add(ops, "migrate", cmd_migrate, help="apply database migrations",
          description="Bring the database (DATABASE_URL) to this version's schema. Safe to "
          "run again; run it before `serve` and after every upgrade (other commands refuse "
          "an unmigrated database and say so).", example="migrate")
    c.add(ops, "run-jobs", cmd_run_jobs, help="run every background job once (for cron)",
          description="Run each periodic job of api/jobs once, due or not, and print what "
          "each did. Each web worker runs them every FSREG_REGISTER_SYNC_SECONDS; with "
          "that at 0, schedule this command instead. Exit 1 if a job failed (the others "
          "still ran). The jobs:\n" + _jobs_listing(), example="run-jobs")
    s = c.add(ops, "add-client", cmd_add_client,
              help="register a third-party institution (school, police, bank)",
              description="Register an institution that may ask narrow questions with the "
              "citizen's consent: its (purpose, question) pairs and its credential (an ES256 "
              "public key; a generated secret outside production, printed once).",
              example="add-client --id school-chancheng --name 禅城区教育局 --kind SCHOOL "
              "--allow SCHOOL_ENROLMENT:HOLDS_RESIDENCE_IN_DISTRICT --public-key school.pem")
    s.add_argument("--id", required=True, help="the client id it authenticates with")
    s.add_argument("--name", required=True, help="the institution's name, shown to citizens")
    s.add_argument("--kind", required=True, choices=["SCHOOL", "POLICE", "BANK"])
    s.add_argument("--allow", nargs="+", required=True, help="PURPOSE:QUESTION pairs")
    s.add_argument("--public-key", help="PEM file of the client's ES256 public key")
    s.add_argument("--rate", type=int, default=60, help="requests per minute")
    s = c.add(ops, "add-kiosk", cmd_add_kiosk,
              help="enrol a hall self-service terminal (prints its key once)",
              description="Enrol a kiosk of a hall: prints a provisioning link to open once on "
              "the terminal; it holds the terminal's signing key (never shown again).",
              example="add-kiosk --hall FS-CENTRE --label '1号自助机'")
    s.add_argument("--hall", required=True, help="the hall id, e.g. FS-CENTRE")
    s.add_argument("--label", default="", help="a name staff recognise the terminal by")
    s.add_argument("--base-url",
                   help="where the terminal reaches the API (default PUBLIC_BASE_URL)")
    s = c.add(ops, "revoke-kiosk", cmd_revoke_kiosk, help="stop accepting a terminal's captures",
              description="Revoke an enrolled kiosk: its signed captures are refused from now "
              "on (a stolen or retired terminal).", example="revoke-kiosk --id <kiosk id>")
    s.add_argument("--id", required=True, help="the kiosk id printed by add-kiosk")
    s = c.add(ops, "encrypt-documents", cmd_encrypt_documents,
              help="encrypt certificate PDFs stored in clear (rows older than 0011)",
              description="Encrypt the certificate PDFs written before migration 0011 "
              "(resumable; exit 1 when a stored PDF is not the issued document: it is never "
              "served).", example="encrypt-documents --batch 200")
    s.add_argument("--batch", type=int, default=100, help="rows per transaction")
