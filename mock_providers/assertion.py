"""Mock of the mini-program platform's real-person check (佛山通 / 粤省事 活体检测).

The platform signs ``{iss, aud, sub, nonce, liveness, iat, exp}`` and, when it
knows the ID number it checked, ``id_hash`` (the number's HMAC under the key
it shares with us) with its own key (ES256); we verify with its public key
only. What the claims must say (fresh, live enough, this identity) is the
platform's consumer's rule: ``api/services/face_proof.py``. The signer half
exists so demos and tests can produce genuine assertions; the key lives under
``var/``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "miniprogram-platform"
AUDIENCE = "fsreg"
LIFETIME_SECONDS = 120


def _load_or_create(path: Path) -> ec.EllipticCurvePrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    return key


class MockPlatformAssertions:
    def __init__(self, key_dir: Path) -> None:
        self._key = _load_or_create(key_dir / "platform-assertion.pem")

    def sign(self, *, nonce: str, subject: str, liveness: object = 0.99,
             now: float | None = None, id_hash: str | None = None,
             lifetime: int = LIFETIME_SECONDS) -> str:
        iat = int(now if now is not None else time.time())
        claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject,
                                  "nonce": nonce, "liveness": liveness, "iat": iat,
                                  "exp": iat + lifetime}
        if id_hash is not None:
            claims["id_hash"] = id_hash
        return jwt.encode(claims, self._key, algorithm="ES256")

    def verify(self, assertion: str, *, nonce: str) -> dict[str, Any] | None:
        try:
            claims = jwt.decode(assertion, self._key.public_key(), algorithms=["ES256"],
                                audience=AUDIENCE, issuer=ISSUER,
                                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})
        except jwt.PyJWTError:
            return None
        return claims if claims.get("nonce") == nonce else None
