"""The citizen's privacy controls in the mini-program demo (/demo/), end to end (issue 12):
a third-party request's consent screen (its parameters verbatim), approving and
revoking the grant, the data-access log, my devices (revoking another one) and
withdrawing face consent. The third party is real: a client registered with
``add-client``, its token from POST /oauth/token, its questions over /graphql.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from typing import Any

from playwright.sync_api import expect

from api.infra.crypto import PiiVault
from api.infra.keys import load_keyring
from api.infra.settings import Env, Settings
from tests.mobile_demo.conftest import DemoServer
from tests.mobile_demo.demo_steps import face_login, new_citizen

REFERENCE = "tests/fixtures/faces/person_a/reference.jpg"  # matches the default fake camera
SCHOOL = "佛山市禅城区教育局招生办"
_REQUEST = """mutation ($i: RequestPropertyProofInput!) { requestPropertyProof(input: $i) {
  __typename ... on ProofRequested { requestId } ... on UserError { code message } } }"""
_PROOF = """query ($id: ID!) { propertyProof(requestId: $id) { __typename
  ... on ProofAnswer { answer address share } ... on UserError { code } } }"""
_ADDRESSES = "query { myProperties(first: 5) { edges { node { address use } } } }"
_ME = "{ me { maskedName } }"


def _institution(server: DemoServer, allow: str) -> str:
    """A school registered by the operator's CLI; its access token from /oauth/token."""
    client_id = f"school-{uuid.uuid4().hex[:8]}"
    out = server.cli("add-client", "--id", client_id, "--name", SCHOOL, "--kind", "SCHOOL",
                     "--allow", allow)
    secret = re.search(r"secret \(shown once\): (\S+)", out)
    assert secret, out
    resp = server.http.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id,
        "client_secret": secret.group(1)})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


def _a_home(server: DemoServer, me: dict[str, str]) -> str:
    """The address of one of ``me``'s homes (住宅), adding properties until there is one."""
    token = server.login_face(me["name"], me["id"])["accessToken"]
    for _ in range(10):
        edges = server.gql(_ADDRESSES, token=token)["data"]["myProperties"]["edges"]
        homes = [e["node"]["address"] for e in edges if e["node"]["use"] == "住宅"]
        if homes:
            return homes[0]
        # An upsert of the whole identity record: keep the photo and phone.
        server.cli("add-citizen", "--name", me["name"], "--id-number", me["id"], "--photo",
                   REFERENCE, "--phone", me["phone"], "--properties", "1")
    raise AssertionError("add-citizen gave no home in ten properties")


def _consents(server: DemoServer, id_number: str) -> list[tuple[str, str | None]]:
    """(version, withdrawn_at) of this person's biometric consents, read from the database."""
    vault = PiiVault(load_keyring(Settings(app_env=Env.DEVELOPMENT,
                                           keys_dir=server.var_dir / "keys")))
    with sqlite3.connect(server.var_dir / "fsreg.sqlite3") as db:
        return db.execute("SELECT version, withdrawn_at FROM consent WHERE id_number_hash = ? "
                          "AND kind = 'BIOMETRIC' ORDER BY granted_at",
                          (vault.blind_index(id_number),)).fetchall()


def test_third_party_request_consent_approve_revoke_and_access_log(
        demo_server: DemoServer, phone: Any, shot: Any) -> None:
    me = new_citizen(demo_server, photo=REFERENCE, properties=1)
    home = _a_home(demo_server, me)
    school = _institution(demo_server, "SCHOOL_ENROLMENT:HOLDS_RESIDENCE_AT_ADDRESS")
    face_login(phone, me["name"], me["id"], landing="[data-test=home-greeting]")

    # The citizen shows the share code; the school asks about an address, typed its way.
    phone.goto("/demo/#/proofs")
    code = phone.locator("[data-test=share-code] .share-code").inner_text().strip()
    asked = f"  {home[:3]} {home[3:]}"  # leading spaces and one inside: shown as sent
    r = demo_server.gql(_REQUEST, {"i": {"subjectCode": code, "purpose": "SCHOOL_ENROLMENT",
                                         "question": "HOLDS_RESIDENCE_AT_ADDRESS",
                                         "address": asked}}, token=school)
    request = r["data"]["requestPropertyProof"]
    assert request["__typename"] == "ProofRequested", r

    # The consent screen: who asks, what exactly (the parameter verbatim), what they learn.
    phone.reload()
    card = phone.locator("[data-test=proof-request]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(SCHOOL)
    expect(card).to_contain_text("房屋坐落（完整地址）")
    assert card.locator("[data-test=proof-param]").text_content() == asked
    expect(card).to_contain_text("是/否；房屋坐落；本人持有份额")
    shot(phone, "demo-proof-consent")
    waiting = demo_server.gql(_PROOF, {"id": request["requestId"]}, token=school)
    assert waiting["data"]["propertyProof"]["__typename"] == "ProofPending"

    # Approve: the school gets the answer (a whole-address match), nothing more.
    card.locator("[data-test=proof-approve]").click()
    expect(phone.locator("[data-test=proof-request]")).to_have_count(0)
    grant = phone.locator("[data-test=grant]")
    expect(grant).to_have_count(1)
    expect(grant).to_contain_text("已同意")
    assert grant.locator("[data-test=proof-param]").text_content() == asked
    answer = demo_server.gql(_PROOF, {"id": request["requestId"]}, token=school)["data"][
        "propertyProof"]
    assert answer == {"__typename": "ProofAnswer", "answer": True, "address": home,
                      "share": "100%"}

    # Revoke: at once, the school gets nothing more.
    grant.locator("[data-test=grant-revoke]").click()
    expect(grant).to_contain_text("已撤回")
    expect(grant.locator("[data-test=grant-revoke]")).to_have_count(0)
    after = demo_server.gql(_PROOF, {"id": request["requestId"]}, token=school)
    assert after["data"]["propertyProof"]["__typename"] == "GrantUnavailable"

    # 谁查询了我的信息: every step the school took, by name.
    phone.goto("/demo/#/access-log")
    entries = phone.locator("[data-test=access-entry]", has_text=SCHOOL)
    expect(entries).to_have_count(4)
    text = " ".join(entries.all_inner_texts())
    for scope in ("PROOF_REQUESTED", "PROOF_GRANTED", "PROOF_ANSWERED", "PROOF_REVOKED"):
        assert scope in text, scope
    assert "子女入学" in text
    shot(phone, "demo-access-log")


def test_my_devices_lists_sessions_and_revokes_another(demo_server: DemoServer, phone: Any,
                                                       shot: Any) -> None:
    me = new_citizen(demo_server, photo=REFERENCE, properties=1)
    other = demo_server.login_face(me["name"], me["id"], channel="YUESHENGSHI")["accessToken"]
    face_login(phone, me["name"], me["id"], landing="[data-test=home-greeting]")
    phone.goto("/demo/#/me")
    phone.click("[data-test=entry-sessions]")
    cards = phone.locator("[data-test=session-card]")
    expect(cards).to_have_count(2)
    mine = cards.filter(has_text="本机")
    theirs = cards.filter(has_text="粤省事")
    expect(mine).to_have_count(1)
    expect(theirs).to_have_count(1)
    expect(mine.locator("[data-test=session-revoke]")).to_have_count(0)  # not this device
    shot(phone, "demo-sessions")
    assert "errors" not in demo_server.gql(_ME, token=other)

    theirs.locator("[data-test=session-revoke]").click()
    expect(theirs).to_have_count(0)  # the list shows live sessions only
    expect(cards).to_have_count(1)
    gone = demo_server.gql(_ME, token=other)
    assert gone["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # This device stays signed in.
    phone.goto("/demo/#/me")
    expect(phone.locator("[data-test=me-profile]")).to_be_visible()


def test_withdrawing_face_consent_is_recorded_and_asked_again(demo_server: DemoServer,
                                                              phone: Any, shot: Any) -> None:
    me = new_citizen(demo_server, photo=REFERENCE, properties=1)
    face_login(phone, me["name"], me["id"], landing="[data-test=home-greeting]")
    assert [withdrawn for _, withdrawn in _consents(demo_server, me["id"])] == [None]

    phone.goto("/demo/#/me")
    phone.click("[data-test=consent-withdraw]")
    expect(phone.locator("dialog")).to_contain_text("人脸识别")
    shot(phone, "demo-consent-withdraw")
    phone.click("[data-test=confirm-ok]")
    expect(phone.locator("[data-test=notice]")).to_contain_text("已撤回人脸识别授权（1 条）")
    assert all(withdrawn is not None for _, withdrawn in _consents(demo_server, me["id"]))

    # The next face login asks for consent again, and records it anew.
    phone.evaluate("() => localStorage.clear()")  # signed out on this phone
    phone.reload()
    face_login(phone, me["name"], me["id"], landing="[data-test=home-greeting]")
    consents = _consents(demo_server, me["id"])
    assert len(consents) == 2
    assert consents[-1][1] is None
