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
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.settings import ROOT
from tests.serverproc import ServerProcess, embedded_env, serve

EXAMPLES = int(os.environ.get("FSREG_FUZZ_EXAMPLES", "12"))
SCHEMA = schemathesis.graphql.from_path(str(ROOT / "schema.graphql"))
# Mutations that end the fuzzer's own session would only blind the rest of the run.
SESSION_ENDERS = {"logout", "revokeSession", "withdrawBiometricConsent"}
LEAKS = re.compile(r"Traceback|File \"/|postgres://|redis://|sqlite://|/work/|site-packages",
                   re.I)
FACE = Path(__file__).resolve().parents[1] / "fixtures" / "faces" / "person_a" / "selfie_1.jpg"
START = """mutation ($i: StartFaceLoginInput!) { startFaceLogin(input: $i) {
  __typename ... on FaceChallenge { challengeId } } }"""
COMPLETE = """mutation ($i: CompleteFaceLoginInput!) { completeFaceLogin(input: $i) {
  __typename ... on LoginSuccess { accessToken } } }"""


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
    def gql(query: str, variables: dict) -> dict:
        r = httpx.post(server.url + "/graphql", json={"query": query, "variables": variables},
                       timeout=120)
        return dict(r.json()["data"])

    challenge = gql(START, {"i": {"name": "陈志强", "idNumber": "440604196603129119",
                                  "channel": "FOSHANTONG", "consentVersion": "2026-01"}})
    image = base64.b64encode(FACE.read_bytes()).decode()
    done = gql(COMPLETE, {"i": {"challengeId": challenge["startFaceLogin"]["challengeId"],
                                "image": image}})
    assert done["completeFaceLogin"]["__typename"] == "LoginSuccess", done
    return str(done["completeFaceLogin"]["accessToken"])


def check_answer(response: Any) -> None:
    status = response.status_code
    text = response.text
    assert not LEAKS.search(text), text[:2000]
    if status == 503:
        assert response.json()["errors"][0]["extensions"]["code"] == "SERVER_BUSY"
        return
    assert status < 500, text[:2000]
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, error
        assert code != "INTERNAL_SERVER_ERROR", error


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
