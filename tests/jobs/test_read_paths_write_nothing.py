"""No job runs on a read path (issue 14, item 5): reading my appointments, my
notifications or verifying a certificate writes nothing; what the jobs will record
is shown at once where clients rely on it (a missed booking reads as a no-show, a
register change supersedes a certificate), and the jobs then record it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from api.models import AuditEvent, Booking, Certificate, Cursor, Notification
from api.services.appointments import calendar as cal
from api.services.appointments.halls import seed_halls
from mock_providers.datagen.demo import CHEN_ZHIQIANG
from tests.conftest import Client
from tests.resolvers.helpers import run_job, seed_demo, token_for

T0 = datetime(2026, 5, 6, 10, 0, tzinfo=cal.SHANGHAI)
SLOTS = """query { availableSlots(hallId: "FS-CENTRE", serviceItem: TRANSFER, from: "2026-05-07",
  to: "2026-05-07") { id startsAt } }"""
BOOK = """mutation ($slot: ID!) { bookAppointment(input: {slotId: $slot, serviceItem: TRANSFER}) {
  __typename ... on BookingConfirmed { appointment { id } } } }"""
MINE = "query { myAppointments { id status checkInCode } }"
NOTES = "query { myNotifications(first: 10) { unreadCount edges { node { kind } } } }"
PROPS = "query { myProperties(first: 1) { edges { node { unitNo } } } }"
ISSUE = """mutation { issueCertificate(input: {kind: HOLDINGS, purpose: TAX}) {
  ... on CertificateIssued { certificate { id number verificationCode } } } }"""
VERIFY = """query ($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) {
  status } }"""


async def test_a_missed_booking_reads_as_a_no_show_and_the_job_records_it(
        client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    now = {"at": T0}
    monkeypatch.setattr(cal, "now", lambda: now["at"].astimezone(cal.UTC))
    await seed_halls()
    token = await token_for(client, "预约甲", "440605198001011015", level="L1")
    slot = (await client.gql(SLOTS))["data"]["availableSlots"][0]
    booked = await client.gql(BOOK, {"slot": slot["id"]}, token=token)
    assert booked["data"]["bookAppointment"]["__typename"] == "BookingConfirmed"
    now["at"] = datetime.fromisoformat(slot["startsAt"]) + timedelta(hours=1)

    [shown] = (await client.gql(MINE, token=token))["data"]["myAppointments"]
    assert (shown["status"], shown["checkInCode"]) == ("NO_SHOW", None)
    assert (await Booking.get(id=shown["id"])).status == "BOOKED"  # nothing written
    assert not await AuditEvent.filter(action="appointment.no_show").exists()

    assert await run_job(client, "no-shows") == 1
    assert (await Booking.get(id=shown["id"])).status == "NO_SHOW"
    [again] = (await client.gql(MINE, token=token))["data"]["myAppointments"]
    assert again["status"] == "NO_SHOW"


async def test_reading_notifications_writes_nothing_until_the_job_runs(client: Client) -> None:
    await seed_demo(client)
    chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
    unit = (await client.gql(PROPS, token=chen))["data"]["myProperties"]["edges"][0]["node"][
        "unitNo"]
    await client.state.providers.registry.record_event(unit, "SEIZURE", {"party": "法院"})
    before = await Cursor.get_or_none(name="register_events")

    body = await client.gql(NOTES, token=chen)
    assert body["data"]["myNotifications"]["unreadCount"] == 0
    assert not await Notification.filter(kind="SEIZURE").exists()
    assert await Cursor.get_or_none(name="register_events") == before

    assert await run_job(client) >= 1
    notes = (await client.gql(NOTES, token=chen))["data"]["myNotifications"]
    assert [n["node"]["kind"] for n in notes["edges"]].count("SEIZURE") == 1


async def test_verification_shows_a_register_change_before_the_job_records_it(
        client: Client) -> None:
    await seed_demo(client)
    chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
    cert = (await client.gql(ISSUE, token=chen))["data"]["issueCertificate"]["certificate"]
    args = {"n": cert["number"], "c": cert["verificationCode"]}
    assert (await client.gql(VERIFY, args))["data"]["verifyCertificate"]["status"] == "VALID"
    unit = (await client.gql(PROPS, token=chen))["data"]["myProperties"]["edges"][0]["node"][
        "unitNo"]
    await client.state.providers.registry.record_event(unit, "MORTGAGE", {"party": "某银行"})

    assert (await client.gql(VERIFY, args))["data"]["verifyCertificate"][
        "status"] == "SUPERSEDED"
    assert (await Certificate.get(id=cert["id"])).superseded_at is None  # nothing written

    await run_job(client)
    assert (await Certificate.get(id=cert["id"])).superseded_at is not None
    assert (await client.gql(VERIFY, args))["data"]["verifyCertificate"][
        "status"] == "SUPERSEDED"
