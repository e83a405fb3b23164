"""What a citizen's whole journey leaves behind (docs/privacy.md, section 2).

After face login, holdings, a certificate and its verification, an SMS login, a
refresh, a third party's consented question, a logout, a failed attempt and a
challenge left open: no table, store value or log line holds a personal value in
clear, and everything the shared store keeps has a lifetime.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise

from mock_providers.datagen.demo import CHEN_ZHIQIANG, LI_HUIMIN
from tests.conftest import Client
from tests.resolvers.helpers import seed_demo
from tests.resolvers.proofs.test_property_proofs import _client_token
from tests.resolvers.session.helpers import COMPLETE_SMS, START_SMS, last_code
from tests.resolvers.session.test_face_login import COMPLETE, START, _b64

pytestmark = pytest.mark.slow

CHEN_NAME, CHEN_PHONE = "陈志强", "13925001101"
SPOUSE_NAME = "李慧敏"  # 陈志强's co-holder: her name and ID number are read from the register
_ISSUE = """mutation { issueCertificate(input: {kind: HOLDINGS, purpose: TAX}) {
  __typename ... on CertificateIssued { certificate { number verificationCode } } } }"""
_VERIFY = """query ($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) {
  status } }"""
_REFRESH = """mutation ($t: String!) { refreshSession(refreshToken: $t) {
  __typename ... on SessionRefreshed { refreshToken } } }"""
_PROPS = "query { myProperties(first: 10) { edges { node { unitNo coHolders { maskedName } } } } }"


async def _journey(client: Client, faces: Path) -> list[str]:
    """The journey of the module docstring; returns what must never be kept in clear."""
    await seed_demo(client)
    selfie = _b64((faces / "person_a" / "selfie_1.jpg").read_bytes())
    start = {"name": CHEN_NAME, "idNumber": CHEN_ZHIQIANG, "channel": "FOSHANTONG",
             "consentVersion": "2026-12"}
    ch = (await client.gql(START, {"input": start}))["data"]["startFaceLogin"]
    face = (await client.gql(COMPLETE, {"input": {"challengeId": ch["challengeId"],
                                                  "image": selfie}}))["data"]["completeFaceLogin"]
    assert face["__typename"] == "LoginSuccess", face
    token = face["accessToken"]
    props = await client.gql(_PROPS, token=token)
    assert props["data"]["myProperties"]["edges"], props
    cert = (await client.gql(_ISSUE, token=token))["data"]["issueCertificate"]["certificate"]
    verified = await client.gql(_VERIFY, {"n": cert["number"], "c": cert["verificationCode"]})
    assert verified["data"]["verifyCertificate"]["status"] == "VALID"
    sms_ch = (await client.gql(START_SMS, {"input": {"name": CHEN_NAME, "idNumber": CHEN_ZHIQIANG,
                                                     "channel": "FOSHANTONG"}}))["data"][
        "startSmsLogin"]
    sms = (await client.gql(COMPLETE_SMS, {"input": {"challengeId": sms_ch["challengeId"],
                                                     "code": await last_code(CHEN_PHONE)}}))[
        "data"]["completeSmsLogin"]
    assert sms["__typename"] == "LoginSuccess", sms
    rotated = (await client.gql(_REFRESH, {"t": face["refreshToken"]}))["data"]["refreshSession"]
    assert rotated["__typename"] == "SessionRefreshed", rotated
    school = await _client_token(client, ("school-pii", "某学校", "SCHOOL", [
        ("SCHOOL_ENROLMENT", "HOLDS_RESIDENCE_IN_DISTRICT")]))
    code = (await client.gql("query { myShareCode { code } }", token=token))["data"][
        "myShareCode"]["code"]
    asked = (await client.gql(
        "mutation ($c: String!) { requestPropertyProof(input: {subjectCode: $c, purpose: "
        "SCHOOL_ENROLMENT, question: HOLDS_RESIDENCE_IN_DISTRICT, district: \"440604\"}) "
        "{ ... on ProofRequested { requestId } } }", {"c": code}, token=school))["data"][
        "requestPropertyProof"]
    await client.gql("mutation ($id: ID!) { decideProofRequest(input: {requestId: $id, "
                     "approve: true}) { __typename } }", {"id": asked["requestId"]}, token=token)
    answer = await client.gql("query ($id: ID!) { propertyProof(requestId: $id) { __typename "
                              "... on ProofAnswer { answer } } }", {"id": asked["requestId"]},
                              token=school)
    assert answer["data"]["propertyProof"]["answer"] is True, answer
    # Logging out the SMS session leaves its revocation in the store.
    out = await client.gql("mutation { logout { __typename } }", token=sms["accessToken"])
    assert out["data"]["logout"]["__typename"] == "LoggedOut", out
    # A failed attempt (someone else's face) leaves its counter in the store.
    wrong = (await client.gql(START, {"input": start}))["data"]["startFaceLogin"]
    failed = await client.gql(COMPLETE, {"input": {"challengeId": wrong["challengeId"], "image":
                                                   _b64((faces / "person_b" / "selfie_1.jpg"
                                                         ).read_bytes())}})
    assert failed["data"]["completeFaceLogin"]["__typename"] == "FaceMismatch", failed
    # A challenge left open: the name and ID number it carries sit in the store.
    left = (await client.gql(START, {"input": start}))["data"]["startFaceLogin"]
    assert left["__typename"] == "FaceChallenge"
    return [CHEN_ZHIQIANG, CHEN_NAME, CHEN_PHONE, LI_HUIMIN, SPOUSE_NAME,
            cert["verificationCode"], cert["verificationCode"].replace("-", ""),
            face["refreshToken"].rsplit(".", 1)[1], rotated["refreshToken"].rsplit(".", 1)[1],
            sms["refreshToken"].rsplit(".", 1)[1], selfie[200:260],
            _b64((faces / "person_a" / "reference.jpg").read_bytes())[200:260]]


async def _tables() -> str:
    """Every row of every table (platform and mock systems), as text."""
    def text(value: object) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    dumps = []
    for app in Tortoise.apps.values():
        for model in app.values():
            rows = await model.all().values()
            dumps.append(json.dumps([{k: text(v) for k, v in r.items()} for r in rows],
                                    ensure_ascii=False))
    return "\n".join(dumps)


async def _store(kv: Any) -> list[tuple[str, str, int]]:
    """(key, value, seconds to live) of every key in the shared store."""
    def text(value: object) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    found = []
    async for raw in kv.scan_iter(match="*"):
        key = text(raw)
        value = await kv.get(key) if text(await kv.type(key)) == "string" else ""
        found.append((key, text(value or ""), int(await kv.ttl(key))))
    return found


async def test_no_table_store_value_or_log_line_holds_plaintext_personal_data(
        client: Client, faces_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    """ID numbers, names and phones (the citizen's and a co-holder's), the
    verification code, refresh secrets and the selfie: only ciphertexts, blind
    indexes, hashes and masked forms remain, in every table and store value."""
    with caplog.at_level(logging.DEBUG):
        secrets = await _journey(client, faces_dir)
    tables = await _tables()
    store = await _store(client.state.kv)
    assert "v1:pii-" in tables  # ciphertexts are there ...
    assert any(v.startswith("v1:pii-") or '"p": "v1:' in v for _, v, _ in store)
    for secret in secrets:  # ... and nothing in clear
        assert secret not in tables, secret
        assert not [k for k, v, _ in store if secret in k or secret in v], secret
        assert secret not in caplog.text, secret


async def test_every_key_in_the_shared_store_expires_within_a_week(
        client: Client, faces_dir: Path) -> None:
    """Challenges, counters, SMS budgets, revocations, share codes and the cached
    face template all carry a lifetime; the longest is the template's 7 days."""
    await _journey(client, faces_dir)
    store = await _store(client.state.kv)
    assert any(k.startswith("face:template:") for k, _, _ in store)
    assert any(k.startswith("ch:face:") for k, _, _ in store)
    assert any(k.startswith("fail:") for k, _, _ in store)
    assert any(k.startswith("sms:") for k, _, _ in store)
    assert any(k.startswith("revoked:") for k, _, _ in store)
    lives = {k: ttl for k, _, ttl in store}
    assert all(0 < ttl <= 7 * 24 * 3600 for ttl in lives.values()), lives
    s = client.state.settings
    bounds = {"ch:face:": s.challenge_ttl_seconds, "ch:sms:": s.sms_code_ttl_seconds,
              "share:": 10 * 60, "lock:": s.lockout_seconds, "fail:": s.failure_window_seconds,
              "sms:": 24 * 3600, "revoked:": s.access_token_ttl_seconds + 60}
    for key, ttl in lives.items():
        for prefix, most in bounds.items():
            assert not key.startswith(prefix) or ttl <= most, (key, ttl)
