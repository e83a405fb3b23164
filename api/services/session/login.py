"""Logging in: face (刷脸, level L2) and identity + SMS code (level L1).

Owns (RELIABILITY R2 item 15, R3 items 17-19, issue 12 items 2, 6-8):
- Every face attempt is bound to a fresh single-use challenge with a short
  lifetime, taken with GETDEL so it is used once, by one worker.
- A face reaches L2 only with liveness evidence (``face_proof``): a platform
  assertion naming this identity, an enrolled kiosk's signed capture, or, in
  development only, a plain photo.
- Biometric consent: the notice version the caller agreed to travels in the
  challenge; the consent row is written only when that same caller completes
  the challenge with a verified (name, ID) pair and a matching face.
  Withdrawing it forgets the templates and ends the face-level sessions.
- Until a factor is proven, both routes answer a real (name, ID) pair and an
  unknown one alike: the SMS route always answers a challenge (a code goes
  out only to a real pair's phone, and the phone is never shown), the face
  route answers a face that cannot be matched with ``FaceMismatch`` either way.
- Throttles, per-(identity, client) and per-identity locks, SMS budgets:
  ``login_guard``.
- A selfie is never stored or logged: its SHA-256, the score and (encrypted,
  for the last few attempts) its embedding. Byte-identical or near-identical
  selfies are replays, and so is a selfie almost identical to the ID photo.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from api.face.matcher import decide
from api.infra import limits
from api.infra.state import AppState
from api.models import Citizen, Consent, FaceAttempt
from api.providers import idnumber
from api.providers.identity import Person
from api.services import audit
from api.services.session import citizens, face_memory, face_proof, login_guard, sessions
from api.services.session.errors import (
    FACE_ERRORS,
    AssertionInvalid,
    ChallengeExpired,
    CodeMismatch,
    ConsentRequired,
    FaceMismatch,
    ImageInvalid,
    ImageTooLarge,
    ReplayDetected,
    TooManyAttempts,
)
from api.services.session.face_proof import KioskCapture
from api.services.session.login_guard import FACE, SMS, Client

__all__ = ["Challenge", "Client", "KioskCapture", "complete_face_login", "complete_sms_login",
           "start_face_login", "start_sms_login", "withdraw_biometric_consent"]


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    nonce: str
    expires_at: datetime


def _seal(state: AppState, challenge_id: str, payload: dict[str, Any]) -> dict[str, str]:
    """Challenges carry name and ID number: encrypted in the store too."""
    return {"p": state.vault.encrypt(json.dumps(payload), table="challenge", column="payload",
                                     row=challenge_id)}


def _unseal(state: AppState, challenge_id: str, stored: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(state.vault.decrypt(
        stored["p"], table="challenge", column="payload", row=challenge_id))
    return {**payload, "challenge_id": challenge_id}


async def _record_consent(id_hash: str, version: str, channel: str) -> None:
    if await Consent.filter(id_number_hash=id_hash, kind="BIOMETRIC", version=version,
                            withdrawn_at=None).exists():
        return
    await Consent.create(id=uuid.uuid4(), id_number_hash=id_hash, kind="BIOMETRIC",
                         version=version, channel=channel, granted_at=datetime.now(UTC))
    await audit.record("consent.biometric.granted", actor=f"id:{id_hash[:16]}",
                       detail={"version": version})


async def withdraw_biometric_consent(state: AppState, citizen: Citizen,
                                     client: Client) -> tuple[int, int]:
    """(consents withdrawn, face-level sessions ended). The templates go with it."""
    id_hash = citizen.id_number_hash
    n = await Consent.filter(id_number_hash=id_hash, kind="BIOMETRIC",
                             withdrawn_at=None).update(withdrawn_at=datetime.now(UTC))
    await face_memory.forget(state, id_hash)
    ended = await sessions.end_face_sessions(state, str(citizen.id))
    await audit.record("consent.biometric.withdrawn", actor=f"id:{id_hash[:16]}",
                       detail={"count": n, "sessions": ended})
    return n, ended


# -- face route ---------------------------------------------------------------

async def start_face_login(state: AppState, *, name: str, id_number: str, channel: str,
                           consent_version: str, client: Client) -> Challenge:
    async with login_guard.uniform_duration(state):
        await login_guard.throttle(state, client)
        number = idnumber.normalize(id_number)
        id_hash = state.vault.blind_index(number)
        await login_guard.check_locks(state, id_hash, client, FACE)
        if consent_version != state.settings.biometric_consent_version:
            raise ConsentRequired(state.settings.biometric_consent_version)
        challenge_id, nonce = uuid.uuid4().hex, secrets.token_urlsafe(24)
        ttl = state.settings.challenge_ttl_seconds
        await limits.put_once(state.kv, f"ch:{FACE}:{challenge_id}", _seal(state, challenge_id, {
            "name": name.strip(), "id": number, "channel": channel, "nonce": nonce,
            "consent": consent_version}), ttl)
        return Challenge(challenge_id, nonce, datetime.now(UTC) + timedelta(seconds=ttl))


def _decode_image(state: AppState, image: str) -> bytes:
    cap = state.settings.face_max_image_bytes
    text = image.split(",", 1)[1] if image.startswith("data:") else image
    if len(text) > cap * 4 // 3 + 4:
        raise ImageTooLarge()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImageInvalid() from None


async def complete_face_login(state: AppState, *, challenge_id: str, image: str,
                              assertion: str | None, client: Client,
                              kiosk: KioskCapture | None = None) -> sessions.IssuedTokens:
    stored = await limits.take_once(state.kv, f"ch:{FACE}:{challenge_id}")
    if stored is None:
        raise ChallengeExpired()
    ch = _unseal(state, challenge_id, stored)
    id_hash = state.vault.blind_index(ch["id"])
    await login_guard.check_locks(state, id_hash, client, FACE)
    if ch.get("consent") != state.settings.biometric_consent_version:
        raise ConsentRequired(state.settings.biometric_consent_version)
    selfie = _decode_image(state, image)
    digest = hashlib.sha256(selfie).hexdigest()
    # Known or not, the pair is looked up before anything can fail, so every
    # answer below costs the same and says the same for both.
    person = await state.providers.identity.verify(ch["name"], ch["id"])
    checked = person is not None
    try:
        evidence = await face_proof.check(state, ch, id_hash=id_hash, image_sha256=digest,
                                          assertion=assertion, kiosk=kiosk)
    except AssertionInvalid:
        raise AssertionInvalid(await login_guard.failed(
            state, id_hash, client, AssertionInvalid.code, route=FACE,
            name_checked=checked)) from None
    if evidence.kiosk_id:
        # A signed kiosk is the device: its pair counter and lock, not the hall's address.
        client = Client(client.ip, client.device, kiosk_id=evidence.kiosk_id)
        await login_guard.check_locks(state, id_hash, client, FACE)
    attempt = FaceAttempt(id=uuid.uuid4(), id_number_hash=id_hash, selfie_sha256=digest,
                          channel=ch["channel"], at=datetime.now(UTC), outcome="PENDING")
    if await FaceAttempt.filter(selfie_sha256=digest).exists():
        await _refuse(state, attempt, ReplayDetected, id_hash, client, checked)
    result = await state.face.embed(selfie)
    if result.embedding is None:
        # A bad picture is not a failed identity check: it does not count
        # towards the lock, but it is recorded (hash and reason only).
        error = FACE_ERRORS.get(result.code or "", ImageInvalid)
        attempt.outcome = error.code
        await attempt.save(force_create=True)
        raise error()
    if person is None:
        await _refuse(state, attempt, FaceMismatch, id_hash, client, checked)
    assert person is not None
    face_memory.seal(state, attempt, result.embedding)
    if await face_memory.is_recent_selfie(state, id_hash, result.embedding):
        await _refuse(state, attempt, ReplayDetected, id_hash, client, checked)
    reference = await face_memory.reference_embedding(state, person, id_hash)
    decision = decide(result.embedding, reference,
                      accept_threshold=state.settings.face_accept_threshold,
                      replay_threshold=state.settings.face_replay_threshold)
    attempt.distance = round(decision.distance, 4)
    failure = {"MATCH": None, "REPLAY": ReplayDetected}.get(decision.outcome, FaceMismatch)
    if failure is not None:
        await _refuse(state, attempt, failure, id_hash, client, checked)
    attempt.outcome = "MATCH"
    await attempt.save(force_create=True)
    await face_memory.prune(state, id_hash)
    await _record_consent(id_hash, ch["consent"], ch["channel"])
    await face_proof.bind_subject(evidence, id_hash)
    return await _succeed(state, person, id_hash, level="L2", channel=ch["channel"],
                          client=client, route=FACE, evidence=evidence.kind)


async def _refuse(state: AppState, attempt: FaceAttempt, error: type[FaceMismatch] | type[
        ReplayDetected], id_hash: str, client: Client, checked: bool) -> None:
    attempt.outcome = error.code
    await attempt.save(force_create=True)
    if attempt.embedding_enc is not None:
        await face_memory.prune(state, id_hash)
    raise error(await login_guard.failed(state, id_hash, client, error.code, route=FACE,
                                         name_checked=checked))


async def _succeed(state: AppState, person: Person, id_hash: str, *, level: str, channel: str,
                   client: Client, route: str, evidence: str = "") -> sessions.IssuedTokens:
    await login_guard.succeeded(state, id_hash, client, route)
    citizen = await citizens.ensure_citizen(state, person)
    detail = {"route": route, "acr": level, "channel": channel}
    if evidence:
        detail["evidence"] = evidence
    if client.kiosk_id:
        detail["kiosk"] = client.kiosk_id
    await audit.record("login.succeeded", actor=f"citizen:{citizen.id}", detail=detail)
    return await sessions.open_session(state, citizen, assurance_level=level, channel=channel,
                                       device_label=client.device, ip_prefix=client.ip,
                                       kiosk_id=client.kiosk_id)


# -- SMS route (no face, lower level) -------------------------------------------

def _code_mac(state: AppState, challenge_id: str, code: str) -> str:
    return state.vault.blind_index(f"{challenge_id}:{code}", purpose="sms_code")


async def start_sms_login(state: AppState, *, name: str, id_number: str, channel: str,
                          client: Client) -> Challenge:
    """A challenge for every well-formed request: a code goes out only when the
    pair is real, has a phone and that phone's budget allows it."""
    async with login_guard.uniform_duration(state):
        await login_guard.throttle(state, client)
        number = idnumber.normalize(id_number)
        id_hash = state.vault.blind_index(number)
        await login_guard.check_locks(state, id_hash, client, SMS)
        pair = state.vault.blind_index(f"{number}\x1f{name.strip()}", purpose="sms_pair")
        wait = await login_guard.sms_allowed(state, f"pair:{pair}")
        if wait:
            raise TooManyAttempts(wait)
        person = await state.providers.identity.verify(name, number)
        challenge_id = uuid.uuid4().hex
        code = f"{secrets.randbelow(1_000_000):06d}"
        ttl = state.settings.sms_code_ttl_seconds
        real = person is not None and bool(person.phone)
        await limits.put_once(state.kv, f"ch:{SMS}:{challenge_id}", _seal(state, challenge_id, {
            "name": person.name if person else name.strip(), "id": number, "channel": channel,
            "real": real, "mac": _code_mac(state, challenge_id, code)}), ttl)
        if person is not None and person.phone:
            phone = state.vault.blind_index(person.phone, purpose="phone")
            if not await login_guard.sms_allowed(state, f"phone:{phone}"):
                await state.providers.sms.send(person.phone, "LOGIN_CODE",
                                               {"code": code, "minutes": ttl // 60},
                                               idempotency_key=challenge_id)
        return Challenge(challenge_id, "", datetime.now(UTC) + timedelta(seconds=ttl))


async def complete_sms_login(state: AppState, *, challenge_id: str, code: str,
                             client: Client) -> sessions.IssuedTokens:
    key = f"ch:{SMS}:{challenge_id}"
    async with limits.store_errors():
        stored_raw = await state.kv.get(key)
    if stored_raw is None:
        raise ChallengeExpired()
    ch = _unseal(state, challenge_id, json.loads(stored_raw))
    id_hash = state.vault.blind_index(ch["id"])
    await login_guard.check_locks(state, id_hash, client, SMS)
    if not ch.get("real") or not hmac.compare_digest(
            _code_mac(state, challenge_id, code.strip()), ch["mac"]):
        tries, _ = await limits.hit(state.kv, f"{key}:tries", state.settings.sms_code_ttl_seconds)
        if tries >= state.settings.sms_code_attempts:
            await limits.clear(state.kv, key)
        left = await login_guard.failed(state, id_hash, client, CodeMismatch.code, route=SMS,
                                        name_checked=bool(ch.get("real")))
        raise CodeMismatch(min(left, max(state.settings.sms_code_attempts - tries, 0)))
    if await limits.take_once(state.kv, key) is None:  # used by a concurrent request
        raise ChallengeExpired()
    person = Person(ch["id"], ch["name"], "", None)
    return await _succeed(state, person, id_hash, level="L1", channel=ch["channel"],
                          client=client, route=SMS)
