"""RELIABILITY R1: the GraphQL surface refuses abuse before resolvers run."""

from __future__ import annotations

import logging
import time
import tracemalloc

import pytest

from api.infra.settings import Env
from api.services import platform
from tests.conftest import Client, running


def _deep(depth: int) -> str:
    # serviceInfo has no nesting, so use fragments to build nested selections of
    # the same type: depth is measured on the selection tree.
    inner = "name"
    for _ in range(depth):
        inner = f"serviceInfo {{ ... on ServiceInfo {{ {inner} }} }}"
    return "query { " + inner + " }"


class TestLimits:
    async def test_depth_bomb_rejected(self, client: Client) -> None:
        q = "query { " + "a { " * 20 + "b" + " }" * 20 + " }"
        body = await client.gql(q)
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_many_aliases_rejected_also_in_fragments(self, client: Client) -> None:
        fields = " ".join(f"a{i}: serviceInfo {{ name }}" for i in range(50))
        body = await client.gql(f"query {{ ...F }} fragment F on Query {{ {fields} }}")
        assert body.get("data") is None
        assert "alias" in body["errors"][0]["message"].lower()

    async def test_circular_fragments_are_a_validation_error(self, client: Client) -> None:
        q = ("query { ...A } fragment A on Query { ...B } "
             "fragment B on Query { ...A }")
        body = await client.gql(q)
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_long_fragment_chain_no_recursion_error(self, client: Client) -> None:
        n = 1000
        frags = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(n))
        q = f"query {{ ...F0 }} {frags} fragment F{n} on Query {{ districts {{ code }} }}"
        resp = await client.http.post("/graphql", json={"query": q})
        assert resp.status_code in (200, 400)
        assert resp.json()["errors"][0]["extensions"]["code"] in (
            "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED")

    async def test_token_flood_aborts_quickly_with_flat_memory(self, client: Client) -> None:
        q = "query { " + " ".join(["districts { code }"] * 5000) + " }"
        tracemalloc.start()
        started = time.perf_counter()
        body = await client.gql(q)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert body.get("data") is None
        assert "token" in body["errors"][0]["message"].lower()
        # Generous bounds: the parser stops at the limit instead of building an AST.
        assert peak < 30 * 1024 * 1024
        assert elapsed < 5

    async def test_body_over_cap_gets_413_before_parsing(self, client: Client) -> None:
        big = "A" * (13 * 1024 * 1024)
        resp = await client.http.post("/graphql", content=b'{"query":"' + big.encode() + b'"}',
                                      headers={"content-type": "application/json"})
        assert resp.status_code == 413
        assert resp.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def test_non_json_post_refused(self, client: Client) -> None:
        resp = await client.http.post("/graphql", content=b"query=%7B%7D",
                                      headers={"content-type": "application/x-www-form-urlencoded"})
        assert resp.status_code == 415

    async def test_batch_capped(self, client: Client) -> None:
        op = {"query": "query { districts { code } }"}
        ok = await client.http.post("/graphql", json=[op] * 5)
        assert ok.status_code == 200
        assert len(ok.json()) == 5
        too_many = await client.http.post("/graphql", json=[op] * 6)
        assert too_many.status_code == 400


class TestMasking:
    @pytest.mark.logs_errors  # a simulated server failure
    async def test_unexpected_error_is_masked_with_request_id(
            self, client: Client, monkeypatch: pytest.MonkeyPatch,
            caplog: pytest.LogCaptureFixture) -> None:
        def boom(_: object) -> None:
            raise RuntimeError("connect postgres://admin:s3cret@db:5432/x for 440604198503120017")

        monkeypatch.setattr(platform, "service_info", boom)
        with caplog.at_level(logging.ERROR):
            body = await client.gql("query { serviceInfo { name } }")
        err = body["errors"][0]
        assert err["message"] == "系统繁忙，请稍后再试"
        assert err["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert err["extensions"]["requestId"]
        text = str(body)
        assert "s3cret" not in text
        assert "440604198503120017" not in text
        logged = caplog.text
        assert err["extensions"]["requestId"] in logged
        assert "440604198503120017" not in logged
        assert "440***********0017" in logged

    async def test_coercion_error_echoing_id_number_not_logged(
            self, client: Client, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.DEBUG):
            body = await client.gql("query ($x: Int) { districts { code } }",
                                    {"x": "440604198503120017"})
        assert body["errors"]
        logging.getLogger("test").warning("client sent %s", body["errors"][0]["message"])
        assert "440604198503120017" not in caplog.text


_LOGIN = "mutation ($i: StartFaceLoginInput!) { startFaceLogin(input: $i) { __typename } }"
_INPUT = {"name": "张三", "idNumber": "x", "channel": "FOSHANTONG", "consentVersion": "1"}
MISTAKES: list[tuple[str, dict]] = [
    ("query { district { code } }", {}),  # field
    ("query { myProperties(frist: 1) { totalCount } }", {}),  # argument
    ("query ($f: Intt) { districts { code } }", {}),  # type
    ("query { ...F } fragment F on Quer { districts { code } }", {}),  # type condition
    ('mutation { startFaceLogin(input: {name: "张三", idNumber: "x", channel: FOSHANTON, '
     'consentVersion: "1"}) { __typename } }', {}),  # enum literal
    ('mutation { startFaceLogin(input: {nmae: "张三", idNumber: "x", channel: FOSHANTONG, '
     'consentVersion: "1"}) { __typename } }', {}),  # input field literal
    (_LOGIN, {"i": {**_INPUT, "channel": "FOSHANTON"}}),  # enum value in a variable
    (_LOGIN, {"i": {**{k: v for k, v in _INPUT.items() if k != "name"}, "nmae": "张三"}}),
]


class TestProduction:
    @pytest.fixture(autouse=True)
    def _production_needs_pg(self, leg) -> None:  # type: ignore[no-untyped-def]
        if not leg.is_pg:
            pytest.skip("production runs only on PostgreSQL + Redis "
                        "(tests/api/test_production_config.py)")

    @pytest.fixture
    async def prod(self, leg, tmp_path, keys_dir):  # type: ignore[no-untyped-def]
        import json

        from api.app import create_app
        from api.infra.keys import generate_keyring_document

        prod_keys = tmp_path / "prod-keys"
        prod_keys.mkdir()
        doc = generate_keyring_document("production")
        doc.pop("generated_for")
        (prod_keys / "keyring.json").write_text(json.dumps(doc))
        # No real adapter exists yet: production runs on the mocks, knowingly.
        settings = leg.settings(tmp_path, app_env=Env.PRODUCTION, keys_dir=prod_keys,
                                allow_mock_providers=True)
        if leg.is_pg:
            from tests.conftest import _reset_pg

            await _reset_pg(leg)
        import httpx

        app = create_app(settings)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield Client(app, http)

    async def test_no_introspection(self, prod: Client) -> None:
        body = await prod.gql("query { __schema { types { name } } }")
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_no_field_suggestions(self, prod: Client) -> None:
        body = await prod.gql("query { district { code } }")
        assert "Did you mean" not in body["errors"][0]["message"]

    async def test_no_suggestions_at_all(self, prod: Client, client: Client) -> None:
        """Issue 12 item 12: graphql-core's validation rules and variable
        coercion suggest too (arguments, enum values, types, input fields)."""
        for query, variables in MISTAKES:
            shown = await client.http.post("/graphql", json={"query": query,
                                                             "variables": variables})
            assert "Did you mean" in shown.text, (query, shown.text)  # development hints
            hidden = await prod.http.post("/graphql", json={"query": query,
                                                            "variables": variables})
            assert hidden.json()["errors"], query
            assert "Did you mean" not in hidden.text, (query, hidden.text)

    async def test_no_ide_and_no_get_queries(self, prod: Client) -> None:
        ide = await prod.http.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 406  # no IDE, and JSON was not acceptable
        assert "graphiql" not in ide.text.lower()
        get = await prod.http.get("/graphql", params={"query": "{ districts { code } }"})
        assert get.status_code in (400, 405)

    async def test_get_runs_persisted_queries_only(self, prod: Client) -> None:
        import hashlib
        import json

        from api.http.persisted import OPERATIONS_DIR

        text = (OPERATIONS_DIR / "ServiceInfo.graphql").read_text(encoding="utf-8")
        ext = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(
            text.encode()).hexdigest()}}
        ran = await prod.http.get("/graphql", params={"extensions": json.dumps(ext)})
        assert ran.json()["data"]["serviceInfo"]["name"]
        doc = await prod.http.get("/graphql", params={"query": "{ districts { code } }"})
        assert doc.status_code == 405
        assert doc.headers["allow"] == "POST"
        head = await prod.http.head("/graphql")
        assert (head.status_code, head.headers["allow"]) == (405, "POST")

    async def test_refuses_generated_or_missing_keys(self, leg, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from api.app import create_app
        from api.infra.keys import KeyringError

        with pytest.raises(KeyringError):
            create_app(leg.settings(tmp_path, app_env=Env.PRODUCTION, keys_dir=tmp_path / "none"))
        with pytest.raises(KeyringError):
            create_app(leg.settings(tmp_path, app_env=Env.PRODUCTION,
                                    keys_dir=leg.base.keys_dir))


class TestDevelopmentIde:
    async def test_graphiql_served_in_development(self, client: Client) -> None:
        resp = await client.http.get("/graphql", headers={"accept": "text/html"})
        assert resp.status_code == 200
        assert "graphiql" in resp.text.lower()


class TestCaches:
    async def test_repeated_document_is_validated_once(self, client: Client) -> None:
        from api.graphql.validation import validation_cache

        cached = validation_cache(client.state.settings.parser_cache_size)
        query = "query CacheProbe { districts { code } }"
        await client.gql(query)
        before = cached.cache_info()
        for _ in range(3):
            await client.gql(query)
        after = cached.cache_info()
        assert after.hits - before.hits == 3
        assert after.misses == before.misses


class TestBatchSensitive:
    async def test_login_and_verify_refuse_to_run_inside_a_batch(self, client: Client) -> None:
        ops = [
            {"query": 'mutation { startSmsLogin(input: {name: "张三", idNumber: "x", '
                      'channel: FOSHANTONG}) { __typename } }'},
            {"query": 'query { verifyCertificate(number: "x", code: "y") { status } }'},
            {"query": "query { districts { code } }"},
        ]
        resp = await client.http.post("/graphql", json=ops)
        assert resp.status_code == 200
        results = resp.json()
        assert results[0]["errors"][0]["extensions"]["code"] == "BATCH_NOT_ALLOWED"
        assert results[1]["errors"][0]["extensions"]["code"] == "BATCH_NOT_ALLOWED"
        assert "errors" not in results[2]
