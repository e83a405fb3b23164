"""Issue 12, item 8: biometric consent is recorded only by the person it is about,
and withdrawing it forgets the templates and ends the face-level sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.models import Consent, FaceAttempt
from tests.conftest import Client
from tests.resolvers.session.helpers import Person as SmsPerson
from tests.resolvers.session.helpers import sms_login
from tests.resolvers.session.test_face_login import COMPLETE, _b64, _login, _start

pytestmark = pytest.mark.slow

WITHDRAW = ("mutation { withdrawBiometricConsent "
            "{ ... on ConsentWithdrawn { withdrawn sessionsEnded } } }")
ME = "query { me { maskedName assuranceLevel } }"


async def _active() -> int:
    return await Consent.filter(kind="BIOMETRIC", withdrawn_at=None).count()


async def test_starting_alone_records_nothing(client: Client, people: dict) -> None:
    ch = await _start(client, *people["person_a"])
    assert ch["__typename"] == "FaceChallenge"
    assert await _active() == 0


async def test_wrong_name_or_wrong_face_records_nothing(client: Client, people: dict,
                                                        faces_dir: Path) -> None:
    number = people["person_a"][1]
    r = await _login(client, ("王五", number), (faces_dir / "person_a/selfie_1.jpg").read_bytes())
    assert r["__typename"] == "FaceMismatch"
    r = await _login(client, people["person_a"], (faces_dir / "person_c/selfie_1.jpg").read_bytes())
    assert r["__typename"] == "FaceMismatch"
    assert await _active() == 0


async def test_recorded_when_the_same_caller_completes_with_a_match(
        client: Client, people: dict, faces_dir: Path) -> None:
    r = await _login(client, people["person_a"], (faces_dir / "person_a/selfie_1.jpg").read_bytes())
    assert r["__typename"] == "LoginSuccess"
    row = await Consent.get(kind="BIOMETRIC", withdrawn_at=None)
    assert row.id_number_hash == client.state.vault.blind_index(people["person_a"][1])
    assert row.version == "2026-12"


async def test_anonymous_start_after_withdrawal_does_not_revive_consent(
        client: Client, people: dict, faces_dir: Path) -> None:
    """The reproduced attack: withdraw, then an anonymous start with a wrong name."""
    r = await _login(client, people["person_b"], (faces_dir / "person_b/selfie_1.jpg").read_bytes())
    body = await client.gql(WITHDRAW, token=r["accessToken"])
    assert body["data"]["withdrawBiometricConsent"]["withdrawn"] == 1
    ch = await _start(client, "冒用者", people["person_b"][1])
    assert ch["__typename"] == "FaceChallenge"
    await client.gql(COMPLETE, {"input": {"challengeId": ch["challengeId"], "image": _b64(
        (faces_dir / "person_a/selfie_1.jpg").read_bytes())}})
    assert await _active() == 0


async def test_withdrawal_forgets_templates_and_ends_face_sessions(
        client: Client, people: dict, faces_dir: Path) -> None:
    name, number = people["person_d"]
    face = await _login(client, (name, number), (faces_dir / "person_d/selfie_1.jpg").read_bytes())
    assert face["__typename"] == "LoginSuccess"
    id_hash = client.state.vault.blind_index(number)
    assert await client.state.kv.exists(f"face:template:{id_hash}")
    assert await FaceAttempt.filter(id_number_hash=id_hash, embedding_enc__not_isnull=True
                                    ).count() == 1
    # The same citizen also has an SMS (L1) session on another device.
    await client.state.providers.identity.register(
        name=name, id_number=number, gender="F", phone="13800009999",
        photo=(faces_dir / "person_d/reference.jpg").read_bytes())
    sms = await sms_login(client, SmsPerson(name, number, "13800009999"))

    body = await client.gql(WITHDRAW, token=sms["accessToken"])
    assert body["data"]["withdrawBiometricConsent"] == {"withdrawn": 1, "sessionsEnded": 1}
    assert not await client.state.kv.exists(f"face:template:{id_hash}")
    assert await FaceAttempt.filter(id_number_hash=id_hash, embedding_enc__not_isnull=True
                                    ).count() == 0
    gone = await client.gql(ME, token=face["accessToken"])
    assert gone["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    kept = await client.gql(ME, token=sms["accessToken"])
    assert kept["data"]["me"]["assuranceLevel"] == "L1"


def test_current_notice_tells_what_is_kept_and_for_how_long() -> None:
    """The notice a citizen agrees to names every kind of face information the
    code keeps, with the periods the code uses (PIPL art. 17, 30)."""
    from api.infra.settings import Settings
    from api.services.session import consent, face_memory

    settings = Settings()
    text = "".join(consent.current(settings.biometric_consent_version).paragraphs)
    assert f"最长 {face_memory._TEMPLATE_TTL_SECONDS // 86400} 天" in text
    assert f"最近 {settings.face_selfie_history} 次自拍的人脸特征值" in text
    assert "撤回后我们立即删除" in text
