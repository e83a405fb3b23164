"""Issue 12, items 6, 7 and 15 against the real server: two worker processes on
PostgreSQL + Redis behind a (simulated) trusted proxy. Budgets and locks are
shared by the workers; the forwarded client address is what counts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from mock_providers.models import OutboxMessage
from tests.conftest import Client, Leg
from tests.resolvers.session.helpers import COMPLETE_SMS, START_SMS, person, register
from tests.serverproc import clean_env, serve

pytestmark = pytest.mark.pg


@contextmanager
def _server(client: Client) -> Iterator[str]:
    s = client.state.settings
    env = {**clean_env(), "APP_ENV": "test", "DATABASE_URL": s.database_url,
           "REDIS_URL": str(s.redis_url), "FSREG_KEYS_DIR": str(s.keys_dir),
           "FSREG_VAR_DIR": str(s.var_dir), "FSREG_REGISTER_SYNC_SECONDS": "0",
           "FSREG_REDIS_TIMEOUT_SECONDS": "5", "FSREG_DB_TIMEOUT_SECONDS": "10",
           "FSREG_TRUSTED_PROXIES": "127.0.0.1", "FSREG_IP_LOGIN_ATTEMPTS": "12",
           "FSREG_LOGIN_START_MIN_SECONDS": "0"}
    with serve(env, workers=2) as server:
        yield server.url


async def _gql(http: httpx.AsyncClient, query: str, variables: dict, client_ip: str) -> dict:
    resp = await http.post("/graphql", json={"query": query, "variables": variables},
                           headers={"x-forwarded-for": client_ip})
    return dict(resp.json())


async def test_budgets_locks_and_addresses_across_two_workers(client: Client, leg: Leg) -> None:
    if not leg.is_pg:
        pytest.skip("PostgreSQL + Redis only")
    bombed, owner = person(seq=1), person(seq=2, name="梁嘉怡")
    await register(client, bombed)
    await register(client, owner)
    with _server(client) as url:
        # A fresh connection per request: the two workers share the load.
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
            # Item 7: six codes asked for at once, from six addresses: one SMS.
            inp = {"input": {"name": bombed.name, "idNumber": bombed.id_number,
                             "channel": "FOSHANTONG"}}
            bodies = await asyncio.gather(*[_gql(http, START_SMS, inp, f"198.51.100.{i}")
                                            for i in range(6)])
            kinds = sorted(b["data"]["startSmsLogin"]["__typename"] for b in bodies)
            assert kinds == ["SmsChallenge"] + ["TooManyAttempts"] * 5, bodies
            # Item 6: wrong names from one address lock that address's pair only.
            attacker = "203.0.113.66"
            seen: list[str] = []
            for i in range(3):
                start = await _gql(http, START_SMS, {"input": {
                    "name": f"冒用者{i}", "idNumber": owner.id_number, "channel": "KIOSK"}},
                    attacker)
                ch = start["data"]["startSmsLogin"]
                if ch["__typename"] != "SmsChallenge":
                    seen.append(ch["__typename"])
                    break
                for _ in range(3):
                    done = await _gql(http, COMPLETE_SMS, {"input": {
                        "challengeId": ch["challengeId"], "code": "99999x"}}, attacker)
                    seen.append(done["data"]["completeSmsLogin"]["__typename"])
            assert "AccountLocked" in seen, seen
            home = await _gql(http, START_SMS, {"input": {
                "name": owner.name, "idNumber": owner.id_number, "channel": "FOSHANTONG"}},
                "198.51.100.77")
            assert home["data"]["startSmsLogin"]["__typename"] == "SmsChallenge", home
            # Item 15: the per-address throttle counts the forwarded client, not the proxy.
            throttled = []
            for i in range(13):
                p = person(seq=100 + i)
                body = await _gql(http, START_SMS, {"input": {
                    "name": p.name, "idNumber": p.id_number, "channel": "KIOSK"}},
                    "192.0.2.50")
                throttled.append(body["data"]["startSmsLogin"]["__typename"])
            assert throttled[-1] == "TooManyAttempts"
            other = await _gql(http, START_SMS, {"input": {
                "name": "某人", "idNumber": person(seq=200).id_number, "channel": "KIOSK"}},
                "192.0.2.51")
            assert other["data"]["startSmsLogin"]["__typename"] == "SmsChallenge"
    assert await OutboxMessage.filter(channel="SMS", template="LOGIN_CODE").count() == 2
