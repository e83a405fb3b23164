"""Logging in: face (刷脸, level L2) and identity + SMS code (level L1).

Owns (RELIABILITY R2 item 15, R3 items 17-19):
- Every face attempt is bound to a fresh single-use challenge with a short
  lifetime, taken with GETDEL so it is used once, by one worker.
- Separate, versioned biometric consent is recorded before the first face use.
- Failed attempts (wrong face, replay, wrong code, unknown identity) are
  counted per identity and per client address in the shared store; after
  ``max_failed_attempts`` the identity is locked for ``lockout_seconds``.
  The lock answers the same whether the identity exists or not.
- A selfie is never stored or logged: only its SHA-256 and the score.
  Byte-identical selfies are refused as replays, and so is a selfie almost
  identical to the ID photo (someone holding up the photo itself).
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

from api import idnumber
from api.face.matcher import decide
from api.models import Consent, FaceAttempt
from api.providers.identity import Person
from api.services import audit, citizens, limits, sessions
from api.services.session_errors import (
    FACE_ERRORS,
    AccountLocked,
    AssertionInvalid,
    ChallengeExpired,
    CodeMismatch,
    ConsentRequired,
    FaceMismatch,
    IdentityNotFound,
    ImageInvalid,
    ImageTooLarge,
    InvalidIdNumber,
    NoPhoneOnRecord,
    NoReferencePhoto,
    ReplayDetected,
    TooManyAttempts,
)
from api.state import AppState

FACE = "face"
SMS = "sms"


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    nonce: str
    expires_at: datetime
    masked_phone: str | None = None


@dataclass(frozen=True)
class Client:
    """Where an attempt comes from: for throttling and the session list."""

    ip: str
    device: str
    request_id: str


def _lock_key(id_hash: str) -> str:
    return f"lock:id:{id_hash}"


def _mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


async def _throttle_client(state: AppState, client: Client) -> None:
    s = state.settings
    count, ttl = await limits.hit(state.kv, f"rl:login:ip:{client.ip}", s.ip_window_seconds)
    if count > s.ip_login_attempts:
        raise TooManyAttempts(ttl)


async def _check_lock(state: AppState, id_hash: str) -> None:
    ttl = await limits.lock_ttl(state.kv, _lock_key(id_hash))
    if ttl:
        raise AccountLocked(ttl)


async def _failed(state: AppState, id_hash: str, client: Client, reason: str) -> int:
    """Count a failure; lock the identity at the limit. Returns attempts left."""
    s = state.settings
    count, _ = await limits.hit(state.kv, f"fail:id:{id_hash}", s.failure_window_seconds)
    await audit.record("login.failed", actor=f"id:{id_hash[:16]}", request_id=client.request_id,
                       detail={"reason": reason, "attempt": count})
    if count >= s.max_failed_attempts:
        await limits.set_lock(state.kv, _lock_key(id_hash), s.lockout_seconds)
        await limits.clear(state.kv, f"fail:id:{id_hash}")
        await audit.record("login.locked", actor=f"id:{id_hash[:16]}",
                           request_id=client.request_id,
                           detail={"seconds": s.lockout_seconds})
        raise AccountLocked(s.lockout_seconds)
    return s.max_failed_attempts - count


def _normalise(raw: str) -> str:
    try:
        return idnumber.normalize(raw)
    except idnumber.InvalidIdNumber:
        raise InvalidIdNumber() from None


def _seal(state: AppState, challenge_id: str, payload: dict[str, Any]) -> dict[str, str]:
    """Challenges carry name and ID number: encrypted in the store too."""
    return {"p": state.vault.encrypt(json.dumps(payload), table="challenge", column="payload",
                                     row=challenge_id)}


def _unseal(state: AppState, challenge_id: str, stored: dict[str, str]) -> dict[str, Any]:
    return json.loads(state.vault.decrypt(stored["p"], table="challenge", column="payload",
                                          row=challenge_id))


async def _has_consent(id_hash: str, version: str) -> bool:
    return await Consent.filter(id_number_hash=id_hash, kind="BIOMETRIC", version=version,
                                withdrawn_at=None).exists()


async def record_biometric_consent(state: AppState, id_hash: str, channel: str,
                                   client: Client) -> None:
    version = state.settings.biometric_consent_version
    if await _has_consent(id_hash, version):
        return
    await Consent.create(id=uuid.uuid4(), id_number_hash=id_hash, kind="BIOMETRIC",
                         version=version, channel=channel, granted_at=datetime.now(UTC))
    await audit.record("consent.biometric.granted", actor=f"id:{id_hash[:16]}",
                       request_id=client.request_id, detail={"version": version})


async def withdraw_biometric_consent(state: AppState, id_hash: str, client: Client) -> int:
    n = await Consent.filter(id_number_hash=id_hash, kind="BIOMETRIC",
                             withdrawn_at=None).update(withdrawn_at=datetime.now(UTC))
    await audit.record("consent.biometric.withdrawn", actor=f"id:{id_hash[:16]}",
                       request_id=client.request_id, detail={"count": n})
    return n


# -- face route ---------------------------------------------------------------

async def start_face_login(state: AppState, *, name: str, id_number: str, channel: str,
                           consent_version: str, client: Client) -> Challenge:
    await _throttle_client(state, client)
    number = _normalise(id_number)
    id_hash = state.vault.blind_index(number)
    await _check_lock(state, id_hash)
    if consent_version != state.settings.biometric_consent_version:
        raise ConsentRequired(state.settings.biometric_consent_version)
    await record_biometric_consent(state, id_hash, channel, client)
    challenge_id, nonce = uuid.uuid4().hex, secrets.token_urlsafe(24)
    ttl = state.settings.challenge_ttl_seconds
    await limits.put_once(state.kv, f"ch:{FACE}:{challenge_id}", _seal(state, challenge_id, {
        "name": name.strip(), "id": number, "channel": channel, "nonce": nonce}), ttl)
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


_TEMPLATE_TTL_SECONDS = 7 * 24 * 3600


async def _reference_embedding(state: AppState, person: Person) -> tuple[float, ...]:
    """The ID photo's descriptor, cached encrypted (a biometric template) under the
    photo's hash: a changed photo gets a new entry, and each login embeds only
    the selfie instead of both images."""
    photo = await state.providers.identity.reference_photo(person.id_number)
    if photo is None:
        raise NoReferencePhoto()
    digest = hashlib.sha256(photo).hexdigest()
    key = f"face:template:{digest}"
    async with limits.store_errors():
        cached = await state.kv.get(key)
    if cached:
        text = cached.decode() if isinstance(cached, bytes) else cached
        plain = state.vault.decrypt(text, table="face_template", column="embedding",
                                    row=digest)
        return tuple(json.loads(plain))
    result = await state.face.embed(photo)
    if result.embedding is None:
        raise NoReferencePhoto()
    sealed = state.vault.encrypt(json.dumps(list(result.embedding)), table="face_template",
                                 column="embedding", row=digest)
    async with limits.store_errors():
        await state.kv.set(key, sealed.encode(), ex=_TEMPLATE_TTL_SECONDS)
    return result.embedding


async def complete_face_login(state: AppState, *, challenge_id: str, image: str,
                              assertion: str | None, client: Client) -> sessions.IssuedTokens:
    stored = await limits.take_once(state.kv, f"ch:{FACE}:{challenge_id}")
    if stored is None:
        raise ChallengeExpired()
    ch = _unseal(state, challenge_id, stored)
    id_hash = state.vault.blind_index(ch["id"])
    await _check_lock(state, id_hash)
    if assertion is not None and state.providers.assertions.verify(
            assertion, nonce=ch["nonce"]) is None:
        await _failed(state, id_hash, client, AssertionInvalid.code)
        raise AssertionInvalid()
    person = await state.providers.identity.verify(ch["name"], ch["id"])
    if person is None:
        await _failed(state, id_hash, client, "IDENTITY_NOT_FOUND")
        raise IdentityNotFound()
    if not await _has_consent(id_hash, state.settings.biometric_consent_version):
        raise ConsentRequired(state.settings.biometric_consent_version)
    selfie = _decode_image(state, image)
    digest = hashlib.sha256(selfie).hexdigest()
    attempt = FaceAttempt(id=uuid.uuid4(), id_number_hash=id_hash, selfie_sha256=digest,
                          channel=ch["channel"], at=datetime.now(UTC), outcome="PENDING")
    if await FaceAttempt.filter(selfie_sha256=digest).exists():
        attempt.outcome = ReplayDetected.code
        await attempt.save(force_create=True)
        raise ReplayDetected(await _failed(state, id_hash, client, ReplayDetected.code))
    result = await state.face.embed(selfie)
    if result.embedding is None:
        # A bad picture is not a failed identity check: it does not count
        # towards the lock, but it is recorded (hash and reason only).
        error = FACE_ERRORS.get(result.code or "", ImageInvalid)
        attempt.outcome = error.code
        await attempt.save(force_create=True)
        raise error()
    reference = await _reference_embedding(state, person)
    decision = decide(result.embedding, reference,
                      accept_threshold=state.settings.face_accept_threshold,
                      replay_threshold=state.settings.face_replay_threshold)
    attempt.distance = round(decision.distance, 4)
    failure = {"MATCH": None, "REPLAY": ReplayDetected}.get(decision.outcome, FaceMismatch)
    attempt.outcome = failure.code if failure else "MATCH"
    await attempt.save(force_create=True)
    if failure is not None:
        raise failure(await _failed(state, id_hash, client, failure.code))
    return await _succeed(state, person, id_hash, level="L2", channel=ch["channel"],
                          client=client, route=FACE)


async def _succeed(state: AppState, person: Person, id_hash: str, *, level: str, channel: str,
                   client: Client, route: str) -> sessions.IssuedTokens:
    await limits.clear(state.kv, f"fail:id:{id_hash}")
    citizen = await citizens.ensure_citizen(state.vault, person)
    await audit.record("login.succeeded", actor=f"citizen:{citizen.id}",
                       request_id=client.request_id, detail={"route": route, "acr": level,
                                                             "channel": channel})
    return await sessions.open_session(state, citizen, assurance_level=level, channel=channel,
                                       device_label=client.device, ip_prefix=client.ip,
                                       request_id=client.request_id)


# -- SMS route (no face, lower level) -------------------------------------------

def _code_mac(state: AppState, challenge_id: str, code: str) -> str:
    return state.vault.blind_index(f"{challenge_id}:{code}", purpose="sms_code")


async def start_sms_login(state: AppState, *, name: str, id_number: str, channel: str,
                          client: Client) -> Challenge:
    await _throttle_client(state, client)
    number = _normalise(id_number)
    id_hash = state.vault.blind_index(number)
    await _check_lock(state, id_hash)
    person = await state.providers.identity.verify(name, number)
    if person is None:
        await _failed(state, id_hash, client, "IDENTITY_NOT_FOUND")
        raise IdentityNotFound()
    if not person.phone:
        raise NoPhoneOnRecord()
    challenge_id = uuid.uuid4().hex
    code = f"{secrets.randbelow(1_000_000):06d}"
    ttl = state.settings.sms_code_ttl_seconds
    await limits.put_once(state.kv, f"ch:{SMS}:{challenge_id}", _seal(state, challenge_id, {
        "name": person.name, "id": number, "channel": channel,
        "mac": _code_mac(state, challenge_id, code)}), ttl)
    await state.providers.sms.send(person.phone, "LOGIN_CODE",
                                   {"code": code, "minutes": ttl // 60},
                                   idempotency_key=challenge_id)
    return Challenge(challenge_id, "", datetime.now(UTC) + timedelta(seconds=ttl),
                     masked_phone=_mask_phone(person.phone))


async def complete_sms_login(state: AppState, *, challenge_id: str, code: str,
                             client: Client) -> sessions.IssuedTokens:
    key = f"ch:{SMS}:{challenge_id}"
    async with limits.store_errors():
        stored_raw = await state.kv.get(key)
    if stored_raw is None:
        raise ChallengeExpired()
    ch = _unseal(state, challenge_id, json.loads(stored_raw))
    id_hash = state.vault.blind_index(ch["id"])
    await _check_lock(state, id_hash)
    if not hmac.compare_digest(_code_mac(state, challenge_id, code.strip()), ch["mac"]):
        tries, _ = await limits.hit(state.kv, f"{key}:tries", state.settings.sms_code_ttl_seconds)
        if tries >= state.settings.sms_code_attempts:
            await limits.clear(state.kv, key)
        left = await _failed(state, id_hash, client, "CODE_MISMATCH")
        raise CodeMismatch(min(left, max(state.settings.sms_code_attempts - tries, 0)))
    if await limits.take_once(state.kv, key) is None:  # used by a concurrent request
        raise ChallengeExpired()
    person = Person(ch["id"], ch["name"], "", None)
    return await _succeed(state, person, id_hash, level="L1", channel=ch["channel"],
                          client=client, route=SMS)
