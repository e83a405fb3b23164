"""Issue 9: consented, minimal-disclosure property proofs for third parties."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from api.models import AuditEvent, ProofRequest
from api.services.proofs import clients
from api.services.proofs import requests as proofs
from mock_providers.datagen.demo import CHEN_ZHIQIANG, HE_SHIQI, HUANG_GUOLIANG
from tests.conftest import Client
from tests.resolvers.helpers import seed_demo, token_for

SCHOOL = ("school-cc", "佛山市禅城区教育局招生办", "SCHOOL", [
    ("SCHOOL_ENROLMENT", "HOLDS_RESIDENCE_IN_DISTRICT"),
    ("SCHOOL_ENROLMENT", "HOLDS_RESIDENCE_AT_ADDRESS")])
BANK = ("bank-icbc", "中国工商银行股份有限公司佛山分行", "BANK", [
    ("LOAN", "UNIT_FREE_OF_SEIZURE"), ("LOAN", "HOLDS_NO_PROPERTY")])
SHARE = "query { myShareCode { code expiresAt } }"
REQUEST = """mutation ($i: RequestPropertyProofInput!) { requestPropertyProof(input: $i) {
  __typename ... on ProofRequested { requestId decideBy } ... on UserError { code message } } }"""
PENDING = """query { pendingProofRequests { id requester { name kind } purpose question questionText
  parameters { name label value meaning } disclosure grantDays maxUses status } }"""
DECIDE = """mutation ($id: ID!, $ok: Boolean!) { decideProofRequest(input: {requestId: $id, approve: $ok})
  { __typename ... on ProofRequestDecided { request { status validUntil usesLeft } }
    ... on UserError { code } } }"""
PROOF = """query ($id: ID!) { propertyProof(requestId: $id) { __typename
  ... on ProofAnswer { answer address share asOf statement purpose question }
  ... on ProofPending { decideBy } ... on UserError { code } } }"""
GRANTS = "query { myGrants { id status usesLeft revoked requester { name } } }"
REVOKE = "mutation ($id: ID!) { revokeGrant(requestId: $id) { __typename } }"


async def _client_token(client: Client, spec: tuple, secret: str = "s3cret-dev") -> str:
    cid, name, kind, allowed = spec
    await clients.register(client_id=cid, name=name, kind=kind, allowed=allowed, secret=secret)
    resp = await client.http.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": cid, "client_secret": secret})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


@pytest.fixture
async def demo(client: Client) -> None:
    await seed_demo(client)


async def _ask(client: Client, inst: str, citizen: str, **inp: object) -> dict:
    code = (await client.gql(SHARE, token=citizen))["data"]["myShareCode"]["code"]
    body = await client.gql(REQUEST, {"i": {"subjectCode": code, **inp}}, token=inst)
    return body["data"]["requestPropertyProof"]


class TestFlow:
    async def test_school_enrolment_discloses_only_address_and_share(
            self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        asked = await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT",
                           question="HOLDS_RESIDENCE_IN_DISTRICT", district="440604")
        assert asked["__typename"] == "ProofRequested"
        waiting = (await client.gql(PROOF, {"id": asked["requestId"]}, token=school))["data"][
            "propertyProof"]
        assert waiting["__typename"] == "ProofPending"
        [seen] = (await client.gql(PENDING, token=chen))["data"]["pendingProofRequests"]
        assert seen["requester"] == {"name": "佛山市禅城区教育局招生办", "kind": "SCHOOL"}
        assert seen["disclosure"] == ["是/否", "房屋坐落", "本人持有份额"]
        decided = await client.gql(DECIDE, {"id": seen["id"], "ok": True}, token=chen)
        assert decided["data"]["decideProofRequest"]["request"]["status"] == "APPROVED"
        proof = (await client.gql(PROOF, {"id": asked["requestId"]}, token=school))["data"][
            "propertyProof"]
        assert proof["__typename"] == "ProofAnswer"
        assert proof["answer"] is True
        assert proof["address"].startswith("佛山市禅城区")
        assert proof["share"] == "共同共有"
        claims = jwt.decode(proof["statement"], options={"verify_signature": False})
        disclosed = set(claims) - {"iss", "aud", "iat", "exp", "jti", "sub", "client", "purpose",
                                   "question", "params", "asOf"}
        assert disclosed == {"answer", "address", "share"}
        text = json.dumps(claims, ensure_ascii=False) + json.dumps(proof, ensure_ascii=False)
        for secret in (CHEN_ZHIQIANG, "抵押", "银行", "车位", "南海"):
            assert secret not in text

    async def test_loan_discloses_only_yes_no(self, client: Client, demo: None) -> None:
        bank = await _client_token(client, BANK)
        huang = await token_for(client, "黄国梁", HUANG_GUOLIANG)
        unit = (await client.gql("query { myProperties(first: 1) { edges { node { unitNo } } } }",
                                 token=huang))["data"]["myProperties"]["edges"][0]["node"]["unitNo"]
        asked = await _ask(client, bank, huang, purpose="LOAN", question="UNIT_FREE_OF_SEIZURE",
                           unitNo=unit)
        await client.gql(DECIDE, {"id": asked["requestId"], "ok": True}, token=huang)
        proof = (await client.gql(PROOF, {"id": asked["requestId"]}, token=bank))["data"][
            "propertyProof"]
        assert proof["answer"] is False  # the demo flat is seized
        assert proof["address"] is None
        assert proof["share"] is None

    async def test_statement_verifies_offline_and_fails_when_altered(
            self, client: Client, demo: None) -> None:
        bank = await _client_token(client, BANK)
        he = await token_for(client, "何诗琪", HE_SHIQI)
        asked = await _ask(client, bank, he, purpose="LOAN", question="HOLDS_NO_PROPERTY")
        await client.gql(DECIDE, {"id": asked["requestId"], "ok": True}, token=he)
        proof = (await client.gql(PROOF, {"id": asked["requestId"]}, token=bank))["data"][
            "propertyProof"]
        jwks = (await client.http.get("/.well-known/jwks.json")).json()
        kid = jwt.get_unverified_header(proof["statement"])["kid"]
        key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid)).key
        claims = jwt.decode(proof["statement"], key, algorithms=["ES256"],
                            audience=proofs.PROOF_AUDIENCE)
        assert claims["answer"] is True
        assert claims["client"] == "bank-icbc"
        head, body, sig = proof["statement"].split(".")
        altered = json.loads(base64.urlsafe_b64decode(body + "=="))
        altered["answer"] = False
        forged = base64.urlsafe_b64encode(json.dumps(altered).encode()).rstrip(b"=").decode()
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(f"{head}.{forged}.{sig}", key, algorithms=["ES256"],
                       audience=proofs.PROOF_AUDIENCE)


class TestLimits:
    async def test_only_registered_questions(self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        r = await _ask(client, school, chen, purpose="LOAN", question="HOLDS_NO_PROPERTY")
        assert r["__typename"] == "QuestionNotAllowed"

    async def test_bad_share_code(self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        body = await client.gql(REQUEST, {"i": {"subjectCode": "NOPE1234",
                                                "purpose": "SCHOOL_ENROLMENT",
                                                "question": "HOLDS_RESIDENCE_IN_DISTRICT",
                                                "district": "440604"}},
                                token=school)
        assert body["data"]["requestPropertyProof"]["__typename"] == "SubjectNotFound"

    async def test_declined_used_up_revoked_expired_yield_nothing(
            self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        ask = {"purpose": "SCHOOL_ENROLMENT", "question": "HOLDS_RESIDENCE_IN_DISTRICT",
               "district": "440604"}
        declined = await _ask(client, school, chen, **ask)
        await client.gql(DECIDE, {"id": declined["requestId"], "ok": False}, token=chen)
        r = await client.gql(PROOF, {"id": declined["requestId"]}, token=school)
        assert r["data"]["propertyProof"]["__typename"] == "ProofDeclined"
        used = await _ask(client, school, chen, **ask)
        await client.gql(DECIDE, {"id": used["requestId"], "ok": True}, token=chen)
        kinds = [(await client.gql(PROOF, {"id": used["requestId"]}, token=school))["data"][
            "propertyProof"]["__typename"] for _ in range(4)]
        assert kinds == ["ProofAnswer"] * 3 + ["GrantUnavailable"]
        revoked = await _ask(client, school, chen, **ask)
        await client.gql(DECIDE, {"id": revoked["requestId"], "ok": True}, token=chen)
        await client.gql(REVOKE, {"id": revoked["requestId"]}, token=chen)
        r = await client.gql(PROOF, {"id": revoked["requestId"]}, token=school)
        assert r["data"]["propertyProof"]["__typename"] == "GrantUnavailable"
        expired = await _ask(client, school, chen, **ask)
        await client.gql(DECIDE, {"id": expired["requestId"], "ok": True}, token=chen)
        from datetime import UTC, datetime, timedelta

        await ProofRequest.filter(id=expired["requestId"]).update(
            grant_until=datetime.now(UTC) - timedelta(seconds=1))
        r = await client.gql(PROOF, {"id": expired["requestId"]}, token=school)
        assert r["data"]["propertyProof"]["__typename"] == "GrantUnavailable"
        grants = (await client.gql(GRANTS, token=chen))["data"]["myGrants"]
        assert {g["id"]: g["revoked"] for g in grants}[revoked["requestId"]] is True

    async def test_approving_needs_face_level(self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen_l1 = await token_for(client, "陈志强", CHEN_ZHIQIANG, level="L1")
        asked = await _ask(client, school, chen_l1, purpose="SCHOOL_ENROLMENT",
                           question="HOLDS_RESIDENCE_IN_DISTRICT", district="440604")
        r = await client.gql(DECIDE, {"id": asked["requestId"], "ok": True}, token=chen_l1)
        assert r["errors"][0]["extensions"]["code"] == "INSUFFICIENT_ASSURANCE"

    async def test_other_clients_request_answers_like_missing(self, client: Client,
                                                              demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        bank = await _client_token(client, BANK)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        asked = await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT",
                           question="HOLDS_RESIDENCE_IN_DISTRICT", district="440604")
        await client.gql(DECIDE, {"id": asked["requestId"], "ok": True}, token=chen)
        theirs = await client.gql(PROOF, {"id": asked["requestId"]}, token=bank)
        missing = await client.gql(PROOF, {"id": str(uuid.uuid4())}, token=bank)
        assert theirs["data"] == missing["data"]

    async def test_requests_are_rate_limited_per_client(self, client: Client, demo: None
                                                        ) -> None:
        """A client asks at most its registered ``rate_per_minute``; then RATE_LIMITED,
        and nothing more reaches the citizen's pending list."""
        from api.models import ApiClient

        school = await _client_token(client, SCHOOL)
        await ApiClient.filter(id=SCHOOL[0]).update(rate_per_minute=2)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        code = (await client.gql(SHARE, token=chen))["data"]["myShareCode"]["code"]
        ask = {"i": {"subjectCode": code, "purpose": "SCHOOL_ENROLMENT",
                     "question": "HOLDS_RESIDENCE_IN_DISTRICT", "district": "440604"}}
        bodies = [await client.gql(REQUEST, ask, token=school) for _ in range(3)]
        assert [b["data"]["requestPropertyProof"]["__typename"] for b in bodies[:2]] == [
            "ProofRequested"] * 2
        assert bodies[2]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert await ProofRequest.all().count() == 2

    async def test_every_step_in_access_log_and_audit(self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        asked = await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT",
                           question="HOLDS_RESIDENCE_IN_DISTRICT", district="440604")
        await client.gql(DECIDE, {"id": asked["requestId"], "ok": True}, token=chen)
        await client.gql(PROOF, {"id": asked["requestId"]}, token=school)
        await client.gql(REVOKE, {"id": asked["requestId"]}, token=chen)
        log = await client.gql("query { myDataAccessLog(first: 20) { edges { node { "
                               "accessorKind accessorName scope } } } }", token=chen)
        scopes = {e["node"]["scope"].split(":")[0] for e in log["data"]["myDataAccessLog"][
            "edges"] if e["node"]["accessorKind"] == "THIRD_PARTY"}
        assert scopes == {"PROOF_REQUESTED", "PROOF_GRANTED", "PROOF_ANSWERED", "PROOF_REVOKED"}
        actions = set(await AuditEvent.all().values_list("action", flat=True))
        assert {"proof.granted", "proof.answered", "proof.revoked"} <= actions


YICUI_1502 = "佛山市禅城区祖庙街道季华五路23号怡翠花园3座1502房"  # 陈志强's home (JOINT)


class TestParameters:
    """Issue 12 item 3: the consent screen shows the question's parameters verbatim;
    an address matches whole, never a substring; the answer discloses only what
    the consent screen listed."""

    async def _approve(self, client: Client, school: str, chen: str, **ask: object
                       ) -> tuple[dict, dict]:
        asked = await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT", **ask)
        assert asked["__typename"] == "ProofRequested", asked
        [seen] = (await client.gql(PENDING, token=chen))["data"]["pendingProofRequests"]
        await client.gql(DECIDE, {"id": seen["id"], "ok": True}, token=chen)
        proof = (await client.gql(PROOF, {"id": asked["requestId"]}, token=school))["data"][
            "propertyProof"]
        return seen, proof

    async def test_address_fragment_is_shown_and_discloses_nothing(self, client: Client,
                                                                   demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        seen, proof = await self._approve(client, school, chen,
                                          question="HOLDS_RESIDENCE_AT_ADDRESS", address="佛")
        assert seen["parameters"] == [{"name": "address", "label": "房屋坐落（完整地址）",
                                       "value": "佛", "meaning": None}]
        assert proof["__typename"] == "ProofAnswer"
        assert proof["answer"] is False
        assert proof["address"] is None
        assert proof["share"] is None

    async def test_whole_address_matches_after_normalisation(self, client: Client,
                                                             demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        # Full-width digits, spaces, without the city: the same address, shown as sent.
        sent = " 禅城区祖庙街道季华五路２３号 怡翠花园３座１５０２房"
        seen, proof = await self._approve(client, school, chen,
                                          question="HOLDS_RESIDENCE_AT_ADDRESS", address=sent)
        assert seen["parameters"][0]["value"] == sent
        assert proof["answer"] is True
        assert proof["address"] == YICUI_1502
        assert proof["share"] == "共同共有"
        # One room more is another flat: a prefix of an address is not that address.
        _, other = await self._approve(client, school, chen, question="HOLDS_RESIDENCE_AT_ADDRESS",
                                       address=YICUI_1502[:-1])
        assert other["answer"] is False

    async def test_unit_number_answers_an_address_question(self, client: Client,
                                                           demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        unit = next(e["node"]["unitNo"] for e in (await client.gql(
            "query { myProperties(first: 5) { edges { node { unitNo address } } } }",
            token=chen))["data"]["myProperties"]["edges"] if e["node"]["address"] == YICUI_1502)
        seen, proof = await self._approve(client, school, chen,
                                          question="HOLDS_RESIDENCE_AT_ADDRESS", unitNo=unit)
        assert seen["parameters"] == [{"name": "unitNo", "label": "不动产单元号", "value": unit,
                                       "meaning": None}]
        assert proof["answer"] is True

    async def test_district_is_shown_with_its_name(self, client: Client, demo: None) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT",
                   question="HOLDS_RESIDENCE_IN_DISTRICT", district="440604")
        [seen] = (await client.gql(PENDING, token=chen))["data"]["pendingProofRequests"]
        assert seen["parameters"] == [{"name": "district", "label": "行政区划代码",
                                       "value": "440604", "meaning": "禅城区"}]

    @pytest.mark.parametrize("ask", [
        {"question": "HOLDS_RESIDENCE_AT_ADDRESS"},  # nothing to ask about
        {"question": "HOLDS_RESIDENCE_AT_ADDRESS", "address": YICUI_1502, "district": "440604"},
        {"question": "HOLDS_RESIDENCE_AT_ADDRESS", "address": "   "},
        {"question": "HOLDS_RESIDENCE_IN_DISTRICT", "district": "佛山"},
        {"question": "HOLDS_RESIDENCE_IN_DISTRICT", "district": "440604", "unitNo": "x"},
        {"question": "HOLDS_RESIDENCE_AT_ADDRESS", "unitNo": "4406"},
    ])
    async def test_missing_extra_or_malformed_parameters_are_refused(
            self, client: Client, demo: None, ask: dict) -> None:
        school = await _client_token(client, SCHOOL)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        r = await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT", **ask)
        assert r["__typename"] == "ProofParametersInvalid"
        assert r["code"] == "PARAMETERS_INVALID"
        assert "参数" in r["message"] or "应为" in r["message"]
        assert await ProofRequest.all().count() == 0

    async def test_answer_carries_only_the_fields_listed_when_asked(
            self, client: Client, demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
        spec = ("school-nh", "佛山市南海区教育局招生办", "SCHOOL",
                [("SCHOOL_ENROLMENT", "HOLDS_NO_PROPERTY"),
                 ("HUKOU_TRANSFER", "HOLDS_RESIDENCE_IN_DISTRICT")])
        school = await _client_token(client, spec)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        none = await _ask(client, school, chen, purpose="SCHOOL_ENROLMENT",
                          question="HOLDS_NO_PROPERTY")
        hukou = await _ask(client, school, chen, purpose="HUKOU_TRANSFER",
                           question="HOLDS_RESIDENCE_IN_DISTRICT", district="440605")
        pending = {r["id"]: r for r in (await client.gql(PENDING, token=chen))["data"][
            "pendingProofRequests"]}
        # A yes/no question lists only the yes/no, whatever its purpose could disclose.
        assert pending[none["requestId"]]["disclosure"] == ["是/否"]
        assert pending[hukou["requestId"]]["disclosure"] == ["是/否", "房屋坐落"]
        for asked in (none, hukou):
            await client.gql(DECIDE, {"id": asked["requestId"], "ok": True}, token=chen)
        # Widening a purpose's fields later does not widen a consent already given.
        monkeypatch.setitem(proofs.DISCLOSURE, "HUKOU_TRANSFER", ("answer", "address", "share"))
        proof = (await client.gql(PROOF, {"id": hukou["requestId"]}, token=school))["data"][
            "propertyProof"]
        assert proof["answer"] is True
        assert proof["address"].startswith("佛山市南海区")
        assert proof["share"] is None
        claims = jwt.decode(proof["statement"], options={"verify_signature": False})
        assert "share" not in claims


class TestClientAuth:
    async def test_wrong_secret_and_wrong_grant(self, client: Client) -> None:
        await _client_token(client, SCHOOL)
        bad = await client.http.post("/oauth/token", data={
            "grant_type": "client_credentials", "client_id": "school-cc", "client_secret": "x"})
        assert bad.status_code == 401
        assert bad.json()["error"] == "invalid_client"
        other = await client.http.post("/oauth/token", data={"grant_type": "password"})
        assert other.status_code == 401

    async def test_secrets_are_refused_in_production(self, client: Client) -> None:
        """A shared secret is a development convenience: production clients sign."""
        settings = client.state.settings
        await _client_token(client, SCHOOL)  # works outside production
        settings.app_env = type(settings.app_env)("production")
        assert settings.is_production
        resp = await client.http.post("/oauth/token", data={
            "grant_type": "client_credentials", "client_id": SCHOOL[0],
            "client_secret": "s3cret-dev"})
        assert resp.status_code == 401
        assert resp.json()["error"] == "invalid_client"

    async def test_signed_assertion_single_use(self, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        await clients.register(client_id="police-nh", name="南海区公安分局户政科", kind="POLICE",
                               allowed=[("HUKOU_TRANSFER", "HOLDS_RESIDENCE_AT_ADDRESS")],
                               public_key_pem=pem.decode())
        now = int(time.time())
        assertion = jwt.encode({"iss": "police-nh", "sub": "police-nh", "iat": now,
                                "exp": now + 60, "jti": uuid.uuid4().hex,
                                "aud": f"{settings.public_base_url}/oauth/token"}, key,
                               algorithm="ES256")
        form = {"grant_type": "client_credentials", "client_assertion": assertion,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
        first = await client.http.post("/oauth/token", data=form)
        assert first.status_code == 200
        replay = await client.http.post("/oauth/token", data=form)
        assert replay.status_code == 401
        me = await client.gql("query { me { maskedName } }", token=first.json()["access_token"])
        assert me["errors"][0]["extensions"]["code"] == "FORBIDDEN"
