"""Issue 12, item 2: "face-verified" means a live capture of this person.

A platform assertion must be signed, bound to our nonce, fresh, above the
liveness score and name this identity; a kiosk capture must be signed by an
enrolled kiosk over the challenge, the image and the card; a plain photo
logs in only where development allows it. Real model, real photos.
"""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.infra.settings import Env, Settings
from api.models import Hall, LoginSession, PlatformSubject
from api.services.session import kiosks
from api.services.session.face_proof import platform_id_hash
from tests.conftest import Client
from tests.resolvers.session.test_face_login import COMPLETE, _b64, _start

pytestmark = pytest.mark.slow

COMPLETE_KIOSK = """
mutation ($input: CompleteFaceLoginInput!) { completeFaceLogin(input: $input) {
  __typename
  ... on LoginSuccess { accessToken assuranceLevel }
  ... on UserError { code message }
} }"""


async def _complete(client: Client, ch: dict, image: bytes, *, assertion: str | None = None,
                    kiosk: dict | None = None) -> dict:
    body = await client.gql(COMPLETE, {"input": {
        "challengeId": ch["challengeId"], "image": _b64(image), "platformAssertion": assertion,
        "kiosk": kiosk}})
    assert "errors" not in body, body
    return body["data"]["completeFaceLogin"]


def _selfie(faces_dir: Path, key: str) -> bytes:
    return (faces_dir / key / "selfie_1.jpg").read_bytes()


@pytest.fixture
def production_policy(client: Client) -> None:
    """As production decides it: no plain photos."""
    client.state.settings.face_allow_plain_selfie = False


class TestPlainPhoto:
    async def test_refused_where_plain_photos_are_off(self, client: Client, people: dict,
                                                      faces_dir: Path,
                                                      production_policy: None) -> None:
        ch = await _start(client, *people["person_a"])
        r = await _complete(client, ch, _selfie(faces_dir, "person_a"))
        assert r["__typename"] == "LivenessRequired"
        assert r["code"] == "LIVENESS_REQUIRED"
        assert "小程序" in r["message"]
        assert "自助终端" in r["message"]

    def test_production_refuses_the_setting(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="face_allow_plain_selfie"):
            Settings(app_env=Env.PRODUCTION, face_allow_plain_selfie=True)
        shared = {"redis_url": "redis://127.0.0.1:6379/0",
                  "database_url": "postgres://fsreg@127.0.0.1:5432/fsreg"}
        assert Settings(app_env=Env.PRODUCTION, **shared).plain_selfie_allowed is False
        assert Settings(app_env=Env.DEVELOPMENT).plain_selfie_allowed is True


class TestPlatformAssertion:
    async def test_genuine_assertion_logs_in_and_binds_the_subject(
            self, client: Client, people: dict, faces_dir: Path,
            production_policy: None) -> None:
        signer = client.state.providers.assertions
        ch = await _start(client, *people["person_b"])
        r = await _complete(client, ch, _selfie(faces_dir, "person_b"),
                            assertion=signer.sign(nonce=ch["nonce"], subject="fst-user-b"))
        assert r["__typename"] == "LoginSuccess", r
        assert r["assuranceLevel"] == "L2"
        bound = await PlatformSubject.get(subject="fst-user-b")
        assert bound.id_number_hash == client.state.vault.blind_index(people["person_b"][1])

    async def test_subject_bound_to_another_citizen_is_refused(
            self, client: Client, people: dict, faces_dir: Path,
            production_policy: None) -> None:
        """``sub: "somebody-else"`` was accepted: the subject now names one identity."""
        signer = client.state.providers.assertions
        ch = await _start(client, *people["person_b"])
        assert (await _complete(client, ch, _selfie(faces_dir, "person_b"), assertion=signer.sign(
            nonce=ch["nonce"], subject="fst-user-b")))["__typename"] == "LoginSuccess"
        # The same platform account now presents another citizen's face and ID.
        ch = await _start(client, *people["person_a"])
        r = await _complete(client, ch, _selfie(faces_dir, "person_a"),
                            assertion=signer.sign(nonce=ch["nonce"], subject="fst-user-b"))
        assert r["__typename"] == "AssertionInvalid", r

    async def test_id_hash_claim_must_name_this_identity(
            self, client: Client, people: dict, faces_dir: Path,
            production_policy: None) -> None:
        signer = client.state.providers.assertions
        ch = await _start(client, *people["person_a"])
        wrong = platform_id_hash(client.state, "miniprogram-platform", people["person_b"][1])
        r = await _complete(client, ch, _selfie(faces_dir, "person_a"), assertion=signer.sign(
            nonce=ch["nonce"], subject="new-user", id_hash=wrong))
        assert r["__typename"] == "AssertionInvalid"
        ch = await _start(client, *people["person_a"])
        right = platform_id_hash(client.state, "miniprogram-platform", people["person_a"][1])
        r = await _complete(client, ch, _selfie(faces_dir, "person_a"), assertion=signer.sign(
            nonce=ch["nonce"], subject="new-user", id_hash=right))
        assert r["__typename"] == "LoginSuccess", r

    @pytest.mark.parametrize("claims", [
        {"liveness": 0.0}, {"liveness": 0.5}, {"liveness": True},
        {"age": 600},  # signed ten minutes ago, still unexpired by its own exp
    ])
    async def test_low_liveness_or_stale_assertion_is_refused(
            self, client: Client, people: dict, faces_dir: Path, production_policy: None,
            claims: dict) -> None:
        signer = client.state.providers.assertions
        ch = await _start(client, *people["person_d"])
        claims = dict(claims)  # the parameter is shared by both legs
        now = time.time() - claims.pop("age", 0)
        token = signer.sign(nonce=ch["nonce"], subject="fst-user-d", now=now, lifetime=3600,
                            **claims)
        r = await _complete(client, ch, _selfie(faces_dir, "person_d"), assertion=token)
        assert r["__typename"] == "AssertionInvalid", r

    async def test_assertion_does_not_replace_the_face_compare(
            self, client: Client, people: dict, faces_dir: Path,
            production_policy: None) -> None:
        signer = client.state.providers.assertions
        ch = await _start(client, *people["person_a"])
        r = await _complete(client, ch, _selfie(faces_dir, "person_c"),
                            assertion=signer.sign(nonce=ch["nonce"], subject="fst-user-a"))
        assert r["__typename"] == "FaceMismatch"


@pytest.fixture
async def kiosk(client: Client) -> dict:
    await Hall.create(id="FS-TEST", name="测试大厅", district_code="440604", address="测试路 1 号",
                      sessions=[["09:00", "12:00"]], weekdays=[0, 1, 2, 3, 4], windows={"OTHER": 1})
    enrolled = await kiosks.enrol(hall_id="FS-TEST", label="1号机", base_url="http://t")
    bundle = kiosks.provisioning_bundle(enrolled.provisioning_link)
    return {"id": enrolled.kiosk.id, "jwk": bundle["jwk"]}


async def _kiosk_start(client: Client, name: str, number: str) -> dict:
    body = await client.gql("""mutation ($input: StartFaceLoginInput!) { startFaceLogin(input: $input) {
      __typename ... on FaceChallenge { challengeId nonce } } }""", {"input": {
        "name": name, "idNumber": number, "channel": "KIOSK", "consentVersion": "2026-12"}})
    return body["data"]["startFaceLogin"]


def _signed(kiosk: dict, ch: dict, image: bytes, name: str, number: str) -> dict:
    message = kiosks.capture_message(
        kiosk_id=kiosk["id"], challenge_id=ch["challengeId"], nonce=ch["nonce"],
        image_sha256=hashlib.sha256(image).hexdigest(), card=kiosks.card_digest(name, number))
    return {"kioskId": kiosk["id"], "signature": kiosks.sign_capture_for_tests(kiosk["jwk"],
                                                                               message)}


class TestKioskCapture:
    async def test_signed_capture_logs_in_and_the_session_names_the_kiosk(
            self, client: Client, people: dict, faces_dir: Path, kiosk: dict,
            production_policy: None) -> None:
        name, number = people["person_a"]
        ch = await _kiosk_start(client, name, number)
        image = _selfie(faces_dir, "person_a")
        r = await _complete(client, ch, image, kiosk=_signed(kiosk, ch, image, name, number))
        assert r["__typename"] == "LoginSuccess", r
        assert (await LoginSession.get()).kiosk_id == kiosk["id"]

    async def test_signature_binds_image_card_and_challenge(
            self, client: Client, people: dict, faces_dir: Path, kiosk: dict,
            production_policy: None) -> None:
        name, number = people["person_a"]
        image = _selfie(faces_dir, "person_a")
        other_image = image + b"\x00"
        # Another picture than the one signed.
        ch = await _kiosk_start(client, name, number)
        r = await _complete(client, ch, other_image, kiosk=_signed(kiosk, ch, image, name, number))
        assert r["__typename"] == "AssertionInvalid"
        # Another card than the one the challenge was started for.
        ch = await _kiosk_start(client, name, number)
        sig = _signed(kiosk, ch, image, *people["person_b"])
        assert (await _complete(client, ch, image, kiosk=sig))["__typename"] == "AssertionInvalid"
        # A signature of an earlier challenge.
        old = await _kiosk_start(client, name, number)
        ch = await _kiosk_start(client, name, number)
        sig = _signed(kiosk, old, image, name, number)
        assert (await _complete(client, ch, image, kiosk=sig))["__typename"] == "AssertionInvalid"

    async def test_unknown_revoked_or_forged_kiosk_refused(
            self, client: Client, people: dict, faces_dir: Path, kiosk: dict,
            production_policy: None) -> None:
        name, number = people["person_a"]
        image = _selfie(faces_dir, "person_a")
        ch = await _kiosk_start(client, name, number)
        forged = {"kioskId": kiosk["id"], "signature": base64.urlsafe_b64encode(
            b"\x01" * 64).decode().rstrip("=")}
        assert (await _complete(client, ch, image, kiosk=forged))["__typename"] == \
            "AssertionInvalid"
        assert await kiosks.revoke(kiosk["id"])
        ch = await _kiosk_start(client, name, number)
        r = await _complete(client, ch, image, kiosk=_signed(kiosk, ch, image, name, number))
        assert r["__typename"] == "AssertionInvalid"

    async def test_only_the_public_half_of_the_key_is_stored(self, kiosk: dict) -> None:
        """The private key leaves once, in the provisioning link; the row cannot sign."""
        import json

        from api.models import Kiosk

        row = await Kiosk.get(id=kiosk["id"])
        assert "PUBLIC KEY" in row.public_key_pem
        stored = json.dumps({k: str(v) for k, v in (await Kiosk.filter(id=kiosk["id"]).values()
                                                     )[0].items()})
        assert kiosk["jwk"]["d"] not in stored
        assert "PRIVATE" not in stored

    async def test_kiosk_signature_only_on_the_kiosk_channel(
            self, client: Client, people: dict, faces_dir: Path, kiosk: dict,
            production_policy: None) -> None:
        name, number = people["person_a"]
        image = _selfie(faces_dir, "person_a")
        ch = await _start(client, name, number)  # a FOSHANTONG challenge
        r = await _complete(client, ch, image, kiosk=_signed(kiosk, ch, image, name, number))
        assert r["__typename"] == "AssertionInvalid"
