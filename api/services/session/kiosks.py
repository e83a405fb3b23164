"""Enrolled self-service terminals and their signed captures (issue 12, item 2).

Owns:
- Enrolment (``python -m api add-kiosk --hall ...``): a new ECDSA P-256 key
  pair; only the public half is stored; the private half leaves once, inside
  a provisioning link whose fragment (``/kiosk/#provision=...``) never
  reaches a server or an access log. The kiosk screen imports it as a
  non-extractable WebCrypto key into IndexedDB and drops the fragment.
- What a kiosk signs for a face capture: the challenge (id and nonce), the
  SHA-256 of the exact image bytes and the ID card the reader read (name and
  number), so a capture cannot be replayed under another challenge, with
  another picture or for another card.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from api.models import Hall, Kiosk

CAPTURE_CONTEXT = "fsreg-kiosk-capture/v1"


@dataclass(frozen=True)
class Enrolled:
    kiosk: Kiosk
    provisioning_link: str


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwk(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    numbers = key.private_numbers()
    pub = numbers.public_numbers
    return {"kty": "EC", "crv": "P-256", "x": _b64url(pub.x.to_bytes(32, "big")),
            "y": _b64url(pub.y.to_bytes(32, "big")),
            "d": _b64url(numbers.private_value.to_bytes(32, "big"))}


async def enrol(*, hall_id: str, label: str, base_url: str) -> Enrolled:
    """A new kiosk of ``hall_id``; the returned link is the only copy of its key."""
    if not await Hall.exists(id=hall_id):
        raise ValueError(f"no hall {hall_id!r}")
    key = ec.generate_private_key(ec.SECP256R1())
    kiosk = await Kiosk.create(
        id=f"K-{secrets.token_hex(4).upper()}", hall_id=hall_id, label=label[:60],
        public_key_pem=key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        created_at=datetime.now(UTC))
    bundle = {"v": 1, "kiosk": kiosk.id, "hall": hall_id, "jwk": _jwk(key)}
    payload = _b64url(json.dumps(bundle, separators=(",", ":")).encode())
    return Enrolled(kiosk, f"{base_url.rstrip('/')}/kiosk/#provision={payload}")


async def revoke(kiosk_id: str) -> bool:
    return bool(await Kiosk.filter(id=kiosk_id, revoked_at=None).update(
        revoked_at=datetime.now(UTC)))


def card_digest(name: str, id_number: str) -> str:
    """What the kiosk signs of the ID card it read (the card's name and number)."""
    return hashlib.sha256(f"{name.strip()}\n{id_number.strip().upper()}".encode()).hexdigest()


def capture_message(*, kiosk_id: str, challenge_id: str, nonce: str, image_sha256: str,
                    card: str) -> bytes:
    return "\n".join((CAPTURE_CONTEXT, kiosk_id, challenge_id, nonce, image_sha256,
                      card)).encode()


async def verify_capture(kiosk_id: str, signature: str, message: bytes) -> Kiosk | None:
    """The active kiosk whose key made ``signature`` (WebCrypto's raw r||s,
    base64url) over ``message``; None for anything else."""
    kiosk = await Kiosk.get_or_none(id=kiosk_id[:24], revoked_at=None)
    if kiosk is None:
        return None
    try:
        raw = _unb64url(signature.strip())
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 64:
        return None
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = serialization.load_pem_public_key(kiosk.public_key_pem.encode())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    try:
        public.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return None
    return kiosk


def sign_capture_for_tests(jwk: dict[str, str], message: bytes) -> str:
    """What the kiosk screen's WebCrypto call produces (used by tests and the CLI's
    self-check): ECDSA P-256 / SHA-256, raw r||s, base64url."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    key = ec.derive_private_key(int.from_bytes(_unb64url(jwk["d"]), "big"), ec.SECP256R1())
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def provisioning_bundle(link: str) -> dict[str, object]:
    """The JSON inside a provisioning link (tests; the kiosk screen parses it in JS)."""
    loaded: dict[str, object] = json.loads(_unb64url(link.split("#provision=", 1)[1]))
    return loaded
