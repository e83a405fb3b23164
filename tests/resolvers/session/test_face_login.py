"""Face login with the real model on real photos (RELIABILITY R3, issue 3)."""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from api.models import AuditEvent, Citizen, FaceAttempt
from tests.conftest import Client
from tests.resolvers.session.helpers import PEOPLE
from tests.resolvers.session.helpers import face_id as _id

pytestmark = pytest.mark.slow

START = """
mutation ($input: StartFaceLoginInput!) { startFaceLogin(input: $input) {
  __typename
  ... on FaceChallenge { challengeId nonce expiresAt }
  ... on UserError { code message }
  ... on ConsentRequired { currentVersion }
  ... on AccountLocked { retryAfterSeconds }
} }"""
COMPLETE = """
mutation ($input: CompleteFaceLoginInput!) { completeFaceLogin(input: $input) {
  __typename
  ... on LoginSuccess { accessToken refreshToken assuranceLevel
                        citizen { maskedName maskedIdNumber } }
  ... on UserError { code message }
  ... on FaceMismatch { attemptsLeft }
  ... on ReplayDetected { attemptsLeft }
  ... on AccountLocked { retryAfterSeconds }
} }"""
CONSENT = "2026-12"
# Five different photos, none of person_c: wrong faces that are not replays of each other.
WRONG_FACES = ["person_b/selfie_1.jpg", "person_a/selfie_1.jpg", "person_d/selfie_1.jpg",
               "person_b/reference.jpg", "person_a/reference.jpg"]

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def _start(client: Client, name: str, number: str, consent: str = CONSENT) -> dict:
    body = await client.gql(START, {"input": {"name": name, "idNumber": number,
                                              "channel": "FOSHANTONG", "consentVersion": consent}})
    return body["data"]["startFaceLogin"]


async def _login(client: Client, who: tuple[str, str], image: bytes | str,
                 assertion: str | None = None) -> dict:
    ch = await _start(client, *who)
    assert ch["__typename"] == "FaceChallenge", ch
    payload = image if isinstance(image, str) else _b64(image)
    body = await client.gql(COMPLETE, {"input": {"challengeId": ch["challengeId"],
                                                 "image": payload,
                                                 "platformAssertion": assertion}})
    assert "errors" not in body, body
    return body["data"]["completeFaceLogin"]


def _reencode(data: bytes, quality: int) -> bytes:
    """The same photo as a fresh capture would send it: new bytes, same face."""
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, "JPEG", quality=quality)
    return out.getvalue()


class TestGenuine:
    @pytest.mark.parametrize("key", list(PEOPLE))
    async def test_each_person_logs_in_with_their_selfie(
            self, client: Client, people: dict, faces_dir: Path, key: str) -> None:
        r = await _login(client, people[key], (faces_dir / key / "selfie_1.jpg").read_bytes())
        assert r["__typename"] == "LoginSuccess", r
        assert r["assuranceLevel"] == "L2"
        assert r["citizen"]["maskedName"] == PEOPLE[key][0][0] + "**"

    async def test_kiosk_channel_and_platform_assertion(
            self, client: Client, people: dict, faces_dir: Path) -> None:
        ch = await _start(client, *people["person_b"])
        signer = client.state.providers.assertions
        good = signer.sign(nonce=ch["nonce"], subject="mini-program-user")
        body = await client.gql(COMPLETE, {"input": {
            "challengeId": ch["challengeId"], "platformAssertion": good,
            "image": _b64((faces_dir / "person_b" / "selfie_1.jpg").read_bytes())}})
        assert body["data"]["completeFaceLogin"]["__typename"] == "LoginSuccess"

    async def test_assertion_for_another_nonce_refused(
            self, client: Client, people: dict, faces_dir: Path) -> None:
        forged = client.state.providers.assertions.sign(nonce="someone-elses", subject="x")
        r = await _login(client, people["person_b"],
                         (faces_dir / "person_b" / "selfie_1.jpg").read_bytes(), forged)
        assert r["__typename"] == "AssertionInvalid"


class TestRefusals:
    async def test_other_persons_face(self, client: Client, people: dict,
                                      faces_dir: Path) -> None:
        r = await _login(client, people["person_a"],
                         (faces_dir / "person_c" / "selfie_1.jpg").read_bytes())
        assert r["__typename"] == "FaceMismatch"
        assert r["attemptsLeft"] == 4
        assert r["code"] == "FACE_MISMATCH"
        assert r["message"]

    @pytest.mark.parametrize("replay", ["replay_letterboxed.jpg", "replay_cropped.jpg"])
    async def test_replay_of_reference_photo(self, client: Client, people: dict,
                                             faces_dir: Path, replay: str) -> None:
        r = await _login(client, people["person_a"], (faces_dir / "person_a" / replay).read_bytes())
        assert r["__typename"] == "ReplayDetected"

    async def test_same_selfie_bytes_twice_is_a_replay(self, client: Client, people: dict,
                                                       faces_dir: Path) -> None:
        selfie = (faces_dir / "person_d" / "selfie_1.jpg").read_bytes()
        assert (await _login(client, people["person_d"], selfie))["__typename"] == "LoginSuccess"
        again = await _login(client, people["person_d"], selfie)
        assert again["__typename"] == "ReplayDetected"

    async def test_re_encoded_earlier_selfie_is_a_replay(self, client: Client, people: dict,
                                                         faces_dir: Path) -> None:
        """Issue 12, item 2: one byte appended, or the picture re-encoded, is
        the same capture: refused by embedding distance, not bytes."""
        selfie = (faces_dir / "person_d" / "selfie_1.jpg").read_bytes()
        assert (await _login(client, people["person_d"], selfie))["__typename"] == "LoginSuccess"
        for variant in (selfie + b"\x00", _reencode(selfie, 90), _reencode(selfie, 75)):
            again = await _login(client, people["person_d"], variant)
            assert again["__typename"] == "ReplayDetected", again
        # Another citizen's earlier selfie says nothing about this one.
        other = await _login(client, people["person_b"],
                             (faces_dir / "person_b" / "selfie_1.jpg").read_bytes())
        assert other["__typename"] == "LoginSuccess"

    async def test_only_the_last_n_selfie_embeddings_are_kept_encrypted(
            self, client: Client, people: dict, faces_dir: Path) -> None:
        client.state.settings.face_selfie_history = 2
        for other in WRONG_FACES[:3]:  # three different captures (wrong faces) for person_c
            r = await _login(client, people["person_c"], (faces_dir / other).read_bytes())
            assert r["__typename"] == "FaceMismatch", r
        kept = await FaceAttempt.filter(embedding_enc__not_isnull=True).all()
        assert len(kept) == 2
        assert all(a.embedding_enc.startswith("v1:") and "0." not in a.embedding_enc[:40]
                   for a in kept)

    @pytest.mark.parametrize(("image", "expected"), [
        ("edge/two_faces.jpg", "MultipleFacesFound"),
        ("edge/partial_face.jpg", "FacePartial"),
    ])
    async def test_bad_frames(self, client: Client, people: dict, faces_dir: Path,
                              image: str, expected: str) -> None:
        r = await _login(client, people["person_a"], (faces_dir / image).read_bytes())
        assert r["__typename"] == expected, r

    async def test_tiny_face(self, client: Client, people: dict, faces_dir: Path) -> None:
        face = Image.open(faces_dir / "person_a" / "selfie_1.jpg").convert("RGB")
        face.thumbnail((90, 90))
        canvas = Image.new("RGB", (1600, 1200), (200, 200, 200))
        canvas.paste(face, (700, 500))
        out = io.BytesIO()
        canvas.save(out, "JPEG", quality=92)
        r = await _login(client, people["person_a"], out.getvalue())
        assert r["__typename"] in ("FaceTooSmall", "NoFaceFound"), r

    @pytest.mark.parametrize(("payload", "expected"), [
        ("not base64 at all!!", "ImageInvalid"),
        (base64.b64encode(os.urandom(2048)).decode(), "ImageInvalid"),
        (base64.b64encode(b"GIF89a" + os.urandom(100)).decode(), "ImageInvalid"),
        ("A" * (2 * 1024 * 1024), "ImageTooLarge"),
    ])
    async def test_not_an_image(self, client: Client, people: dict, payload: str,
                                expected: str) -> None:
        if len(payload) > 1_000_000:
            client.state.settings.face_max_image_bytes = 1024 * 1024
        r = await _login(client, people["person_a"], payload)
        assert r["__typename"] == expected, r

    async def test_fifty_megapixel_image(self, client: Client, people: dict) -> None:
        out = io.BytesIO()
        Image.new("RGB", (8200, 6200), (128, 128, 128)).save(out, "PNG", optimize=False)
        r = await _login(client, people["person_a"], out.getvalue())
        assert r["__typename"] == "ImageTooLarge"

    async def test_challenge_is_single_use(self, client: Client, people: dict,
                                           faces_dir: Path) -> None:
        ch = await _start(client, *people["person_c"])
        selfie = _b64((faces_dir / "person_c" / "selfie_1.jpg").read_bytes())
        first = await client.gql(COMPLETE, {"input": {"challengeId": ch["challengeId"],
                                                      "image": selfie}})
        assert first["data"]["completeFaceLogin"]["__typename"] == "LoginSuccess"
        second = await client.gql(COMPLETE, {"input": {"challengeId": ch["challengeId"],
                                                       "image": selfie}})
        assert second["data"]["completeFaceLogin"]["__typename"] == "ChallengeExpired"

    async def test_unknown_pair_answers_like_a_face_that_does_not_match(
            self, client: Client, people: dict, faces_dir: Path) -> None:
        """Issue 12, item 7: no IDENTITY_NOT_FOUND oracle on the face route."""
        r = await _login(client, ("王五", people["person_a"][1]),
                         (faces_dir / "person_a" / "selfie_1.jpg").read_bytes())
        assert r["__typename"] == "FaceMismatch"
        real = await _login(client, people["person_b"],
                            (faces_dir / "person_c" / "selfie_1.jpg").read_bytes())
        assert r == real  # same type, code, message and attempts left

    @pytest.mark.parametrize("junk", [lambda: "not base64 at all!!",
                                      lambda: base64.b64encode(b"GIF89a" + os.urandom(64)).decode()])
    async def test_junk_image_answers_the_same_for_real_and_unknown_pairs(
            self, client: Client, people: dict, junk: Callable[[], str]) -> None:
        unknown = await _login(client, ("王五", people["person_a"][1]), junk())
        real = await _login(client, people["person_a"], junk())
        assert unknown == real
        assert real["__typename"] == "ImageInvalid"


class TestConsentAndLock:
    async def test_consent_version_must_be_current(self, client: Client, people: dict) -> None:
        r = await _start(client, *people["person_a"], consent="2019-01")
        assert r["__typename"] == "ConsentRequired"
        assert r["currentVersion"] == CONSENT

    async def test_five_mismatches_lock(self, client: Client, people: dict,
                                        faces_dir: Path) -> None:
        kinds = [(await _login(client, people["person_c"], (faces_dir / f).read_bytes()))[
            "__typename"] for f in WRONG_FACES]
        assert kinds == ["FaceMismatch"] * 4 + ["AccountLocked"]
        locked = await _start(client, *people["person_c"])
        assert locked["__typename"] == "AccountLocked"
        assert await AuditEvent.filter(action="login.locked").count() == 1

    async def test_nothing_but_hash_and_score_is_kept(self, client: Client, people: dict,
                                                      faces_dir: Path) -> None:
        selfie = (faces_dir / "person_a" / "selfie_1.jpg").read_bytes()
        await _login(client, people["person_a"], selfie)
        attempts = await FaceAttempt.all()
        assert len(attempts) == 1
        assert attempts[0].outcome == "MATCH"
        assert 0.3 < attempts[0].distance < 0.5
        assert len(attempts[0].selfie_sha256) == 64
        citizen = await Citizen.get()
        assert people["person_a"][1] not in citizen.id_number_enc
        events = await AuditEvent.all()
        assert all(people["person_a"][1] not in str(e.detail) for e in events)
        assert {"consent.biometric.granted", "login.succeeded", "session.opened"} <= {
            e.action for e in events}


class TestTemplateCache:
    async def test_reference_template_is_cached_encrypted(
            self, client: Client, people: dict, faces_dir: Path) -> None:
        r = await _login(client, people["person_b"],
                         (faces_dir / "person_b" / "selfie_1.jpg").read_bytes())
        assert r["__typename"] == "LoginSuccess"
        keys = [k async for k in client.state.kv.scan_iter(match="face:template:*")]
        assert len(keys) == 1
        stored = await client.state.kv.get(keys[0])
        assert stored.startswith(b"v1:")
        assert b"0." not in stored[:40]


class TestStoreDown:
    async def test_login_fails_closed_when_redis_is_down(self, leg, tmp_path,  # type: ignore[no-untyped-def]
                                                         shared_face_pool) -> None:
        import httpx

        from api.app import create_app
        from tests.conftest import running

        if leg.is_pg:
            from tests.conftest import _reset_pg

            await _reset_pg(leg)
        app = create_app(leg.settings(tmp_path, redis_url="redis://127.0.0.1:9/0"),
                         face_pool=shared_face_pool)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                c = Client(app, http)
                start = await c.gql(START, {"input": {
                    "name": "陈志明", "idNumber": _id("person_a"), "channel": "FOSHANTONG",
                    "consentVersion": CONSENT}})
                refresh = await c.gql(
                    "mutation ($t: String!) { refreshSession(refreshToken: $t) { __typename } }",
                    {"t": "rt1." + "0" * 32 + "." + "a" * 43})
        assert start["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert start["data"] is None
        assert refresh["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


async def test_consent_notice_is_public_and_names_the_accepted_version(client: Client) -> None:
    body = await client.gql("query { biometricConsentNotice { version title paragraphs } }")
    notice = body["data"]["biometricConsentNotice"]
    assert notice["version"] == client.state.settings.biometric_consent_version
    assert notice["title"] == "人脸识别信息处理告知书"
    assert any("撤回" in p for p in notice["paragraphs"])
