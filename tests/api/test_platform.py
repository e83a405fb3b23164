"""The served API answers, health endpoints behave, errors carry codes."""

from __future__ import annotations

import pytest

from tests.conftest import Client


class TestServiceInfo:
    QUERY = "query { serviceInfo { name environment version } districts { code name } }"

    async def test_answers_with_districts(self, client: Client) -> None:
        body = await client.gql(self.QUERY)
        assert "errors" not in body, body
        assert body["data"]["serviceInfo"]["environment"] == "test"
        assert [d["code"] for d in body["data"]["districts"]] == [
            "440604", "440605", "440606", "440607", "440608"]
        assert body["extensions"]["requestId"]


class TestHealth:
    async def test_livez(self, client: Client) -> None:
        resp = await client.http.get("/livez")
        assert resp.status_code == 200
        assert resp.text == "ok"

    async def test_readyz_ok(self, client: Client) -> None:
        resp = await client.http.get("/readyz")
        assert resp.status_code == 200, resp.text
        body = resp.json()
        body.pop("notices")  # for operators, never part of readiness (test_holiday_calendar)
        assert body == {"status": "ok", "checks": {
            "database": "ok", "redis": "ok", "keys": "ok"}}


class TestReadinessFailsClosed:
    async def test_unreachable_redis_makes_readyz_red_without_details(
            self, leg, tmp_path) -> None:  # type: ignore[no-untyped-def]
        import httpx

        from api.app import create_app
        from tests.conftest import running

        # Port 9 (discard) on loopback: nothing listens, connection refused at once.
        settings = leg.settings(tmp_path, redis_url="redis://127.0.0.1:9/0")
        app = create_app(settings)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                resp = await http.get("/readyz")
                live = await http.get("/livez")
        assert resp.status_code == 503
        body = resp.json()
        body.pop("notices", None)
        assert body == {"status": "unavailable", "checks": {
            "database": "ok", "redis": "unavailable", "keys": "ok"}}
        assert "127.0.0.1" not in resp.text
        assert "Error" not in resp.text
        assert live.status_code == 200


class TestDatabaseDown:
    async def test_unreachable_database_fails_closed_and_readyz_red(
            self, leg, tmp_path, shared_face_pool) -> None:  # type: ignore[no-untyped-def]
        import httpx

        from api.app import create_app
        from tests.conftest import running

        if not leg.is_pg:
            pytest.skip("an embedded SQLite file cannot be made unreachable")
        settings = leg.settings(tmp_path, database_url="postgres://postgres@127.0.0.1:9/none")
        app = create_app(settings, face_pool=shared_face_pool)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                ready = await http.get("/readyz")
                body = (await http.post("/graphql", json={
                    "query": "mutation ($t: String!) { refreshSession(refreshToken: $t) "
                             "{ __typename } }",
                    "variables": {"t": "rt1." + "0" * 32 + "." + "a" * 43}})).json()
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == "unavailable"
        assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "127.0.0.1" not in str(body)
