"""Development and test commands: demo and benchmark data in the mock systems, the
mock SMS outbox, events in the mock register, a stand-in for the staff sign-on.
Each is refused in production (``Commands.add(..., dev_only=True)``)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from api.cli.common import Commands, database, err, out, vault
from api.infra.settings import ROOT, Settings

FACES_DIR = ROOT / "tests" / "fixtures" / "faces"
EVENT_KINDS = ["MORTGAGE", "SEIZURE", "PRE_REGISTRATION", "OBJECTION", "MORTGAGE_RELEASE",
               "SEIZURE_RELEASE", "PRE_REGISTRATION_RELEASE", "OBJECTION_RELEASE", "TRANSFER"]


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from api.cli.progress import Progress
    from api.services.appointments.halls import seed_halls
    from mock_providers import seed

    async def go() -> None:
        async with database(settings):
            pii = vault(settings)
            if args.demo:  # each side in its own database: the mocks', then the platform's
                people = await seed.seed_demo(pii, FACES_DIR)
                await seed_halls()
                out(f"demo data ready: {len(people)} demo citizens")
            if args.holders:
                bar = Progress(args.holders, "holders")
                try:
                    report = await seed.seed_large(pii, args.holders, progress=bar.update)
                finally:
                    bar.close()
                out(f"seeded {report}")

    if not (args.demo or args.holders):
        err("nothing to do: pass --demo and/or --holders N")
        return 2
    asyncio.run(go())
    return 0


def cmd_add_citizen(args: argparse.Namespace, settings: Settings) -> int:
    from api.providers import idnumber
    from mock_providers import seed

    try:
        number = idnumber.normalize(args.id_number)
    except idnumber.InvalidIdNumber as exc:
        err(exc.message)
        return 2
    photo = Path(args.photo).read_bytes() if args.photo else None

    async def go() -> int:
        async with database(settings):
            return await seed.add_citizen(vault(settings), name=args.name, id_number=number,
                                          phone=args.phone, photo=photo,
                                          properties=args.properties)

    units = asyncio.run(go())
    out(f"registered {idnumber.mask_name(args.name)} {idnumber.mask(number)} "
        f"with {units} properties")
    return 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    """The mock SMS gateway's last messages: how a developer reads a login code."""
    from api.providers import container
    from api.providers.messaging import DevInbox, SentMessage

    async def go() -> list[SentMessage]:
        async with database(settings):
            sms = container.build(settings, vault(settings), "sms")
            return await sms.recent(args.last) if isinstance(sms, DevInbox) else []

    for m in asyncio.run(go()):
        out(f"{m.at:%Y-%m-%d %H:%M:%S} {m.to} {m.template} {m.body}")
    return 0


def cmd_register_event(args: argparse.Namespace, settings: Settings) -> int:
    """Make something happen in the mock register (the demo's "新增抵押" etc.)."""
    from mock_providers.registry import MockRegistryProvider

    detail = {k: v for k, v in {"party": args.party, "amount": args.amount,
                                "document_no": args.document_no, "ends_on": args.ends_on,
                                "name": args.name, "id_number": args.id_number}.items() if v}

    async def go() -> str:
        async with database(settings):
            event = await MockRegistryProvider(vault(settings)).record_event(
                args.unit_no, args.kind, detail)
            return f"event {event.seq}: {event.kind} on {event.unit_no} ({event.address})"

    out(asyncio.run(go()))
    return 0


def cmd_staff_token(args: argparse.Namespace, settings: Settings) -> int:
    """A stand-in for the staff console's single sign-on: a staff access token."""
    import uuid

    from api.infra.keys import load_keyring
    from auth import tokens

    out(tokens.issue_access(load_keyring(settings), citizen_id=f"{args.hall}:{args.name}",
                            session_id=uuid.uuid4().hex, role="staff", acr="L2",
                            channel="WINDOW", ttl_seconds=args.hours * 3600))
    return 0


def add_commands(c: Commands) -> None:
    dev = "development only (refused when APP_ENV=production)"
    s = c.add(dev, "seed", cmd_seed, dev_only=True,
              help="load demo data and/or a large deterministic register",
              description="Fill the mock systems: --demo loads the demo citizens (with the "
              "fixture faces) and their properties in seconds; --holders N generates a "
              "deterministic register of N holders for benchmarks (resumable; a progress "
              "line on stderr).", example="seed --demo\nseed --holders 200000")
    s.add_argument("--demo", action="store_true", help="the demo citizens and properties")
    s.add_argument("--holders", type=int, default=0, metavar="N",
                   help="generate N holders with their properties")
    s = c.add(dev, "add-citizen", cmd_add_citizen, dev_only=True,
              help="register a person and K properties in the mock systems",
              description="Add a person to the mock population registry (with a reference "
              "photo, for face login) and K generated properties to the mock register.",
              example="add-citizen --name 张伟 --id-number 44060419900101123X "
              "--photo tests/fixtures/faces/person_a/reference.jpg --properties 2")
    s.add_argument("--name", required=True)
    s.add_argument("--id-number", required=True, help="18 digits with a valid check digit")
    s.add_argument("--photo", help="the reference (ID-card) photo, JPEG or PNG")
    s.add_argument("--phone", help="mobile number for SMS codes")
    s.add_argument("--properties", type=int, default=0, help="how many properties to give")
    s = c.add(dev, "outbox", cmd_outbox, dev_only=True,
              help="show the mock SMS outbox (login codes)",
              description="The last messages the mock SMS gateway 'sent' (how a developer "
              "reads a login code).", example="outbox --last 5")
    s.add_argument("--last", type=int, default=10, help="how many messages")
    s = c.add(dev, "register-event", cmd_register_event, dev_only=True,
              help="record an event in the mock register",
              description="Make something happen to a unit in the mock register (a mortgage, "
              "a seizure, a transfer...); notifications follow with the next job run.",
              example="register-event --unit-no <unit no> --kind SEIZURE "
              "--party 佛山市禅城区人民法院")
    s.add_argument("--unit-no", required=True, help="the 28-character unit number")
    s.add_argument("--kind", required=True, choices=EVENT_KINDS)
    s.add_argument("--party", help="mortgagee, court, ...")
    s.add_argument("--amount")
    s.add_argument("--document-no")
    s.add_argument("--ends-on", help="YYYY-MM-DD")
    s.add_argument("--name", help="TRANSFER: the new holder's name")
    s.add_argument("--id-number", help="TRANSFER: the new holder's ID number")
    s = c.add(dev, "staff-token", cmd_staff_token, dev_only=True,
              help="a hall staff access token (stand-in for the staff sign-on)",
              description="Print a staff access token for a hall, signed with the key ring "
              "(the staff console's single sign-on replaces this).",
              example="staff-token --name 张工 --hall FS-CENTRE --hours 8")
    s.add_argument("--name", required=True, help="the staff member's name")
    s.add_argument("--hall", default="FS-CENTRE", help="the hall id")
    s.add_argument("--hours", type=int, default=8, help="token lifetime")
