"""What makes a selfie a live capture of *this* person (issue 12, item 2; R3 17-18).

Our own compare (selfie vs ID photo) is the second factor; liveness is not
ours to judge. A face login reaches L2 only with one of:

- a platform real-person assertion (佛山通 / 粤省事 活体检测): genuinely signed
  by the platform (the provider verifies signature, expiry and our nonce),
  not older than ``face_assertion_max_age_seconds``, with a liveness score of
  at least ``face_min_liveness``, and naming this identity: either its
  ``id_hash`` claim is the ID number's index under the key we share with that
  platform, or its subject (``iss`` + ``sub``) was bound to this identity at
  its first successful use and is bound to no other;
- a capture signed by an enrolled, unrevoked kiosk over the challenge, the
  image bytes and the ID card it read (``api/services/kiosks.py``);
- a plain photo, only where ``face_allow_plain_selfie`` is on (development and
  test; production refuses the setting).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from api.infra.state import AppState
from api.models import PlatformSubject
from api.services.session import kiosks
from api.services.session.errors import AssertionInvalid, LivenessRequired

_CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class KioskCapture:
    kiosk_id: str
    signature: str


@dataclass(frozen=True)
class Evidence:
    """How liveness was proven: ``kind`` is ASSERTION, KIOSK or PLAIN."""

    kind: str
    kiosk_id: str | None = None
    issuer: str | None = None
    subject: str | None = None


def platform_id_hash(state: AppState, issuer: str, id_number: str) -> str:
    """The ID number's index as a platform computes it: HMAC-SHA256 under a key
    derived for that platform alone (it is given this key, never ours)."""
    platform_key = hmac.new(state.keyring.blind_index_key, f"fsreg/platform-id/{issuer}".encode(),
                            hashlib.sha256).digest()
    return hmac.new(platform_key, id_number.encode(), hashlib.sha256).hexdigest()


async def _check_assertion(state: AppState, assertion: str, ch: dict[str, Any],
                           id_hash: str) -> Evidence:
    s = state.settings
    claims = state.providers.assertions.verify(assertion, nonce=ch["nonce"])
    if claims is None:
        raise AssertionInvalid()
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    liveness, iat = claims.get("liveness"), claims.get("iat")
    now = time.time()
    if (not isinstance(liveness, int | float) or isinstance(liveness, bool)
            or liveness < s.face_min_liveness or not isinstance(iat, int)
            or now - iat > s.face_assertion_max_age_seconds or iat > now + _CLOCK_SKEW_SECONDS
            or not issuer or not subject):
        raise AssertionInvalid()
    named = claims.get("id_hash")
    if named is not None:
        expected = platform_id_hash(state, issuer, ch["id"])
        if not isinstance(named, str) or not hmac.compare_digest(named, expected):
            raise AssertionInvalid()
    else:
        bound = await PlatformSubject.get_or_none(issuer=issuer, subject=subject[:128])
        if bound is not None and bound.id_number_hash != id_hash:
            raise AssertionInvalid()
    return Evidence("ASSERTION", issuer=issuer, subject=subject[:128])


async def check(state: AppState, ch: dict[str, Any], *, id_hash: str, image_sha256: str,
                assertion: str | None, kiosk: KioskCapture | None) -> Evidence:
    """The capture's liveness evidence, or AssertionInvalid / LivenessRequired."""
    if kiosk is not None:
        message = kiosks.capture_message(
            kiosk_id=kiosk.kiosk_id, challenge_id=ch["challenge_id"], nonce=ch["nonce"],
            image_sha256=image_sha256, card=kiosks.card_digest(ch["name"], ch["id"]))
        device = await kiosks.verify_capture(kiosk.kiosk_id, kiosk.signature, message)
        if device is None or ch["channel"] != "KIOSK":
            raise AssertionInvalid()
        return Evidence("KIOSK", kiosk_id=device.id)
    if assertion is not None:
        return await _check_assertion(state, assertion, ch, id_hash)
    if state.settings.plain_selfie_allowed:
        return Evidence("PLAIN")
    raise LivenessRequired()


async def bind_subject(evidence: Evidence, id_hash: str) -> None:
    """First successful use of a platform account binds it to this identity."""
    if evidence.kind != "ASSERTION" or evidence.issuer is None or evidence.subject is None:
        return
    if await PlatformSubject.exists(issuer=evidence.issuer, subject=evidence.subject):
        return
    # A concurrent first use may bind it first; the next login checks that binding.
    with contextlib.suppress(IntegrityError):
        await PlatformSubject.create(issuer=evidence.issuer, subject=evidence.subject,
                                     id_number_hash=id_hash, bound_at=datetime.now(UTC))
