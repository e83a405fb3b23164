"""Access tokens (RFC 8725 / RFC 9068 profile) signed with the key ring's EC keys.

- One algorithm family pinned: ES256. ``alg`` is checked against the header
  before any key is touched; ``none`` and HMAC never reach a verifier.
- ``kid`` must name a key of the local key set; ``jku``, ``x5u``, ``jwk`` and
  ``x5c`` headers are refused outright (no network, no file access).
- ``exp iat iss aud sub jti`` are required, and the header ``typ`` must be the
  expected one, so a refresh, certificate or client token is never accepted
  where an access token is expected.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from api.infra.keys import Keyring

ALGORITHM = "ES256"
ISSUER = "fsreg"
AUDIENCE = "fsreg-api"
ACCESS_TYP = "at+jwt"
CLIENT_TYP = "client+jwt"
_FORBIDDEN_HEADERS = {"jku", "x5u", "jwk", "x5c", "crit"}
_REQUIRED = ["exp", "iat", "iss", "aud", "sub", "jti"]
_LEEWAY_SECONDS = 5


class TokenInvalid(Exception):
    """Any reason a token is not acceptable; the request becomes anonymous."""


@dataclass(frozen=True)
class AccessClaims:
    sub: str
    sid: str
    jti: str
    role: str
    acr: str
    channel: str
    exp: int
    iat: int


def issue(ring: Keyring, claims: dict[str, Any], *, typ: str, ttl_seconds: int,
          now: float | None = None, audience: str = AUDIENCE) -> str:
    key = ring.active_token_key
    iat = int(now if now is not None else time.time())
    payload = {"iss": ISSUER, "aud": audience, "iat": iat, "exp": iat + ttl_seconds,
               "jti": uuid.uuid4().hex, **claims}
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM,
                      headers={"kid": key.kid, "typ": typ})


def verify(ring: Keyring, token: str, *, typ: str, audience: str = AUDIENCE,
           leeway: int = _LEEWAY_SECONDS) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenInvalid("malformed") from None
    if header.get("alg") != ALGORITHM:
        raise TokenInvalid("algorithm")
    if _FORBIDDEN_HEADERS & header.keys():
        raise TokenInvalid("header")
    if header.get("typ") != typ:
        raise TokenInvalid("type")
    kid = header.get("kid")
    key = ring.token_keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise TokenInvalid("kid")
    try:
        return jwt.decode(token, key.public_key, algorithms=[ALGORITHM], audience=audience,
                          issuer=ISSUER, leeway=leeway,
                          options={"require": _REQUIRED, "verify_signature": True})
    except jwt.PyJWTError:
        raise TokenInvalid("claims") from None


def public_jwks(ring: Keyring) -> dict[str, Any]:
    """Every verification key of the ring (old ones too, for tokens and certificate
    statements still in circulation), as a JWK set for ``/.well-known/jwks.json``."""
    from jwt.algorithms import ECAlgorithm

    keys = []
    for kid, key in sorted(ring.token_keys.items()):
        jwk = ECAlgorithm.to_jwk(key.public_key, as_dict=True)
        keys.append({**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}


def issue_access(ring: Keyring, *, citizen_id: str, session_id: str, role: str, acr: str,
                 channel: str, ttl_seconds: int, now: float | None = None) -> str:
    return issue(ring, {"sub": citizen_id, "sid": session_id, "role": role, "acr": acr,
                        "channel": channel}, typ=ACCESS_TYP, ttl_seconds=ttl_seconds, now=now)


def verify_access(ring: Keyring, token: str, *, typ: str = ACCESS_TYP) -> AccessClaims:
    """An access token of a citizen/staff session, or with ``typ=CLIENT_TYP`` of a
    third-party client; each kind is only ever accepted as itself."""
    c = verify(ring, token, typ=typ)
    try:
        return AccessClaims(sub=str(c["sub"]), sid=str(c["sid"]), jti=str(c["jti"]),
                            role=str(c["role"]), acr=str(c["acr"]), channel=str(c["channel"]),
                            exp=int(c["exp"]), iat=int(c["iat"]))
    except (KeyError, TypeError, ValueError):
        raise TokenInvalid("claims") from None
