"""Persisted operations (APQ-style) and the demo's static mounts (issue 8)."""

from __future__ import annotations

import hashlib
from typing import Any

from api.http.persisted import OPERATIONS_DIR, PersistedOperations
from tests.conftest import Client

SERVICE_INFO = (OPERATIONS_DIR / "ServiceInfo.graphql").read_text(encoding="utf-8")
SERVICE_HASH = hashlib.sha256(SERVICE_INFO.encode()).hexdigest()


def _ext(digest: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def _post(client: Client, body: dict) -> dict:
    r = await client.http.post("/graphql", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_manifest_lists_every_operation_file(client: Client) -> None:
    r = await client.http.get("/ui/operations.json")
    assert r.status_code == 200
    ops = r.json()["operations"]
    assert ops["ServiceInfo"] == SERVICE_HASH
    assert len(ops) == len(list(OPERATIONS_DIR.glob("*.graphql")))


async def test_a_hash_runs_the_file(client: Client) -> None:
    body = await _post(client, {"operationName": "ServiceInfo", "extensions": _ext(SERVICE_HASH)})
    assert "errors" not in body, body
    assert body["data"]["serviceInfo"]["name"]


async def test_unknown_hash_then_registration(client: Client) -> None:
    doc = "query Mine { districts { code } }"
    digest = hashlib.sha256(doc.encode()).hexdigest()
    missing = await _post(client, {"extensions": _ext(digest)})
    assert missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = await _post(client, {"query": doc, "extensions": _ext(digest)})
    assert registered["data"]["districts"]
    again = await _post(client, {"extensions": _ext(digest)})
    assert again["data"] == registered["data"]


async def test_mismatched_and_malformed_hashes_are_refused(client: Client) -> None:
    wrong = await _post(client, {"query": "query { districts { code } }",
                                 "extensions": _ext(SERVICE_HASH)})
    assert wrong["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert "data" not in wrong or wrong["data"] is None
    for bad in [{"version": 2, "sha256Hash": SERVICE_HASH}, {"version": 1, "sha256Hash": "zz"},
                {"version": 1}, "x"]:
        body = await _post(client, {"extensions": {"persistedQuery": bad}})
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_INVALID", bad
        assert body["errors"][0]["message"]


def test_registration_cache_is_bounded() -> None:
    ops = PersistedOperations({}, cache_size=3)
    docs = [f"query Q{i} {{ districts {{ code }} }}" for i in range(5)]
    for d in docs:
        ops.resolve(d, _ext(hashlib.sha256(d.encode()).hexdigest())["persistedQuery"])
    found = [ops.resolve(None, _ext(hashlib.sha256(d.encode()).hexdigest())["persistedQuery"])
             for d in docs]
    assert [isinstance(f, str) for f in found] == [False, False, True, True, True]


async def test_demo_pages_carry_a_strict_policy(client: Client) -> None:
    r = await client.http.get("/demo", follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"] == "/demo/"
    r = await client.http.get("/ui/gql.js")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_dev_sms_inbox_masks_numbers_and_is_off_by_default(
        client: Client, leg: Any, tmp_path: Any, shared_face_pool: Any) -> None:
    import httpx

    from api.app import create_app
    from mock_providers.models import OutboxMessage
    from tests.conftest import running

    assert (await client.http.get("/dev/sms-inbox")).status_code == 404  # not asked for
    app = create_app(leg.settings(tmp_path, dev_sms_inbox=True), face_pool=shared_face_pool)
    async with running(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                               base_url="http://t") as http:
        await OutboxMessage.create(channel="SMS", recipient="13800001234",
                                   template="LOGIN_CODE", body={"code": "123456"},
                                   idempotency_key="t-1")
        r = await http.get("/dev/sms-inbox")
    assert r.status_code == 200
    [m] = r.json()["messages"]
    assert m["to"] == "138****1234"
    assert m["code"] == "123456"
    assert "13800001234" not in r.text


def test_no_dev_inbox_route_outside_development() -> None:
    from starlette.routing import Route

    from api.http import ui

    paths = [r.path for r in ui.routes(PersistedOperations({}), dev=False) if isinstance(r, Route)]
    assert "/dev/sms-inbox" not in paths
    assert "/dev/sms-inbox" in [r.path for r in ui.routes(PersistedOperations({}), dev=True)
                                if isinstance(r, Route)]


async def test_malformed_batch_items_are_client_errors(client: Client) -> None:
    """strawberry checks ``extensions``/``variables`` types for one operation,
    not inside a batch; found in review: these were HTTP 500."""
    for item in ({"query": "{ districts { code } }", "extensions": "x"},
                 {"query": "{ districts { code } }", "variables": "x"},
                 {"query": "{ districts { code } }", "operationName": 5},
                 {"query": 5}):
        r = await client.http.post("/graphql", json=[item])
        assert r.status_code < 500, (item, r.status_code, r.text)


async def test_long_documents_run_but_are_not_remembered(client: Client) -> None:
    doc = "query Long { districts { code } }" + " " * 20_000
    digest = hashlib.sha256(doc.encode()).hexdigest()
    ran = await _post(client, {"query": doc, "extensions": _ext(digest)})
    assert ran["data"]["districts"]
    again = await _post(client, {"extensions": _ext(digest)})
    assert again["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_possible_types_are_served_from_the_schema(client: Client) -> None:
    """Issue 13: caching clients need the union/interface members to keep the
    UserError fields of union results (Apollo ``possibleTypes``)."""
    from graphql import build_schema

    from api.infra.settings import ROOT

    r = await client.http.get("/ui/possible-types.json")
    assert r.status_code == 200
    served = r.json()
    sdl = build_schema((ROOT / "schema.graphql").read_text())
    user_errors = sorted(t.name for t in sdl.get_implementations(
        sdl.get_type("UserError")).objects)  # type: ignore[arg-type]
    assert served["UserError"] == user_errors
    assert "SlotFull" in served["BookAppointmentResult"]


def test_possible_types_cli_prints_the_same_map() -> None:
    import json
    import subprocess
    import sys

    from api.graphql.schema import build_schema, possible_types
    from api.infra.settings import ROOT, Settings

    cli = subprocess.run([sys.executable, "-m", "api", "possible-types"], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=120)
    assert json.loads(cli.stdout) == possible_types(build_schema(Settings()))
