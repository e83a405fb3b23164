"""Issue 4: register events become notifications (and SMS); who looked at my data."""

from __future__ import annotations

import asyncio

import pytest

from api.models import AuditEvent, Notification
from api.services.privacy import access_log, notifications
from mock_providers.datagen.demo import CHEN_ZHIQIANG, HE_SHIQI, LI_HUIMIN
from mock_providers.models import OutboxMessage
from tests.conftest import Client
from tests.resolvers.helpers import run_job, seed_demo, token_for

NOTES = """query ($unread: Boolean!) { myNotifications(first: 50, unreadOnly: $unread) {
  edges { node { id kind severity title body unitNo read } } } }"""
ACCESS = """query { myDataAccessLog(first: 50) { edges { node {
  accessorKind accessorName channel purpose scope } } } }"""
MINE = "query { myProperties(first: 10) { edges { node { unitNo isMortgaged isSeized isTransferable } } } }"
NOTES_AT = "query { myNotifications(first: 5) { edges { node { kind at } } } }"
MARKED = "{ __typename ... on NotificationsMarkedRead { marked } }"
MARK = "mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) " + MARKED + " }"


@pytest.fixture
async def demo(client: Client) -> None:
    await seed_demo(client)


async def _units(client: Client, token: str) -> dict[str, dict]:
    body = await client.gql(MINE, token=token)
    return {e["node"]["unitNo"]: e["node"] for e in body["data"]["myProperties"]["edges"]}


class TestRegisterEvents:
    async def test_seizure_notifies_every_holder_and_changes_flags(
            self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        li = await token_for(client, "李慧敏", LI_HUIMIN)
        units = await _units(client, chen)
        joint = next(u for u, n in units.items() if n["isMortgaged"])
        assert units[joint]["isTransferable"]
        await client.state.providers.registry.record_event(joint, "SEIZURE", {
            "party": "佛山市禅城区人民法院", "document_no": "(2026)粤0604执999号",
            "ends_on": "2029-11-24"})
        await run_job(client)
        for token in (chen, li):
            notes = (await client.gql(NOTES, {"unread": True}, token=token))["data"][
                "myNotifications"]["edges"]
            seizure = [n["node"] for n in notes if n["node"]["kind"] == "SEIZURE"]
            assert len(seizure) == 1
            assert seizure[0]["severity"] == "SERIOUS"
            assert "查封" in seizure[0]["body"]
            assert seizure[0]["unitNo"] == joint
        after = await _units(client, chen)
        assert after[joint]["isSeized"]
        assert not after[joint]["isTransferable"]

    async def test_sync_is_idempotent_and_texts_once(self, client: Client, demo: None) -> None:
        await token_for(client, "陈志强", CHEN_ZHIQIANG)  # a platform user: gets an SMS
        units = await _units(client, await token_for(client, "陈志强", CHEN_ZHIQIANG))
        unit = next(iter(units))
        await client.state.providers.registry.record_event(unit, "MORTGAGE", {
            "party": "招商银行股份有限公司佛山分行", "amount": 800000, "ends_on": "2046-01-01"})
        results = await asyncio.gather(*[notifications.sync_register_events(client.state)
                                         for _ in range(3)])
        assert sum(results) >= 1
        await notifications.sync_register_events(client.state)
        assert await Notification.filter(kind="MORTGAGE").count() == 1
        sms = await OutboxMessage.filter(channel="SMS", template="REGISTER_EVENT").count()
        assert sms == 1

    async def test_mark_read(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        unit = next(iter(await _units(client, chen)))
        await client.state.providers.registry.record_event(unit, "OBJECTION", {"party": "某人"})
        await run_job(client)
        notes = (await client.gql(NOTES, {"unread": True}, token=chen))["data"][
            "myNotifications"]["edges"]
        ids = [n["node"]["id"] for n in notes]
        other = await token_for(client, "何诗琪", HE_SHIQI)
        assert (await client.gql(MARK, {"ids": ids}, token=other))["data"][
            "markNotificationsRead"]["marked"] == 0
        assert (await client.gql(MARK, {"ids": ids}, token=chen))["data"][
            "markNotificationsRead"]["marked"] == len(ids)
        left = (await client.gql(NOTES, {"unread": True}, token=chen))["data"]["myNotifications"]
        assert left["edges"] == []

    async def test_unread_count_and_mark_all(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        other = await token_for(client, "何诗琪", HE_SHIQI)
        units = list(await _units(client, chen))
        for unit in units[:2]:
            for kind in ("OBJECTION", "PRE_REGISTRATION"):
                await client.state.providers.registry.record_event(unit, kind, {"party": "某人"})
        await run_job(client)
        count = "query { myNotifications(first: 1) { unreadCount edges { node { id } } } }"
        mark_all = "mutation { markAllNotificationsRead " + MARKED + " }"
        first = (await client.gql(count, token=chen))["data"]["myNotifications"]
        # Counted across pages, not only the page asked for.
        assert len(first["edges"]) == 1
        total = first["unreadCount"]
        assert total == 4  # two events on each of two units; co-holders get their own
        # Another citizen's "mark all" touches none of his.
        assert (await client.gql(mark_all, token=other))["data"]["markAllNotificationsRead"][
            "marked"] == 0
        assert (await client.gql(count, token=chen))["data"]["myNotifications"][
            "unreadCount"] == total
        others_unread = await Notification.filter(read_at=None).count() - total
        assert (await client.gql(mark_all, token=chen))["data"][
            "markAllNotificationsRead"]["marked"] == total
        assert await Notification.filter(read_at=None).count() == others_unread
        assert (await client.gql(count, token=chen))["data"]["myNotifications"][
            "unreadCount"] == 0
        # A second press (or a retried request) marks nothing twice.
        assert (await client.gql(mark_all, token=chen))["data"]["markAllNotificationsRead"][
            "marked"] == 0
        # upTo: what arrived after the list was shown stays unread.
        shown = (await client.gql(count, token=chen))["data"]["myNotifications"]
        await client.state.providers.registry.record_event(units[0], "SEIZURE", {
            "party": "佛山市禅城区人民法院", "document_no": "(2026)粤0604执7号",
            "ends_on": "2029-11-24"})
        await run_job(client)
        newest = (await client.gql(NOTES_AT, token=chen))["data"]["myNotifications"]["edges"]
        seizure_at = newest[0]["node"]["at"]
        assert newest[0]["node"]["kind"] == "SEIZURE"
        before = newest[1]["node"]["at"]  # the newest the citizen had seen
        assert shown["unreadCount"] == 0
        upto = "mutation ($t: DateTime) { markAllNotificationsRead(upTo: $t) " + MARKED + " }"
        assert (await client.gql(upto, {"t": before}, token=chen))["data"][
            "markAllNotificationsRead"]["marked"] == 0
        assert (await client.gql(count, token=chen))["data"]["myNotifications"][
            "unreadCount"] == 1
        assert (await client.gql(upto, {"t": seizure_at}, token=chen))["data"][
            "markAllNotificationsRead"]["marked"] == 1
        left = (await client.gql(NOTES, {"unread": True}, token=chen))["data"]["myNotifications"]
        assert left["edges"] == []


class TestAccessLog:
    async def test_own_reads_are_logged_and_audited(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        await client.gql(MINE, token=chen)
        await client.gql(MINE, token=chen)
        log = (await client.gql(ACCESS, token=chen))["data"]["myDataAccessLog"]["edges"]
        assert [e["node"]["accessorKind"] for e in log] == ["SELF", "SELF"]
        assert log[0]["node"]["scope"] == "HOLDINGS"
        assert await AuditEvent.filter(action="register.read").count() == 2

    async def test_someone_elses_read_is_shown_and_notified(self, client: Client,
                                                            demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        from api.models import Citizen

        citizen = await Citizen.get(masked_name="陈**")
        await access_log.record_access(citizen.id_number_hash, access_log.Accessor(
            kind="STAFF", name="禅城区不动产登记中心 3号窗口", actor="staff:w3", channel="WINDOW"),
            purpose="办理转移登记", scope="HOLDINGS")
        log = (await client.gql(ACCESS, token=chen))["data"]["myDataAccessLog"]["edges"]
        assert log[0]["node"] == {"accessorKind": "STAFF", "accessorName": "禅城区不动产登记中心 3号窗口",
                                  "channel": "WINDOW", "purpose": "办理转移登记",
                                  "scope": "HOLDINGS"}
        notes = (await client.gql(NOTES, {"unread": False}, token=chen))["data"][
            "myNotifications"]["edges"]
        assert notes[0]["node"]["kind"] == "DATA_ACCESSED"

    async def test_the_access_log_needs_no_face(self, client: Client, demo: None) -> None:
        """Who read my data is shown at the SMS level (L1) too; the data itself is not."""
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        await client.gql(MINE, token=chen)
        sms = await token_for(client, "陈志强", CHEN_ZHIQIANG, level="L1")
        log = (await client.gql(ACCESS, token=sms))["data"]["myDataAccessLog"]["edges"]
        assert [e["node"]["scope"] for e in log] == ["HOLDINGS"]
        refused = await client.gql(MINE, token=sms)
        assert refused["errors"][0]["extensions"]["code"] == "INSUFFICIENT_ASSURANCE"

    async def test_access_log_pages(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        for _ in range(5):
            await client.gql(MINE, token=chen)
        q = """query ($after: String) { myDataAccessLog(first: 2, after: $after) {
          edges { cursor } pageInfo { hasNextPage endCursor } } }"""
        seen, after = 0, None
        while True:
            page = (await client.gql(q, {"after": after}, token=chen))["data"]["myDataAccessLog"]
            seen += len(page["edges"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == 5
