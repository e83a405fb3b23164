"""Issue 12 item 16 through GraphQL: a work order whose deadlines were counted
over days past the holiday calendar's coverage says so, to staff and to the
citizen, until an operator loads the year (then the deadlines are recounted)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest

from api.providers.identity import Person
from api.services.appointments import calendar as cal
from api.services.appointments import calendar_admin
from api.services.appointments.halls import seed_halls
from api.services.session import citizens
from auth import tokens
from tests.conftest import Client
from tests.resolvers.helpers import token_for
from tests.resolvers.ratings.helpers import local, served

SERVED = date(2026, 12, 29)  # a Tuesday: five working days reach into 2027
RATE = """mutation ($input: RateServiceInput!) { rateService(input: $input) { __typename
  ... on RatingRecorded { rating { id } } ... on UserError { code } } }"""
ORDERS = """query { workOrders { callbackDueAt rectifyDueAt deadlinesProvisional } }"""
MINE = """query { myRatings { workOrder { rectifyDueAt deadlinesProvisional } } }"""


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    now = {"at": local(SERVED, "09:30")}
    monkeypatch.setattr(cal, "now", lambda: now["at"].astimezone(cal.UTC))
    return now


async def test_deadlines_past_coverage_are_shown_provisional(
        client: Client, clock: dict[str, datetime]) -> None:
    await seed_halls()
    person = Person("440605199005171018", "梁嘉欣", "", None)
    who = str((await citizens.ensure_citizen(client.state, person)).id)
    token = await token_for(client, person.name, person.id_number, level="L1")
    booking = await served(client.state, who, day=SERVED)
    rated = await client.gql(RATE, {"input": {
        "serviceRef": f"appointment:{booking.id}", "level": "DISSATISFIED",
        "channel": "FOSHANTONG", "comment": "等了一个小时"}}, token=token)
    assert rated["data"]["rateService"]["__typename"] == "RatingRecorded"
    staff = tokens.issue_access(client.state.keyring, citizen_id="FS-CENTRE:李主任",
                                session_id=uuid.uuid4().hex, role="staff", acr="L2",
                                channel="WINDOW", ttl_seconds=300)
    [order] = (await client.gql(ORDERS, token=staff))["data"]["workOrders"]
    # Call back by 12-30 (certain); rectify over 12-30, 12-31, 01-04, 01-05, 01-06 (estimated).
    assert order == {"callbackDueAt": local(date(2026, 12, 31), "00:00").isoformat(),
                     "rectifyDueAt": local(date(2027, 1, 7), "00:00").isoformat(),
                     "deadlinesProvisional": True}
    [mine] = (await client.gql(MINE, token=token))["data"]["myRatings"]
    assert mine["workOrder"]["deadlinesProvisional"] is True

    await calendar_admin.set_day(client.state, date(2027, 1, 4), "HOLIDAY", "元旦",
                                 actor="operator:t")
    await calendar_admin.confirm_year(client.state, 2027, "国办发明电〔2026〕号", actor="operator:t")
    [order] = (await client.gql(ORDERS, token=staff))["data"]["workOrders"]
    assert order["rectifyDueAt"] == local(date(2027, 1, 8), "00:00").isoformat()
    assert order["deadlinesProvisional"] is False
