"""Issue 7 through GraphQL: rating a served appointment once, work orders, appeals and
statistics with the rater shown to staff only as a masked number (RELIABILITY 35)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime

import pytest

from api.providers.identity import Person
from api.services.appointments import calendar as cal
from api.services.appointments.halls import seed_halls
from api.services.session import citizens
from auth import tokens
from tests.conftest import Client
from tests.resolvers.helpers import token_for
from tests.resolvers.ratings.helpers import SERVED_DAY, FakeIdentity, local, served

PENDING = "query { pendingRatings { serviceRef kind hallId completedAt } }"
RATE = """mutation ($input: RateServiceInput!) { rateService(input: $input) { __typename
  ... on RatingRecorded { rating { id level tags channel isDefault } }
  ... on AlreadyRated { ratingId } ... on UserError { code message } } }"""
MINE = """query { myRatings { serviceRef level comment
  workOrder { status response callbackDueAt rectifyDueAt } } }"""
ORDERS = """query { workOrders { id status overdue callbackDueAt
  rating { id level comment callbackNumber window } } }"""
UPDATE = """mutation ($input: UpdateWorkOrderInput!) { updateWorkOrder(input: $input) {
  __typename ... on WorkOrderUpdated { workOrder { status response } }
  ... on UserError { code } } }"""
APPEAL = """mutation ($id: ID!) { appealRating(ratingId: $id, reason: "与录像不符") {
  __typename ... on AppealFiled { appeal { id status } } ... on UserError { code } } }"""
REVIEW = """mutation ($id: ID!) { reviewAppeal(appealId: $id, accept: true, note: "误评") {
  __typename ... on AppealReviewed { appeal { status } } } }"""
STATS = """query ($f: RatingStatisticsFilter) { ratingStatistics(filter: $f) { groupBy
  rows { key ratings satisfactionRate negativeRate workOrders onTimeRectificationRate }
  hallDetail { level callbackNumber excludedByAppeal } } }"""


def staff_token(client: Client, hall: str = "FS-CENTRE") -> str:
    return tokens.issue_access(client.state.keyring, citizen_id=f"{hall}:李主任",
                               session_id=uuid.uuid4().hex, role="staff", acr="L2",
                               channel="WINDOW", ttl_seconds=300)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    now = {"at": local(SERVED_DAY, "09:30")}
    monkeypatch.setattr(cal, "now", lambda: now["at"].astimezone(cal.UTC))
    return now


async def _citizen(client: Client, name: str, id_number: str) -> tuple[str, str]:
    c = await citizens.ensure_citizen(client.state, Person(id_number, name, "", None))
    return str(c.id), await token_for(client, name, id_number, level="L1")


@pytest.fixture
async def served_one(client: Client, clock: dict[str, datetime]) -> tuple[str, str]:
    """(citizen token, service ref) of an appointment served at 09:10 on 2026-09-30."""
    await seed_halls()
    who, token = await _citizen(client, "梁嘉欣", "440605199005171018")
    booking = await served(client.state, who)
    return token, f"appointment:{booking.id}"


def _input(ref: str, level: str = "SATISFIED", **kw: object) -> dict[str, object]:
    return {"input": {"serviceRef": ref, "level": level, "channel": "FOSHANTONG", **kw}}


async def test_rate_once_and_only_by_the_recipient(client: Client,
                                                   served_one: tuple[str, str]) -> None:
    token, ref = served_one
    pending = (await client.gql(PENDING, token=token))["data"]["pendingRatings"]
    assert [(p["serviceRef"], p["kind"], p["hallId"]) for p in pending] == [
        (ref, "APPOINTMENT", "FS-CENTRE")]
    # The appointment names the same reference: "rate this service" needs no guessing.
    booked = await client.gql("query { myAppointments { serviceRef } }", token=token)
    assert booked["data"]["myAppointments"] == [{"serviceRef": ref}]
    staff = await client.gql(RATE, _input(ref), token=staff_token(client))
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    _, other = await _citizen(client, "何诗琪", "440604199208080046")
    foreign = await client.gql(RATE, _input(ref), token=other)
    missing = await client.gql(RATE, _input("appointment:" + str(uuid.uuid4())), token=other)
    assert foreign["data"] == missing["data"]
    assert foreign["data"]["rateService"]["__typename"] == "NotYourService"
    first = (await client.gql(RATE, _input(ref, tags=["态度热情"]), token=token))["data"][
        "rateService"]
    assert first["__typename"] == "RatingRecorded"
    assert first["rating"]["tags"] == ["态度热情"]
    again = (await client.gql(RATE, _input(ref, "VERY_SATISFIED"), token=token))["data"][
        "rateService"]
    assert again == {"__typename": "AlreadyRated", "ratingId": first["rating"]["id"],
                     "code": "ALREADY_RATED", "message": again["message"]}
    assert (await client.gql(PENDING, token=token))["data"]["pendingRatings"] == []
    mine = (await client.gql(MINE, token=token))["data"]["myRatings"]
    assert [(m["serviceRef"], m["level"], m["workOrder"]) for m in mine] == [
        (ref, "SATISFIED", None)]


async def test_concurrent_double_tap_records_one(client: Client,
                                                 served_one: tuple[str, str]) -> None:
    token, ref = served_one
    answers = await asyncio.gather(*(client.gql(RATE, _input(ref, lvl), token=token)
                                     for lvl in ("SATISFIED", "VERY_SATISFIED")))
    kinds = sorted(a["data"]["rateService"]["__typename"] for a in answers)
    assert kinds == ["AlreadyRated", "RatingRecorded"]


async def test_comment_required_for_negative(client: Client,
                                             served_one: tuple[str, str]) -> None:
    token, ref = served_one
    body = await client.gql(RATE, _input(ref, "VERY_DISSATISFIED"), token=token)
    assert body["data"]["rateService"]["__typename"] == "CommentRequired"


async def test_work_order_appeal_and_statistics(client: Client, served_one: tuple[str, str],
                                                clock: dict[str, datetime],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client.state.providers, "identity", FakeIdentity())
    token, ref = served_one
    rated = await client.gql(RATE, _input(ref, "DISSATISFIED", tags=["等待时间长"],
                                          comment="等了一个小时"), token=token)
    rating_id = rated["data"]["rateService"]["rating"]["id"]
    staff = staff_token(client)
    [order] = (await client.gql(ORDERS, token=staff))["data"]["workOrders"]
    assert order["rating"]["callbackNumber"] == "138****5678"
    assert order["callbackDueAt"] == local(date(2026, 10, 9), "00:00").isoformat()
    assert (await client.gql(ORDERS, token=staff_token(client, "FS-440605")))["data"][
        "workOrders"] == []
    clock["at"] = local(date(2026, 10, 9), "10:00")  # after 国庆: the call-back is late
    assert (await client.gql(ORDERS, token=staff))["data"]["workOrders"][0]["overdue"] is True
    done = await client.gql(UPDATE, {"input": {"workOrderId": order["id"],
                                               "status": "CALLED_BACK",
                                               "note": "已致电致歉，增开窗口"}}, token=staff)
    assert done["data"]["updateWorkOrder"]["workOrder"]["status"] == "CALLED_BACK"
    progress = (await client.gql(MINE, token=token))["data"]["myRatings"][0]["workOrder"]
    assert progress["response"] == "已致电致歉，增开窗口"

    public = (await client.gql(STATS, {"f": {"groupBy": "HALL"}}))["data"]["ratingStatistics"]
    assert public["hallDetail"] is None
    assert public["rows"][0]["negativeRate"] == 1.0
    assert "138" not in str(public)
    detail = (await client.gql(STATS, token=staff))["data"]["ratingStatistics"]["hallDetail"]
    assert detail == [{"level": "DISSATISFIED", "callbackNumber": "138****5678",
                       "excludedByAppeal": False}]

    appeal = (await client.gql(APPEAL, {"id": rating_id}, token=staff))["data"]["appealRating"]
    assert appeal["appeal"]["status"] == "PENDING"
    peer = await client.gql(REVIEW, {"id": appeal["appeal"]["id"]},
                            token=staff_token(client, "FS-440605"))
    assert peer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    reviewed = await client.gql(REVIEW, {"id": appeal["appeal"]["id"]},
                                token=staff_token(client, "REVIEW"))
    assert reviewed["data"]["reviewAppeal"]["appeal"]["status"] == "ACCEPTED"
    after = (await client.gql(STATS, token=staff))["data"]["ratingStatistics"]
    assert after["rows"] == []
    assert after["hallDetail"][0]["excludedByAppeal"] is True


async def test_statistics_filter_too_long_is_bad_input(client: Client) -> None:
    """Found by the schema fuzzer: a filter value longer than its column was an
    internal error; it is a typed BAD_USER_INPUT now."""
    for name in ("hallId", "serviceItem", "channel"):
        body = await client.gql(STATS, {"f": {name: "阣f䞃q s®괅v痄禎" * 3}})
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert error["extensions"]["field"] == name
