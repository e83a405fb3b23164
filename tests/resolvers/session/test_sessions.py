"""RELIABILITY R2 items 13-14, 16: rotation, reuse detection, logout, devices."""

from __future__ import annotations

import asyncio

import httpx

from api.app import create_app
from api.models import AuditEvent
from tests.conftest import Client, running
from tests.resolvers.session.helpers import person, register, sms_login

REFRESH = """
mutation ($t: String!) { refreshSession(refreshToken: $t) {
  __typename
  ... on SessionRefreshed { accessToken refreshToken assuranceLevel }
  ... on UserError { code message }
} }"""
ME = "query { me { maskedName } }"
SESSIONS = "query { mySessions { id current channel assuranceLevel revoked } }"
LOGOUT = "mutation { logout { __typename } }"
REVOKE = """mutation ($id: ID!) { revokeSession(sessionId: $id) { __typename
  ... on SessionRevoked { session { id revoked } } ... on UserError { code } } }"""


async def _login(client: Client, seq: int = 1) -> dict:
    p = person(seq=seq)
    await register(client, p)
    return await sms_login(client, p)


class TestRefresh:
    async def test_rotates(self, client: Client) -> None:
        first = await _login(client)
        body = await client.gql(REFRESH, {"t": first["refreshToken"]})
        r = body["data"]["refreshSession"]
        assert r["__typename"] == "SessionRefreshed"
        assert r["refreshToken"] != first["refreshToken"]
        assert (await client.gql(ME, token=r["accessToken"]))["data"]["me"]

    async def test_reuse_revokes_family_and_is_audited(self, client: Client) -> None:
        first = await _login(client)
        second = (await client.gql(REFRESH, {"t": first["refreshToken"]}))["data"][
            "refreshSession"]
        client.state.settings.refresh_race_grace_seconds = 0
        await asyncio.sleep(0.01)
        reused = await client.gql(REFRESH, {"t": first["refreshToken"]})
        assert reused["data"]["refreshSession"]["__typename"] == "SessionExpired"
        # The thief's reuse killed the legitimate holder's newer tokens too.
        after = await client.gql(REFRESH, {"t": second["refreshToken"]})
        assert after["data"]["refreshSession"]["__typename"] == "SessionExpired"
        me = await client.gql(ME, token=second["accessToken"])
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert await AuditEvent.filter(action="session.revoked.refresh_reuse").count() == 1

    async def test_made_up_secret_under_a_real_session_id_is_not_reuse(
            self, client: Client) -> None:
        """Issue 12, item 10: ``rt1.<sid>.<junk>`` is just invalid."""
        first = await _login(client)
        sid = first["refreshToken"].split(".")[1]
        client.state.settings.refresh_race_grace_seconds = 0
        for junk in ("a" * 43, "b" * 64):
            body = await client.gql(REFRESH, {"t": f"rt1.{sid}.{junk}"})
            assert body["data"]["refreshSession"]["__typename"] == "SessionExpired"
        # Nothing was revoked and no reuse was recorded: the holder goes on.
        assert (await client.gql(ME, token=first["accessToken"]))["data"]["me"]
        ok = await client.gql(REFRESH, {"t": first["refreshToken"]})
        assert ok["data"]["refreshSession"]["__typename"] == "SessionRefreshed"
        assert await AuditEvent.filter(action__startswith="session.revoked").count() == 0

    async def test_any_earlier_member_of_the_family_is_reuse(self, client: Client) -> None:
        first = await _login(client)
        tokens = [first["refreshToken"]]
        for _ in range(3):
            body = await client.gql(REFRESH, {"t": tokens[-1]})
            tokens.append(body["data"]["refreshSession"]["refreshToken"])
        client.state.settings.refresh_race_grace_seconds = 0
        await asyncio.sleep(0.01)
        reused = await client.gql(REFRESH, {"t": tokens[0]})  # three rotations back
        assert reused["data"]["refreshSession"]["__typename"] == "SessionExpired"
        after = await client.gql(REFRESH, {"t": tokens[-1]})
        assert after["data"]["refreshSession"]["__typename"] == "SessionExpired"
        assert await AuditEvent.filter(action="session.revoked.refresh_reuse").count() == 1

    async def test_concurrent_refreshes_one_winner(self, client: Client) -> None:
        first = await _login(client)
        bodies = await asyncio.gather(*[client.gql(REFRESH, {"t": first["refreshToken"]})
                                        for _ in range(5)])
        assert all(b.get("data") for b in bodies), bodies
        kinds = sorted(b["data"]["refreshSession"]["__typename"] for b in bodies)
        assert kinds.count("SessionRefreshed") == 1
        assert set(kinds) <= {"SessionRefreshed", "RefreshConflict"}
        winner = next(b["data"]["refreshSession"] for b in bodies
                      if b["data"]["refreshSession"]["__typename"] == "SessionRefreshed")
        assert (await client.gql(ME, token=winner["accessToken"]))["data"]["me"]

    async def test_access_tokens_last_15_minutes_and_sessions_30_days(
            self, client: Client) -> None:
        """The default lifetimes: an access token 15 minutes, a refresh family 30 days."""
        import jwt

        from api.models import LoginSession

        tokens = await _login(client)
        claims = jwt.decode(tokens["accessToken"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 15 * 60 == tokens["expiresIn"]
        session = await LoginSession.get()
        assert abs((session.expires_at - session.created_at).total_seconds()
                   - 30 * 24 * 3600) < 5

    async def test_garbage_refresh_token(self, client: Client) -> None:
        for t in ["", "rt1.zz.yy", "x" * 500, "rt1.00000000000000000000000000000000." + "a" * 43]:
            body = await client.gql(REFRESH, {"t": t})
            assert body["data"]["refreshSession"]["__typename"] == "SessionExpired"


class TestLogoutAndDevices:
    async def test_logout_revokes_at_once_across_workers(self, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
        tokens = await _login(client)
        # A second app on the same database and store plays another worker.
        other = create_app(settings)
        assert (await client.gql(ME, token=tokens["accessToken"]))["data"]["me"]
        await client.gql(LOGOUT, token=tokens["accessToken"])
        assert (await client.gql(ME, token=tokens["accessToken"]))["errors"][0]["extensions"][
            "code"] == "UNAUTHENTICATED"
        if settings.redis_url:  # the in-process store is per worker by design
            async with running(other):
                transport = httpx.ASGITransport(app=other)
                async with httpx.AsyncClient(transport=transport, base_url="http://w2") as h:
                    c2 = Client(other, h)
                    body = await c2.gql(ME, token=tokens["accessToken"])
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_my_sessions_and_revoke_other_device(self, client: Client) -> None:
        p = person()
        await register(client, p)
        client.state.settings.sms_per_minute = 2  # two devices within a minute
        phone = await sms_login(client, p, headers={"user-agent": "iPhone FoshanTong"})
        kiosk = await sms_login(client, p, headers={"user-agent": "Kiosk-Chancheng-03"})
        listed = (await client.gql(SESSIONS, token=phone["accessToken"]))["data"]["mySessions"]
        assert len(listed) == 2
        assert sum(s["current"] for s in listed) == 1
        other_id = next(s["id"] for s in listed if not s["current"])
        body = await client.gql(REVOKE, {"id": other_id}, token=phone["accessToken"])
        assert body["data"]["revokeSession"]["session"]["revoked"] is True
        assert (await client.gql(ME, token=kiosk["accessToken"]))["errors"]
        assert (await client.gql(ME, token=phone["accessToken"]))["data"]["me"]

    async def test_other_citizens_session_answers_like_missing(self, client: Client) -> None:
        a = await _login(client, seq=1)
        b = await _login(client, seq=2)
        b_sessions = (await client.gql(SESSIONS, token=b["accessToken"]))["data"]["mySessions"]
        foreign = await client.gql(REVOKE, {"id": b_sessions[0]["id"]}, token=a["accessToken"])
        missing = await client.gql(REVOKE, {"id": "0" * 32}, token=a["accessToken"])
        assert foreign["data"] == missing["data"]
        assert foreign["data"]["revokeSession"]["__typename"] == "SessionNotFound"
