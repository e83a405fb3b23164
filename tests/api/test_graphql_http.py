"""Issue 13: GraphQL over HTTP to the spec. Every answer of /graphql is a
GraphQL JSON body with ``errors[].extensions.code`` and the request id; client
mistakes are client mistakes (never INTERNAL_SERVER_ERROR, never plain text)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from typing import Any

import httpx
import pytest

from api.http import graphql_http
from api.http.persisted import OPERATIONS_DIR
from tests.conftest import Client

GR = "application/graphql-response+json"
DISTRICTS = "query { districts { code } }"
SERVICE_INFO = (OPERATIONS_DIR / "ServiceInfo.graphql").read_text(encoding="utf-8")
SERVICE_HASH = hashlib.sha256(SERVICE_INFO.encode()).hexdigest()
ID_NUMBER = "440604196603129119"


def assert_graphql_error(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A GraphQL-shaped error answer: JSON, a code, the request id (once)."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].split(";")[0] in ("application/json", GR), resp.headers
    assert resp.headers["cache-control"] == "no-store"
    assert len(resp.headers.get_list("x-request-id")) == 1
    body = resp.json()
    assert isinstance(body, dict), body
    error = body["errors"][0]
    assert error["extensions"]["code"] == code, body
    assert error["extensions"]["requestId"] == resp.headers["x-request-id"]
    assert "data" not in body, body
    return dict(body)


async def post_raw(client: Client, content: bytes, *, accept: str | None = None,
                   ctype: str = "application/json") -> httpx.Response:
    headers = {"content-type": ctype, **({"accept": accept} if accept else {})}
    return await client.http.post("/graphql", content=content, headers=headers)


class TestVariableErrors:
    """Item 1: a mistyped, missing or null variable is BAD_USER_INPUT, logged at
    INFO without its value."""

    QUERY = "query($f: Int!) { myProperties(first: $f) { totalCount } }"
    LOGIN = """mutation ($i: StartFaceLoginInput!) { startFaceLogin(input: $i) { __typename } }"""
    FACE = """mutation ($i: CompleteFaceLoginInput!) { completeFaceLogin(input: $i) {
        __typename } }"""

    @pytest.mark.parametrize("variables", [{"f": "x"}, {}, {"f": None}, {"f": [1]}],
                             ids=["mistyped", "missing", "null", "list"])
    async def test_a_bad_variable_is_bad_user_input(self, client: Client,
                                                    variables: dict) -> None:
        resp = await client.http.post("/graphql", json={"query": self.QUERY,
                                                        "variables": variables})
        body = assert_graphql_error(resp, 200, "BAD_USER_INPUT")
        assert body["errors"][0]["extensions"]["variable"] == "f"
        assert "$f" in body["errors"][0]["message"]

    async def test_nothing_of_the_value_reaches_the_log_or_the_answer(
            self, client: Client, caplog: pytest.LogCaptureFixture) -> None:
        selfie = base64.b64encode(b"\xff\xd8\xff\xe0 a face " * 200).decode()
        cases = [
            (self.LOGIN, {"i": {"name": "陈志强", "idNumber": ID_NUMBER, "channel": "NOPE",
                                "consentVersion": "2026-12"}}),
            (self.LOGIN, {"i": {"nmae": "陈志强", "idNumber": ID_NUMBER, "channel": "FOSHANTONG",
                                "consentVersion": "2026-12"}}),
            (self.LOGIN, {"i": {"name": 5, "idNumber": ID_NUMBER}}),
            (self.FACE, {"i": {"challengeId": 7, "image": selfie}}),
            (self.FACE, {"i": {"challengeId": "c", "image": [selfie]}}),
            ("query($d: DateTime) { districts { code } }", {"d": ID_NUMBER + selfie}),
        ]
        with caplog.at_level(logging.DEBUG):
            for query, variables in cases:
                resp = await client.http.post("/graphql", json={"query": query,
                                                                "variables": variables})
                body = assert_graphql_error(resp, 200, "BAD_USER_INPUT")
                for secret in (ID_NUMBER, "陈志强", selfie[:40], "440***********9119"):
                    assert secret not in resp.text, (variables, resp.text)
        assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
        assert any(r.levelno == logging.INFO and "rejected" in r.getMessage()
                   for r in caplog.records)
        for secret in (ID_NUMBER, "陈志强", selfie[:40], "440***********9119"):
            assert secret not in caplog.text
        assert body["errors"][0]["extensions"]["reason"]

    async def test_the_spec_status_for_graphql_response_json(self, client: Client) -> None:
        resp = await client.http.post("/graphql", json={"query": self.QUERY,
                                                        "variables": {"f": "x"}},
                                      headers={"accept": GR})
        assert_graphql_error(resp, 400, "BAD_USER_INPUT")
        assert resp.headers["content-type"].startswith(GR)


class TestMalformedRequests:
    """Items 2 and 3: no plain text, no 500, a code and the request id."""

    @pytest.mark.parametrize("content", [b'"x"', b"null", b"1", b"true", b"[]", b"[[1]]",
                                         b'{"query": ', b"", b"\xff\xfe", b"[" * 5000])
    async def test_bodies_that_are_not_operations(self, client: Client, content: bytes) -> None:
        for accept in (None, GR):
            resp = await post_raw(client, content, accept=accept)
            if content == b"[[1]]":
                # A batch of one bad item: that item fails, the batch answers.
                assert resp.status_code == 200
                [item] = resp.json()
                assert item["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
                assert item["errors"][0]["extensions"]["requestId"]
                continue
            assert_graphql_error(resp, 400, "BAD_REQUEST")

    @pytest.mark.parametrize("item", [
        {"notquery": DISTRICTS}, {"query": 5}, {"query": {"a": 1}}, {"query": ["x"]},
        {"query": DISTRICTS, "variables": "x"}, {"query": DISTRICTS, "variables": [1]},
        {"query": DISTRICTS, "extensions": "x"}, {"query": DISTRICTS, "extensions": 0},
        {"query": DISTRICTS, "operationName": 5}, {"query": DISTRICTS, "operationName": {}},
    ])
    async def test_mistyped_parameters(self, client: Client, item: dict) -> None:
        assert_graphql_error(await client.http.post("/graphql", json=item), 400, "BAD_REQUEST")
        # In a batch, only that item fails.
        resp = await client.http.post("/graphql", json=[item, {"query": DISTRICTS}])
        assert resp.status_code == 200
        bad, good = resp.json()
        assert bad["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "data" not in bad
        assert good["data"]["districts"]

    async def test_null_parameters_are_absent_parameters(self, client: Client) -> None:
        for key in ("variables", "operationName", "extensions"):
            resp = await client.http.post("/graphql", json={"query": DISTRICTS, key: None})
            assert resp.status_code == 200
            assert "errors" not in resp.json()

    async def test_unknown_operation_name(self, client: Client) -> None:
        for accept, status in ((None, 200), (GR, 400)):
            resp = await client.http.post("/graphql", json={
                "query": "query A { districts { code } }", "operationName": "B"},
                headers={"accept": accept} if accept else {})
            assert_graphql_error(resp, status, "OPERATION_RESOLUTION_FAILURE")

    async def test_too_many_batched_operations(self, client: Client) -> None:
        resp = await client.http.post("/graphql", json=[{"query": DISTRICTS}] * 6)
        body = assert_graphql_error(resp, 400, "BAD_REQUEST")
        assert "5" in body["errors"][0]["message"]

    @pytest.mark.parametrize("ctype", ["APPLICATION/JSON", "Application/Json; Charset=UTF-8",
                                       'application/json; charset="utf-8"'])
    async def test_media_types_are_case_insensitive(self, client: Client, ctype: str) -> None:
        resp = await post_raw(client, json.dumps({"query": DISTRICTS}).encode(), ctype=ctype)
        assert resp.status_code == 200, resp.text
        assert resp.json()["data"]["districts"]

    @pytest.mark.parametrize("ctype", ["", "text/plain", "application/json; charset=latin-1",
                                       "application/x-www-form-urlencoded"])
    async def test_other_content_types_are_415(self, client: Client, ctype: str) -> None:
        resp = await post_raw(client, json.dumps({"query": DISTRICTS}).encode(), ctype=ctype)
        assert_graphql_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE")


class TestOperations:
    async def test_several_operations_need_an_operation_name(self, client: Client) -> None:
        doc = ("query Q { districts { code } } "
               "mutation M { logout { __typename } }")
        for accept, status in ((None, 200), (GR, 400)):
            resp = await client.http.post("/graphql", json={"query": doc},
                                          headers={"accept": accept} if accept else {})
            assert_graphql_error(resp, status, "OPERATION_RESOLUTION_FAILURE")
        named = await client.http.post("/graphql", json={"query": doc, "operationName": "Q"})
        assert named.json()["data"]["districts"]

    async def test_a_mutation_over_get_is_405(self, client: Client) -> None:
        for accept in (None, GR):
            resp = await client.http.get("/graphql", params={"query": "mutation { logout { __typename } }"},
                                         headers={"accept": accept} if accept else {})
            assert_graphql_error(resp, 405, "METHOD_NOT_ALLOWED")
            assert resp.headers["allow"] == "POST"

    @pytest.mark.parametrize("method", ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"])
    async def test_other_methods_are_405_with_allow(self, client: Client, method: str) -> None:
        resp = await client.http.request(method, "/graphql")
        assert resp.status_code == 405
        assert resp.headers["allow"] == "GET, POST"
        assert resp.headers["cache-control"] == "no-store"
        if method != "HEAD":
            assert resp.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"

    async def test_a_hash_over_get_runs_and_never_gets_the_ide(self, client: Client) -> None:
        ext = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": SERVICE_HASH}})
        for accept in ("*/*", None, "text/html,*/*;q=0.8", GR):
            resp = await client.http.get("/graphql", params={"extensions": ext},
                                         headers={"accept": accept} if accept else {})
            assert resp.status_code == 200, (accept, resp.text[:200])
            assert resp.json()["data"]["serviceInfo"]["name"]

    async def test_the_ide_only_to_html_without_a_document(self, client: Client) -> None:
        ide = await client.http.get("/graphql", headers={"accept": "text/html"})
        assert "graphiql" in ide.text.lower()
        assert ide.headers["cache-control"] == "no-store"
        stars = await client.http.get("/graphql", headers={"accept": "*/*"})
        assert_graphql_error(stars, 400, "BAD_REQUEST")
        run = await client.http.get("/graphql", params={"query": DISTRICTS},
                                    headers={"accept": "text/html,*/*;q=0.8"})
        assert run.json()["data"]["districts"]


class TestMediaTypes:
    """Item 7: application/graphql-response+json when accepted, with its status codes."""

    @pytest.mark.parametrize(("accept", "expected"), [
        (None, "application/json"), ("", "application/json"), ("*/*", "application/json"),
        ("application/*", "application/json"), ("application/json", "application/json"),
        (GR, GR), (f"{GR}, application/json;q=0.9", GR), (f"application/json, {GR}",
                                                         "application/json"),
        (f"application/json;q=0.5, {GR}", GR), ("APPLICATION/GRAPHQL-RESPONSE+JSON", GR),
        ("text/html", None), (f"{GR};q=0, application/json;q=0", None),
        (f"{GR};q=0, */*", "application/json"), ("image/png, text/*", None),
    ])
    def test_negotiation(self, accept: str | None, expected: str | None) -> None:
        assert graphql_http.negotiate(accept) == expected

    async def test_statuses_per_media_type(self, client: Client) -> None:
        cases = [
            ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
            ({"query": "{ noSuchField }"}, "GRAPHQL_VALIDATION_FAILED"),
            ({"query": "query ($id: ID!) { __typename }", "variables": {"id": None}},
             "BAD_USER_INPUT"),
        ]
        for body, code in cases:
            plain = await client.http.post("/graphql", json=body,
                                           headers={"accept": "application/json"})
            assert_graphql_error(plain, 200, code)
            assert plain.headers["content-type"] == "application/json; charset=utf-8"
            spec = await client.http.post("/graphql", json=body, headers={"accept": GR})
            assert_graphql_error(spec, 400, code)
            assert spec.headers["content-type"] == f"{GR}; charset=utf-8"
        ok = await client.http.post("/graphql", json={"query": DISTRICTS}, headers={"accept": GR})
        assert ok.status_code == 200
        assert ok.headers["content-type"] == f"{GR}; charset=utf-8"
        assert ok.headers["cache-control"] == "no-store"
        # A field error after execution started: 200 with data.
        denied = await client.http.post("/graphql", json={"query": "{ me { maskedName } }"},
                                        headers={"accept": GR})
        assert denied.status_code == 200
        assert "data" in denied.json()
        assert denied.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_persisted_query_not_found_per_media_type(self, client: Client) -> None:
        body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
        assert_graphql_error(await client.http.post("/graphql", json=body), 200,
                             "PERSISTED_QUERY_NOT_FOUND")
        assert_graphql_error(await client.http.post("/graphql", json=body,
                                                    headers={"accept": GR}),
                             404, "PERSISTED_QUERY_NOT_FOUND")

    async def test_unsatisfiable_accept_is_406(self, client: Client) -> None:
        resp = await client.http.post("/graphql", json={"query": DISTRICTS},
                                      headers={"accept": "text/plain"})
        assert_graphql_error(resp, 406, "NOT_ACCEPTABLE")


class TestHeaders:
    async def test_every_answer_is_no_store(self, client: Client) -> None:
        """Issue 12 item 14: personal data is never kept by an intermediary."""
        answers = [
            await client.http.post("/graphql", json={"query": DISTRICTS}),
            await client.http.post("/graphql", json=[{"query": DISTRICTS}]),
            await client.http.post("/graphql", json={"query": "{ me { maskedName } }"}),
            await client.http.get("/graphql", params={"query": DISTRICTS}),
            await post_raw(client, b"nope"),
        ]
        for resp in answers:
            assert resp.headers["cache-control"] == "no-store", resp.request

    async def test_413_and_415_carry_one_request_id(self, client: Client) -> None:
        big = await post_raw(client, b'{"query":"' + b"A" * (13 * 1024 * 1024) + b'"}')
        assert_graphql_error(big, 413, "PAYLOAD_TOO_LARGE")
        wrong = await post_raw(client, b"{}", ctype="text/plain")
        assert_graphql_error(wrong, 415, "UNSUPPORTED_MEDIA_TYPE")
        chosen = await post_raw(client, b"{}", ctype="text/plain")
        assert chosen.headers["x-request-id"] != wrong.headers["x-request-id"]


async def test_503_carries_one_request_id() -> None:
    from api.http.middleware import AdmissionMiddleware, RequestIdMiddleware

    release = asyncio.Event()

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    app = RequestIdMiddleware(AdmissionMiddleware(slow, max_inflight=1, max_queued=0,
                                                  queue_timeout=0.05))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://t") as c:
        first = asyncio.create_task(c.post("/graphql"))
        await asyncio.sleep(0.02)
        busy = await c.post("/graphql")
        release.set()
        await first
    assert busy.status_code == 503
    assert len(busy.headers.get_list("x-request-id")) == 1
    assert busy.json()["errors"][0]["extensions"]["requestId"] == busy.headers["x-request-id"]
