"""RELIABILITY R4 items 21-22: ID numbers validated, encrypted, blind-indexed, masked."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from api import idnumber
from api.crypto import DecryptionError, PiiVault
from api.keys import Keyring, generate_keyring_document, parse_keyring
from api.logging import install_redaction, redact

VALID = "44060419850312001X"


def _valid(first17: str) -> str:
    return first17 + idnumber.check_digit(first17)


class TestIdNumber:
    def test_check_digit_validates(self) -> None:
        good = _valid("44060419850312001")
        assert idnumber.normalize(good.lower()) == good
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
        with pytest.raises(idnumber.InvalidIdNumber) as exc:
            idnumber.normalize(bad)
        assert exc.value.code == "INVALID_ID_NUMBER"
        assert "身份证" in exc.value.message

    @pytest.mark.parametrize("raw", ["", "12345", "4406041985031200", "44060419851332001X",
                                     "4406041985031200１X", "44060419850230001X"])
    def test_malformed_refused(self, raw: str) -> None:
        assert not idnumber.is_valid(raw)

    def test_mask_hides_birth_date(self) -> None:
        number = _valid("44060419850312001")
        masked = idnumber.mask(number)
        assert masked == f"440***********{number[-4:]}"
        assert "19850312" not in masked
        assert len(masked) == 18

    def test_mask_name(self) -> None:
        assert idnumber.mask_name("陈志明") == "陈**"
        assert idnumber.mask_name("欧阳娜娜") == "欧***"


@pytest.fixture
def ring() -> Keyring:
    return parse_keyring(generate_keyring_document("test"))


class TestVault:
    def test_round_trip_and_no_plaintext(self, ring: Keyring) -> None:
        vault = PiiVault(ring)
        number = _valid("44060419850312001")
        token = vault.encrypt(number, table="citizen", column="id_number", row="r1")
        assert number not in token
        assert token.startswith(f"v1:{ring.pii_active}:")
        assert vault.decrypt(token, table="citizen", column="id_number", row="r1") == number

    def test_ciphertext_bound_to_table_column_row(self, ring: Keyring) -> None:
        vault = PiiVault(ring)
        token = vault.encrypt("x", table="citizen", column="id_number", row="r1")
        for table, column, row in [("citizen", "id_number", "r2"), ("citizen", "name", "r1"),
                                   ("other", "id_number", "r1")]:
            with pytest.raises(DecryptionError):
                vault.decrypt(token, table=table, column=column, row=row)

    def test_wrong_key_fails_closed(self, ring: Keyring) -> None:
        token = PiiVault(ring).encrypt("x", table="t", column="c", row="r")
        other = PiiVault(parse_keyring(generate_keyring_document("test")))
        with pytest.raises(DecryptionError):
            other.decrypt(token, table="t", column="c", row="r")

    def test_rotation_keeps_old_values_readable(self, ring: Keyring) -> None:
        doc = generate_keyring_document("test")
        old_vault = PiiVault(parse_keyring(doc))
        token = old_vault.encrypt("x", table="t", column="c", row="r")
        doc["pii"]["keys"]["pii-2"] = generate_keyring_document("test")["pii"]["keys"]["pii-1"]
        doc["pii"]["active"] = "pii-2"
        new_vault = PiiVault(parse_keyring(doc))
        assert new_vault.decrypt(token, table="t", column="c", row="r") == "x"
        assert new_vault.encrypt("y", table="t", column="c", row="r").startswith("v1:pii-2:")

    def test_blind_index_keyed_and_stable(self, ring: Keyring) -> None:
        vault = PiiVault(ring)
        number = _valid("44060419850312001")
        assert vault.blind_index(number) == vault.blind_index(number)
        other = PiiVault(parse_keyring(generate_keyring_document("test")))
        assert other.blind_index(number) != vault.blind_index(number)


class TestLogRedaction:
    def test_redact_ids_and_phones(self) -> None:
        number = _valid("44060419850312001")
        assert redact(f"id={number} phone=13812345678") == (
            f"id=440***********{number[-4:]} phone=138****5678")

    @pytest.mark.logs_errors  # a simulated server failure
    def test_records_are_redacted_whatever_the_handler(
            self, caplog: pytest.LogCaptureFixture) -> None:
        install_redaction()
        number = _valid("44060419850312001")
        with caplog.at_level(logging.INFO):
            logging.getLogger("x").info("looked up %s", number)
            try:
                raise ValueError(f"bad {number}")
            except ValueError:
                logging.getLogger("x").exception("failed")
        assert number not in caplog.text
        assert "19850312" not in caplog.text


# -- at rest: what a citizen's journey leaves behind (docs/privacy.md) -------------

CHEN_NAME, CHEN_PHONE = "陈志强", "13925001101"
SPOUSE_NAME = "李慧敏"  # 陈志强's co-holder: her name and ID number are read from the register
_ISSUE = """mutation { issueCertificate(input: {kind: HOLDINGS, purpose: TAX}) {
  __typename ... on CertificateIssued { certificate { number verificationCode } } } }"""
_VERIFY = """query ($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) {
  status } }"""
_REFRESH = """mutation ($t: String!) { refreshSession(refreshToken: $t) {
  __typename ... on SessionRefreshed { refreshToken } } }"""
_PROPS = "query { myProperties(first: 10) { edges { node { unitNo coHolders { maskedName } } } } }"


async def _journey(client: Any, faces: Path) -> list[str]:
    """Face login, holdings, a certificate and its verification, an SMS login, a
    refresh, a third party's consented question, a face challenge left open.
    Returns what must never be kept in clear."""
    from api.services import clients
    from mock_providers.datagen.demo import CHEN_ZHIQIANG, LI_HUIMIN
    from tests.resolvers.helpers import seed_demo
    from tests.resolvers.session.helpers import COMPLETE_SMS, START_SMS, last_code
    from tests.resolvers.session.test_face_login import COMPLETE, START, _b64

    await seed_demo(client)
    selfie = _b64((faces / "person_a" / "selfie_1.jpg").read_bytes())
    start = {"name": CHEN_NAME, "idNumber": CHEN_ZHIQIANG, "channel": "FOSHANTONG",
             "consentVersion": "2026-01"}
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
    await clients.register(client_id="school-pii", name="某学校", kind="SCHOOL", secret="s",
                           allowed=[("SCHOOL_ENROLMENT", "HOLDS_RESIDENCE_IN_DISTRICT")])
    school = (await client.http.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": "school-pii",
        "client_secret": "s"})).json()["access_token"]
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
    import json

    from tortoise import Tortoise

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


class TestAtRest:
    @pytest.mark.slow
    async def test_no_table_store_value_or_log_line_holds_plaintext_personal_data(
            self, client: Any, faces_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
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

    @pytest.mark.slow
    async def test_every_key_in_the_shared_store_expires_within_a_week(
            self, client: Any, faces_dir: Path) -> None:
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
