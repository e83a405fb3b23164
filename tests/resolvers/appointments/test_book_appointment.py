"""Issue 6 through GraphQL: booking, refusals as union members, kiosk and staff, and
capacity under concurrency (RELIABILITY R5 items 24-25)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import subprocess
import sys
import uuid
from datetime import date, datetime
from typing import Any

import pytest
import qrcode

from api.infra.settings import ROOT
from api.models import AuditEvent, Booking, Slot
from api.providers.idnumber import build
from api.services.appointments import calendar as cal
from api.services.appointments.halls import seed_halls
from auth import tokens
from tests.conftest import Client, Leg
from tests.resolvers.helpers import token_for

T0 = datetime(2026, 5, 6, 10, 0, tzinfo=cal.SHANGHAI)
SLOTS = """query ($h: ID!, $f: String!, $t: String!) {
  availableSlots(hallId: $h, serviceItem: TRANSFER, from: $f, to: $t) {
    id startsAt endsAt capacity remaining } }"""
BOOK = """mutation ($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  __typename
  ... on BookingConfirmed { appointment { id status hallId serviceItem startsAt } }
  ... on SlotFull { nextFreeSlotId nextFreeStartsAt }
  ... on OutsideBookingWindow { opensAt }
  ... on UserError { code message } } }"""
CANCEL = """mutation ($id: ID!) { cancelAppointment(id: $id) { __typename
  ... on AppointmentCancelled { appointment { status } } ... on UserError { code } } }"""
CHECK_IN = """mutation ($id: ID!) { checkIn(appointmentId: $id) { __typename
  ... on CheckedIn { ticket { id code status } } ... on UserError { code message } } }"""
MY_TICKET = "query { myQueueTicket { peopleAhead estimatedWaitMinutes ticket { code } } }"
CALL = """mutation ($h: ID!) { callNextTicket(hallId: $h) { __typename
  ... on TicketUpdated { ticket { id code status } } ... on UserError { code } } }"""
SERVED = """mutation ($id: ID!) { markServed(ticketId: $id) { __typename
  ... on TicketUpdated { ticket { status } } } }"""


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    now = {"at": T0}
    monkeypatch.setattr(cal, "now", lambda: now["at"].astimezone(cal.UTC))
    return now


@pytest.fixture
async def halls(client: Client) -> None:
    await seed_halls()


def staff_token(client: Client, hall: str = "FS-CENTRE") -> str:
    return tokens.issue_access(client.state.keyring, citizen_id=f"{hall}:王工",
                               session_id=uuid.uuid4().hex, role="staff", acr="L2",
                               channel="WINDOW", ttl_seconds=600)


async def citizen(client: Client, i: int) -> str:
    return await token_for(client, f"预约{i}", build("440605", date(1980, 1, 1), 100 + i),
                           level="L1")


async def first_slot(client: Client, day: str = "2026-05-07") -> dict[str, Any]:
    body = await client.gql(SLOTS, {"h": "FS-CENTRE", "f": day, "t": day})
    assert "errors" not in body, body
    return body["data"]["availableSlots"][0]


async def test_reference_data_is_public(client: Client, halls: None) -> None:
    body = await client.gql("query { halls { id name district address openingHours } "
                            "serviceItems { code name } }")
    assert len(body["data"]["halls"]) == 6
    centre = body["data"]["halls"][0]
    assert centre["id"] == "FS-CENTRE"
    assert centre["openingHours"] == ["09:00-12:00", "13:30-17:00"]
    assert {s["code"] for s in body["data"]["serviceItems"]} == {
        "TRANSFER", "MORTGAGE", "PRE_REGISTRATION", "CANCELLATION", "QUERY_CERTIFICATE",
        "OTHER"}
    wide = await client.gql(SLOTS, {"h": "FS-CENTRE", "f": "2026-05-01", "t": "2026-05-30"})
    assert wide["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_book_double_tap_cancel_and_kiosk(client: Client, halls: None,
                                               clock: dict[str, datetime]) -> None:
    me = await citizen(client, 1)
    slot = await first_slot(client)
    assert slot["capacity"] == 6
    assert slot["remaining"] == 6
    inp = {"slotId": slot["id"], "serviceItem": "TRANSFER", "idempotencyKey": "tap-1"}
    taps = await asyncio.gather(*(client.gql(BOOK, {"input": inp}, token=me) for _ in range(3)))
    results = [t["data"]["bookAppointment"] for t in taps]
    assert {r["__typename"] for r in results} == {"BookingConfirmed"}
    assert len({r["appointment"]["id"] for r in results}) == 1
    assert (await first_slot(client))["remaining"] == 5
    again = (await client.gql(BOOK, {"input": {**inp, "idempotencyKey": "tap-2"}},
                              token=me))["data"]["bookAppointment"]
    assert again["__typename"] == "AlreadyBooked"
    assert again["message"]
    mine = await client.gql("query { myAppointments { id status } }", token=me)
    booking_id = results[0]["appointment"]["id"]
    assert mine["data"]["myAppointments"] == [{"id": booking_id, "status": "BOOKED"}]

    # Kiosk on the day: check in, see the queue, staff calls and serves.
    clock["at"] = datetime(2026, 5, 7, 8, 45, tzinfo=cal.SHANGHAI)
    checked = (await client.gql(CHECK_IN, {"id": booking_id}, token=me))["data"]["checkIn"]
    assert checked["__typename"] == "CheckedIn"
    assert checked["ticket"]["code"] == "A001"
    ticket = (await client.gql(MY_TICKET, token=me))["data"]["myQueueTicket"]
    assert ticket == {"peopleAhead": 0, "estimatedWaitMinutes": 0, "ticket": {"code": "A001"}}
    elsewhere = await client.gql(CALL, {"h": "FS-440605"}, token=staff_token(client))
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    called = (await client.gql(CALL, {"h": "FS-CENTRE"}, token=staff_token(client)))["data"][
        "callNextTicket"]
    assert called["ticket"]["code"] == "A001"
    assert called["ticket"]["status"] == "CALLED"
    served = await client.gql(SERVED, {"id": called["ticket"]["id"]}, token=staff_token(client))
    assert served["data"]["markServed"]["ticket"]["status"] == "SERVED"
    empty = await client.gql(CALL, {"h": "FS-CENTRE"}, token=staff_token(client))
    assert empty["data"]["callNextTicket"]["__typename"] == "NoTicketWaiting"
    late = await client.gql(CANCEL, {"id": booking_id}, token=me)
    assert late["data"]["cancelAppointment"]["__typename"] == "AppointmentNotActive"


async def test_refusals_are_typed(client: Client, halls: None,
                                  clock: dict[str, datetime]) -> None:
    me, other = await citizen(client, 1), await citizen(client, 2)
    slot = await first_slot(client)
    await Slot.filter(id=slot["id"]).update(capacity=1)
    ok = await client.gql(BOOK, {"input": {"slotId": slot["id"], "serviceItem": "TRANSFER"}},
                          token=me)
    booking_id = ok["data"]["bookAppointment"]["appointment"]["id"]
    full = (await client.gql(BOOK, {"input": {"slotId": slot["id"], "serviceItem": "TRANSFER"}},
                             token=other))["data"]["bookAppointment"]
    assert full["__typename"] == "SlotFull"
    assert full["nextFreeSlotId"]
    unreleased = await Slot.filter(day=date(2026, 5, 7)).first()
    assert unreleased is not None
    await Slot.filter(id=unreleased.id).update(day=date(2026, 5, 20))
    early = (await client.gql(BOOK, {"input": {"slotId": str(unreleased.id),
                                               "serviceItem": unreleased.service_item}},
                              token=other))["data"]["bookAppointment"]
    assert early["__typename"] == "OutsideBookingWindow"
    assert early["opensAt"]
    wrong = (await client.gql(BOOK, {"input": {"slotId": slot["id"], "serviceItem": "OTHER"}},
                              token=other))["data"]["bookAppointment"]
    assert wrong["__typename"] == "SlotNotFound"
    clock["at"] = datetime(2026, 5, 7, 7, 30, tzinfo=cal.SHANGHAI)
    cut = (await client.gql(CANCEL, {"id": booking_id}, token=me))["data"]["cancelAppointment"]
    assert cut == {"__typename": "ChangeTooLate", "code": "CHANGE_TOO_LATE"}


async def _book_many(client: Client, slot_id: str, n: int) -> list[str]:
    people = [await citizen(client, i) for i in range(n)]
    answers = await asyncio.gather(*(client.gql(
        BOOK, {"input": {"slotId": slot_id, "serviceItem": "TRANSFER"}}, token=t)
        for t in people))
    assert all("errors" not in a for a in answers), answers
    return [a["data"]["bookAppointment"]["__typename"] for a in answers]


@pytest.mark.pg
async def test_fifty_concurrent_bookings_on_five_places(client: Client, halls: None,
                                                        clock: dict[str, datetime],
                                                        leg: Leg) -> None:
    if not leg.is_pg:
        pytest.skip("concurrency is decided by PostgreSQL")
    slot = await first_slot(client)
    await Slot.filter(id=slot["id"]).update(capacity=5)
    kinds = await _book_many(client, slot["id"], 50)
    assert kinds.count("BookingConfirmed") == 5
    assert set(kinds) == {"BookingConfirmed", "SlotFull"}
    row = await Slot.get(id=slot["id"])
    assert row.booked == 5 == await Booking.filter(slot_id=row.id, status="BOOKED").count()


WORKER = """
import asyncio, json, sys
from datetime import datetime
from types import SimpleNamespace
from tortoise import Tortoise
from api.infra.db import tortoise_config
from api.infra.settings import Settings
from api.services.appointments import booking as appointments, errors as ae

async def main(dsn, slot_id, at, ids):
    await Tortoise.init(config=tortoise_config(Settings(database_url=dsn)))
    state = SimpleNamespace(settings=Settings())  # booking reads only the settings
    async def one(cid):
        try:
            await appointments.book(state, cid, slot_id=slot_id, service_item="TRANSFER",
                                    at=datetime.fromisoformat(at))
            return "ok"
        except ae.SlotFull:
            return "full"
    try:
        out = await asyncio.gather(*(one(c) for c in ids))
    finally:
        await Tortoise.close_connections()
    print(json.dumps(out))

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")))
"""


@pytest.mark.pg
async def test_capacity_holds_across_worker_processes(client: Client, halls: None,
                                                      clock: dict[str, datetime],
                                                      leg: Leg) -> None:
    if not leg.is_pg:
        pytest.skip("several processes on one database need PostgreSQL")
    from api.providers.identity import Person
    from api.services.session import citizens

    slot = await first_slot(client)
    await Slot.filter(id=slot["id"]).update(capacity=5)
    ids = [str((await citizens.ensure_citizen(client.state, Person(
        build("440606", date(1970, 1, 1), 200 + i), f"进程{i}", "", None))).id)
        for i in range(48)]
    assert leg.pg_dsn is not None
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-c", WORKER, leg.pg_dsn, slot["id"], T0.isoformat(),
        ",".join(ids[k::3]), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for k in range(3)]
    outs = [await p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1].decode()[-2000:] for o in outs]
    results = [r for out, _ in outs for r in json.loads(out.decode().strip().splitlines()[-1])]
    assert len(results) == 48
    assert results.count("ok") == 5
    row = await Slot.get(id=slot["id"])
    assert row.booked == 5 == await Booking.filter(slot_id=row.id, status="BOOKED").count()


CHECK_IN_BY_CODE = """mutation ($c: String!) { checkInByCode(code: $c) { __typename
  ... on CheckedIn { ticket { id code } } ... on UserError { code } } }"""


async def test_check_in_by_qr_code_at_the_kiosk(client: Client, halls: None,
                                                clock: dict[str, datetime]) -> None:
    me, other = await citizen(client, 1), await citizen(client, 2)
    slot = await first_slot(client)
    booked = (await client.gql(BOOK, {"input": {"slotId": slot["id"], "serviceItem": "TRANSFER"}},
                               token=me))["data"]["bookAppointment"]["appointment"]["id"]
    mine = (await client.gql("query { myAppointments { id checkInCode checkInQr } }",
                             token=me))["data"]
    code = mine["myAppointments"][0]["checkInCode"]
    assert code
    qr = mine["myAppointments"][0]["checkInQr"]
    assert qr.startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(qr.split(",", 1)[1])
    # ~40 ms of CPU each: one QR per request, however many aliases ask.
    two = await client.gql("query { myAppointments { a: checkInQr b: checkInQr } }", token=me)
    assert two["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(two["errors"]) == 1
    # Short, in QR's alphanumeric set: a version-3 code a scanner reads off a phone.
    assert re.fullmatch(r"FSCK1[A-Z2-7]{48}", code), code  # 53 characters
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    symbol.add_data(code)
    symbol.make(fit=True)
    assert symbol.version <= 3
    # A forged or altered code, or a code of another kind, answers as missing.
    raw = base64.b32decode(code[5:])
    flipped = [raw[:i] + bytes([raw[i] ^ 1]) + raw[i + 1:] for i in (0, 15, 16, 19, 20, 29)]
    altered = ["FSCK1" + base64.b32encode(r).decode() for r in flipped]  # id, expiry, tag
    theirs = (await client.gql(BOOK, {"input": {"slotId": slot["id"], "serviceItem":
                                                "TRANSFER"}}, token=other))["data"]
    assert theirs["bookAppointment"]["__typename"] == "BookingConfirmed", theirs
    # Their booking id under my code's tag: the MAC covers the id.
    their_id = uuid.UUID(theirs["bookAppointment"]["appointment"]["id"]).bytes
    spliced = "FSCK1" + base64.b32encode(their_id + raw[16:]).decode()
    access = await token_for(client, "测试", build("440604", date(1990, 1, 1), 99), level="L1")
    # Letters that str.upper() maps onto ASCII (ſ -> S, ı -> I) are not the code.
    lookalike = code[:5] + code[5:].lower().replace("s", "ſ").replace("i", "ı")
    padded = code[:-8] + "A" * 3 + "=" * 5
    for bad in ("", "x" * 40, "FSCK1" + "A" * 48, code[:-1], code + "A", spliced, access,
                padded, "FSCK1" + "A" * 1_000, *altered,
                *([lookalike] if lookalike.lower() != code.lower() else [])):
        body = await client.gql(CHECK_IN_BY_CODE, {"c": bad})
        assert body["data"]["checkInByCode"] == {"__typename": "AppointmentNotFound",
                                                 "code": "APPOINTMENT_NOT_FOUND"}, bad
    # Past the schema's bound for the argument, the input is refused before any lookup.
    long = await client.gql(CHECK_IN_BY_CODE, {"c": "FSCK1" + "A" * 10_000})
    assert long["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # Too early: the window says when.
    early = (await client.gql(CHECK_IN_BY_CODE, {"c": code}))["data"]["checkInByCode"]
    assert early["__typename"] == "CheckInWindowClosed"
    # At the kiosk on the day, without anyone logged in: a ticket; a second scan, the same.
    clock["at"] = datetime(2026, 5, 7, 8, 45, tzinfo=cal.SHANGHAI)
    first = (await client.gql(CHECK_IN_BY_CODE, {"c": code}))["data"]["checkInByCode"]
    assert first["__typename"] == "CheckedIn"
    again = (await client.gql(CHECK_IN_BY_CODE, {"c": code}, token=other))["data"]
    assert again["checkInByCode"]["ticket"] == first["ticket"]
    ticket = (await client.gql(MY_TICKET, token=me))["data"]["myQueueTicket"]
    assert ticket["ticket"]["code"] == first["ticket"]["code"]
    # The trail names the code, not a citizen: nobody logged in to scan it.
    [event] = await AuditEvent.filter(action="appointment.checked_in")
    assert event.actor.startswith("checkin-code:")
    # A check-in code is not a bearer token: sent as one, the caller is anonymous.
    me_as_code = await client.gql("query { me { maskedName } }", token=code)
    assert me_as_code["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # A scanner that types lower case (or adds a newline) is read the same.
    assert (await client.gql(CHECK_IN_BY_CODE, {"c": code.lower() + "\n"}))["data"][
        "checkInByCode"]["ticket"] == first["ticket"]
    # A code is good until its check-in window closes, not after.
    their_code = (await client.gql("query { myAppointments { checkInCode } }", token=other))[
        "data"]["myAppointments"][0]["checkInCode"]
    clock["at"] = datetime(2026, 5, 7, 23, 0, tzinfo=cal.SHANGHAI)
    late = (await client.gql(CHECK_IN_BY_CODE, {"c": their_code}))["data"]["checkInByCode"]
    assert late["__typename"] == "AppointmentNotFound"
    # Once checked in, the appointment shows no code any more.
    after = (await client.gql("query { myAppointments { id status checkInCode } }", token=me))
    assert after["data"]["myAppointments"] == [{"id": booked, "status": "CHECKED_IN",
                                                "checkInCode": None}]
