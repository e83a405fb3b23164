"""RELIABILITY 11: a schema fuzzer (schemathesis, GraphQL mode) against a test
build of the real server finds no server errors — anonymous and as a
face-verified citizen.

Every query and mutation in schema.graphql gets generated documents (valid
against the schema, with random arguments). What counts as a server error:
an HTTP status >= 500 other than 503 SERVER_BUSY, a body that is not JSON, a
top-level error without a stable ``extensions.code`` or with
INTERNAL_SERVER_ERROR, or anything that looks like internals (a traceback, a
DSN, a file path). Typed refusals, UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT,
RATE_LIMITED and the like are correct answers to random input.

Beyond valid documents (issue 13): every field with arguments is also called
through variables that are mistyped, null or missing, and the endpoint gets
bodies that are not GraphQL requests at all (any JSON, batches of it, broken
JSON). Those must answer a GraphQL JSON body with a code, never a 500,
INTERNAL_SERVER_ERROR or plain text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from graphql import build_schema, get_named_type, is_leaf_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.infra.settings import ROOT
from tests.serverproc import ServerProcess, embedded_env, face_login, serve

EXAMPLES = int(os.environ.get("FSREG_FUZZ_EXAMPLES", "12"))
SCHEMA = schemathesis.graphql.from_path(str(ROOT / "schema.graphql"))
# Mutations that end the fuzzer's own session would only blind the rest of the run.
SESSION_ENDERS = {"logout", "revokeSession", "withdrawBiometricConsent"}
LEAKS = re.compile(r"Traceback|File \"/|postgres://|redis://|sqlite://|/work/|site-packages",
                   re.I)
SDL = build_schema((ROOT / "schema.graphql").read_text())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # The fuzzer is one client on one address sending fast: lift the per-address
    # limits so it reaches the resolvers (the limits have their own tests).
    env = embedded_env(tmp_path_factory.mktemp("fuzz"), FSREG_IP_LOGIN_ATTEMPTS="1000000",
                       FSREG_VERIFY_ATTEMPTS_PER_MINUTE="1000000")
    with serve(env, demo=True) as s:
        yield s


@pytest.fixture(scope="module")
def citizen_token(server: ServerProcess) -> str:
    return face_login(server)


def check_answer(response: Any) -> None:
    status = response.status_code
    text = response.text
    assert not LEAKS.search(text), text[:2000]
    if status == 503:
        assert response.json()["errors"][0]["extensions"]["code"] == "SERVER_BUSY"
        return
    assert status < 500, text[:2000]
    ctype = response.headers.get("content-type") or response.headers.get("Content-Type")
    ctype = ctype[0] if isinstance(ctype, list) else ctype  # schemathesis: a list per header
    assert ctype.split(";")[0] in ("application/json", "application/graphql-response+json"), \
        text[:2000]
    body = response.json()
    for item in body if isinstance(body, list) else [body]:
        assert isinstance(item, dict), text[:2000]
        for error in item.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert code, error
            assert code != "INTERNAL_SERVER_ERROR", error
            assert (error.get("extensions") or {}).get("requestId"), error


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@SCHEMA.parametrize()
@FUZZ
def test_anonymous(case: Any, server: ServerProcess, citizen_token: str) -> None:
    # (citizen_token: the login happens first, before the fuzzer locks anything)
    check_answer(case.call(base_url=server.url + "/graphql", timeout=30))


@SCHEMA.exclude(name=SESSION_ENDERS).parametrize()
@FUZZ
def test_face_verified_citizen(case: Any, server: ServerProcess, citizen_token: str) -> None:
    check_answer(case.call(base_url=server.url + "/graphql", timeout=30,
                           headers={"Authorization": f"Bearer {citizen_token}"}))


def _field_documents() -> list[tuple[str, list[str]]]:
    """(document, variable names) calling each root field with every argument
    through a variable of the argument's own type."""
    docs = []
    for kind, root in (("query", SDL.query_type), ("mutation", SDL.mutation_type)):
        for name, field in (root.fields if root else {}).items():  # type: ignore[union-attr]
            if not field.args or name in SESSION_ENDERS:
                continue
            defs = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
            args = ", ".join(f"{a}: ${a}" for a in field.args)
            pick = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
            docs.append((f"{kind} ({defs}) {{ {name}({args}){pick} }}", list(field.args)))
    return docs


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30) | st.sampled_from(["440604196603129119", "FOSHANTONG", "", "1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8)
MISTYPED = settings(max_examples=EXAMPLES * 15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@MISTYPED
@given(call=st.sampled_from(_field_documents()), data=st.data())
def test_mistyped_and_missing_variables(call: tuple[str, list[str]], data: st.DataObject,
                                        server: ServerProcess, citizen_token: str) -> None:
    document, names = call
    variables = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(names, JSON_VALUES)))
    token = data.draw(st.sampled_from([None, citizen_token]))
    check_answer(httpx.post(server.url + "/graphql", json={"query": document,
                                                           "variables": variables},
                            headers={"Authorization": f"Bearer {token}"} if token else {},
                            timeout=30))


@MISTYPED
@given(body=JSON_VALUES | st.lists(JSON_VALUES, max_size=7), broken=st.booleans(),
       accept=st.sampled_from([None, "application/graphql-response+json", "*/*"]))
def test_bodies_that_are_not_requests(body: object, broken: bool, accept: str | None,
                                      server: ServerProcess) -> None:
    import json

    content = json.dumps(body).encode()
    if broken:
        content = content[: len(content) // 2] + b"\xff"
    check_answer(httpx.post(server.url + "/graphql", content=content, timeout=30,
                            headers={"content-type": "application/json",
                                     **({"accept": accept} if accept else {})}))
