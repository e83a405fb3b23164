"""Issue 4: my properties, their encumbrances and flags, object-level authorisation."""

from __future__ import annotations

import logging

import pytest

from mock_providers.datagen.demo import (
    CHEN_ZHIQIANG,
    HE_SHIQI,
    HUANG_GUOLIANG,
    LI_HUIMIN,
    LIANG_JUNJIE,
)
from mock_providers.seed import add_citizen
from tests.conftest import Client
from tests.resolvers.helpers import seed_demo, token_for

MY_PROPERTIES = """
query ($first: Int!, $after: String, $filter: PropertyFilter) {
  myProperties(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id unitNo titleNo district { code name } address use rightType buildingArea interiorArea
      landRightType landUseEnd coOwnership sharePercent registeredAt
      coHolders { maskedName maskedIdNumber sharePercent isSelf }
      mortgages { proofNo mortgagee amount startsOn endsOn status }
      seizures { court documentNo startsOn endsOn status }
      preRegistrations { proofNo status } objections { proofNo }
      isMortgaged isSeized isTransferable
    } }
  }
}"""
PROPERTY = "query ($id: ID!) { property(id: $id) { id address isSeized } }"


@pytest.fixture
async def demo(client: Client) -> None:
    await seed_demo(client)


async def _mine(client: Client, token: str, **variables: object) -> dict:
    body = await client.gql(MY_PROPERTIES, {"first": 20, **variables}, token=token)
    assert "errors" not in body, body
    return body["data"]["myProperties"]


class TestMyProperties:
    async def test_joint_mortgaged_flat_and_more(self, client: Client, demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        mine = await _mine(client, token)
        assert mine["totalCount"] == 3
        nodes = [e["node"] for e in mine["edges"]]
        joint = next(n for n in nodes if n["coOwnership"] == "JOINT")
        assert joint["district"] == {"code": "440604", "name": "禅城区"}
        assert joint["address"].startswith("佛山市禅城区")
        assert len(joint["unitNo"]) == 28
        assert joint["titleNo"].startswith("粤(")
        assert {h["maskedName"] for h in joint["coHolders"]} == {"陈**", "李**"}
        assert sum(h["isSelf"] for h in joint["coHolders"]) == 1
        assert all("*" in h["maskedIdNumber"] for h in joint["coHolders"])
        assert joint["isMortgaged"]
        assert joint["mortgages"][0]["mortgagee"].endswith("分行")
        assert joint["isTransferable"]
        assert not joint["isSeized"]
        assert {n["use"] for n in nodes} >= {"住宅", "车位"}
        assert CHEN_ZHIQIANG not in str(mine)
        assert LI_HUIMIN not in str(mine)

    async def test_seized_share_is_not_transferable(self, client: Client, demo: None) -> None:
        token = await token_for(client, "黄国梁", HUANG_GUOLIANG)
        [edge] = (await _mine(client, token))["edges"]
        node = edge["node"]
        assert node["coOwnership"] == "IN_SHARES"
        assert node["sharePercent"] == "50.00"
        assert node["isSeized"]
        assert not node["isTransferable"]
        assert node["seizures"][0]["court"].endswith("法院")

    async def test_pre_registration_blocks_transfer(self, client: Client, demo: None) -> None:
        token = await token_for(client, "梁俊杰", LIANG_JUNJIE)
        nodes = [e["node"] for e in (await _mine(client, token))["edges"]]
        assert any(n["preRegistrations"] and not n["isTransferable"] for n in nodes)

    async def test_no_holdings(self, client: Client, demo: None) -> None:
        token = await token_for(client, "何诗琪", HE_SHIQI)
        mine = await _mine(client, token)
        assert mine == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None},
                        "edges": []}

    async def test_filters(self, client: Client, demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        assert (await _mine(client, token, filter={"use": "车位"}))["totalCount"] == 1
        assert (await _mine(client, token, filter={"district": "440605"}))["totalCount"] == 1
        assert (await _mine(client, token, filter={"encumbered": True}))["totalCount"] == 1
        assert (await _mine(client, token, filter={"encumbered": False}))["totalCount"] == 2

    async def test_pages(self, client: Client, vault: object) -> None:
        await add_citizen(client.state.vault, name="张伟", id_number="44060419900101123X",
                          phone=None, photo=None, properties=7)
        token = await token_for(client, "张伟", "44060419900101123X")
        seen, after = [], None
        while True:
            page = await _mine(client, token, first=3, after=after)
            seen += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) == 7

    async def test_first_above_maximum_refused_before_any_query(
            self, client: Client, demo: None, caplog: pytest.LogCaptureFixture) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            caplog.clear()
            body = await client.gql(MY_PROPERTIES, {"first": 101}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert not [r for r in caplog.records if "mock_reg" in r.getMessage()]

    async def test_bad_cursor(self, client: Client, demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        body = await client.gql(MY_PROPERTIES, {"first": 2, "after": "!!nope"}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


class TestAuthorisation:
    async def test_sms_level_is_not_enough(self, client: Client, demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG, level="L1")
        body = await client.gql(MY_PROPERTIES, {"first": 5}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "INSUFFICIENT_ASSURANCE"

    async def test_anonymous(self, client: Client) -> None:
        body = await client.gql(MY_PROPERTIES, {"first": 5})
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_another_holders_id_answers_like_missing(self, client: Client,
                                                           demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        huang = await token_for(client, "黄国梁", HUANG_GUOLIANG)
        theirs = (await _mine(client, huang))["edges"][0]["node"]["id"]
        mine = (await _mine(client, chen))["edges"][0]["node"]["id"]
        foreign = await client.gql(PROPERTY, {"id": theirs}, token=chen)
        missing = await client.gql(PROPERTY, {"id": "00000000-0000-0000-0000-000000000000"},
                                   token=chen)
        assert foreign["data"] == missing["data"] == {"property": None}
        own = await client.gql(PROPERTY, {"id": mine}, token=chen)
        assert own["data"]["property"]["id"] == mine

    async def test_co_holder_sees_the_joint_flat(self, client: Client, demo: None) -> None:
        li = await token_for(client, "李慧敏", LI_HUIMIN)
        [edge] = (await _mine(client, li))["edges"]
        assert edge["node"]["coOwnership"] == "JOINT"


class TestQueryCount:
    async def _count(self, client: Client, token: str, caplog: pytest.LogCaptureFixture) -> int:
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            caplog.clear()
            body = await client.gql(MY_PROPERTIES, {"first": 100}, token=token)
            assert "errors" not in body, body
            return len([r for r in caplog.records if r.name == "tortoise.db_client"])

    async def test_constant_statements_for_5_and_50_properties(
            self, client: Client, caplog: pytest.LogCaptureFixture) -> None:
        await add_citizen(client.state.vault, name="周小五", id_number="440604199001011010",
                          phone=None, photo=None, properties=5)
        await add_citizen(client.state.vault, name="吴五十", id_number="440604199001011037",
                          phone=None, photo=None, properties=50)
        few = await token_for(client, "周小五", "440604199001011010")
        many = await token_for(client, "吴五十", "440604199001011037")
        await self._count(client, few, caplog)  # warm caches (audit tip, etc.)
        n_few = await self._count(client, few, caplog)
        n_many = await self._count(client, many, caplog)
        assert n_few == n_many, (n_few, n_many)
        assert n_many <= 12, n_many


class TestExecutionTimeout:
    async def test_slow_operation_stopped_others_unaffected(
            self, client: Client, demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
        import asyncio
        import time

        async def stuck(_: str) -> list:
            await asyncio.sleep(30)
            return []

        client.state.settings.execution_timeout_seconds = 0.3
        monkeypatch.setattr(client.state.providers.registry, "holdings", stuck)
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)

        async def light() -> float:
            await asyncio.sleep(0.05)
            started = time.perf_counter()
            body = await client.gql("query { districts { code } }")
            assert "errors" not in body
            return time.perf_counter() - started

        started = time.perf_counter()
        slow, light_latency = await asyncio.gather(
            client.gql(MY_PROPERTIES, {"first": 5}, token=token), light())
        assert slow["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert time.perf_counter() - started < 5
        assert light_latency < 1
