"""RELIABILITY 27: PostgreSQL or Redis stopped, slowed or black-holed mid-test
(through tests/faultproxy.py): requests fail fast with a clear code, nothing is
half-written, readiness goes red, and recovery is automatic."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from api.app import create_app
from api.models import Booking, Slot
from api.services.appointments.halls import seed_halls
from tests.conftest import Client, Leg, running
from tests.faultproxy import FaultProxy
from tests.resolvers.helpers import token_for

ME = "query { me { maskedName } }"
HALLS = "query { halls { id } }"
SLOTS = """query ($from: String!, $to: String!) { availableSlots(hallId: "FS-CENTRE",
  serviceItem: TRANSFER, from: $from, to: $to) { id remaining } }"""
BOOK = """mutation ($slot: ID!, $key: String) { bookAppointment(input: {slotId: $slot,
  serviceItem: TRANSFER, idempotencyKey: $key}) { __typename } }"""
# Seconds: a failing request must answer well inside the 10 s execution
# timeout. A database fault takes ~2 s (two 1 s statement timeouts).
FAST = 6.0


@dataclass
class Faulty:
    client: Client
    db: FaultProxy
    kv: FaultProxy

    async def gql(self, query: str, variables: dict | None = None, token: str | None = None
                  ) -> tuple[dict, float]:
        started = time.perf_counter()
        body = await self.client.gql(query, variables, token=token)
        return body, time.perf_counter() - started

    async def ready(self) -> httpx.Response:
        return await self.client.http.get("/readyz")


def _via(url: str, proxy: FaultProxy) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.replace(f"{parts.hostname}:{parts.port}",
                                                      f"127.0.0.1:{proxy.port}")).geturl()


@pytest.fixture
async def faulty(leg: Leg, settings: Any, tmp_path: Any, shared_face_pool: Any
                 ) -> AsyncIterator[Faulty]:
    if not leg.is_pg:
        pytest.skip("faults are injected between the app and PostgreSQL/Redis servers")
    db_url, kv_url = urlsplit(settings.database_url), urlsplit(str(settings.redis_url))
    async with FaultProxy(db_url.hostname or "", db_url.port or 5432) as db, \
            FaultProxy(kv_url.hostname or "", kv_url.port or 6379) as kv:
        proxied = leg.settings(tmp_path, database_url=_via(settings.database_url, db),
                               redis_url=_via(str(settings.redis_url), kv),
                               db_timeout_seconds=1.0, redis_timeout_seconds=0.5,
                               readiness_timeout_seconds=0.5)
        app = create_app(proxied, face_pool=shared_face_pool)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield Faulty(Client(app, http), db, kv)


def _code(body: dict) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize("mode", ["blackhole", "refuse", "slow"])
async def test_redis_fault_fails_fast_then_recovers(faulty: Faulty, mode: str) -> None:
    token = await token_for(faulty.client, "陈志强", "440604196603129119")
    assert (await faulty.gql(ME, token=token))[0]["data"]["me"]
    faulty.kv.set(mode, delay=2.0)
    body, took = await faulty.gql(ME, token=token)
    assert _code(body) == "SERVICE_UNAVAILABLE"  # revocation cannot be checked: fail closed
    assert took < FAST
    assert "6379" not in str(body)
    ready = await faulty.ready()
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "redis": "unavailable", "keys": "ok"}
    faulty.kv.set("pass")
    for _ in range(20):  # the client reconnects by itself
        if (await faulty.ready()).status_code == 200:
            break
    assert (await faulty.ready()).status_code == 200
    assert (await faulty.gql(ME, token=token))[0]["data"]["me"]


@pytest.mark.parametrize("mode", ["blackhole", "refuse", "slow"])
async def test_database_fault_fails_fast_then_recovers(faulty: Faulty, mode: str) -> None:
    assert (await faulty.gql(HALLS))[0]["data"]["halls"] is not None
    faulty.db.set(mode, delay=2.0)
    body, took = await faulty.gql(HALLS)
    assert _code(body) == "SERVICE_UNAVAILABLE"
    assert took < FAST
    assert "5432" not in str(body)
    assert "postgres" not in str(body).lower()
    ready = await faulty.ready()
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "unavailable"
    faulty.db.set("pass")
    for _ in range(30):  # the pool replaces its dead connections by itself
        body, _ = await faulty.gql(HALLS)
        if "errors" not in body:
            break
    assert "errors" not in body, body
    assert (await faulty.ready()).status_code == 200


async def test_database_lost_mid_booking_leaves_no_partial_write(faulty: Faulty) -> None:
    await seed_halls()
    token = await token_for(faulty.client, "陈志强", "440604196603129119", level="L1")
    from datetime import timedelta

    from api.services.appointments import calendar as cal

    today = cal.local_day(cal.utc(None))
    slots = (await faulty.gql(SLOTS, {"from": str(today + timedelta(days=1)),
                                      "to": str(today + timedelta(days=7))}))[0]
    slot = next(s for s in slots["data"]["availableSlots"] if s["remaining"] > 0)
    faulty.db.set("blackhole")
    body, took = await faulty.gql(BOOK, {"slot": slot["id"], "key": "tap-1"}, token=token)
    assert _code(body) == "SERVICE_UNAVAILABLE"
    assert took < FAST
    faulty.db.set("pass")
    # Nothing half-written: no booking and no place taken.
    row = await Slot.get(id=slot["id"])
    assert await Booking.filter(slot_id=slot["id"]).count() == row.booked
    # Retrying the same tap books exactly once.
    for _ in range(30):
        body, _ = await faulty.gql(BOOK, {"slot": slot["id"], "key": "tap-1"}, token=token)
        if "errors" not in body:
            break
    assert body["data"]["bookAppointment"]["__typename"] == "BookingConfirmed"
    again, _ = await faulty.gql(BOOK, {"slot": slot["id"], "key": "tap-1"}, token=token)
    assert again["data"]["bookAppointment"]["__typename"] == "BookingConfirmed"
    assert await Booking.filter(slot_id=slot["id"], status="BOOKED").count() == 1
    assert (await Slot.get(id=slot["id"])).booked == 1
