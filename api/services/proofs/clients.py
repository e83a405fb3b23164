"""Third-party clients: registration and the client-credentials exchange (RFC 6749 §4.4).

Owns:
- how a client proves who it is: a signed client assertion (RFC 7523, ES256
  with the key it registered; ``jti`` single-use, short ``exp``) or, outside
  production, a secret of which only a PBKDF2 hash is kept;
- the client token: its own ``typ`` (``client+jwt``), short-lived, never
  accepted where a citizen token is expected.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

import jwt

from api.infra import limits
from api.infra.state import AppState
from api.models import ApiClient
from api.services.proofs.errors import InvalidClient
from auth import tokens

CLIENT_TOKEN_SECONDS = 300
_PBKDF2_ROUNDS = 200_000
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, _PBKDF2_ROUNDS)
    return f"pbkdf2${_PBKDF2_ROUNDS}${base64.b64encode(salt).decode()}${digest.hex()}"


def _secret_matches(secret: str, stored: str) -> bool:
    try:
        _, rounds, salt, digest = stored.split("$")
        candidate = hashlib.pbkdf2_hmac("sha256", secret.encode(), base64.b64decode(salt),
                                        int(rounds))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


async def register(*, client_id: str, name: str, kind: str, allowed: list[tuple[str, str]],
                   secret: str | None = None, public_key_pem: str | None = None,
                   rate_per_minute: int = 60) -> ApiClient:
    client, _ = await ApiClient.update_or_create(id=client_id, defaults={
        "name": name, "kind": kind, "allowed": [list(a) for a in allowed],
        "secret_hash": hash_secret(secret) if secret else None,
        "public_key_pem": public_key_pem, "rate_per_minute": rate_per_minute, "active": True})
    return client


async def _by_assertion(state: AppState, assertion: str, token_url: str) -> ApiClient:
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise InvalidClient() from None
    if header.get("alg") != "ES256":
        raise InvalidClient()
    client = await ApiClient.get_or_none(id=str(unverified.get("iss", "")), active=True)
    if client is None or not client.public_key_pem:
        raise InvalidClient()
    try:
        claims = jwt.decode(assertion, client.public_key_pem, algorithms=["ES256"],
                            audience=token_url, issuer=client.id,
                            options={"require": ["exp", "iat", "iss", "sub", "aud", "jti"]})
    except jwt.PyJWTError:
        raise InvalidClient() from None
    if claims["sub"] != client.id or claims["exp"] - time.time() > 300:
        raise InvalidClient()
    # Single use: a captured assertion cannot be replayed within its lifetime.
    if not await limits.remember(state.kv, f"jti:{client.id}:{claims['jti']}", 600):
        raise InvalidClient()
    return client


async def authenticate(state: AppState, form: dict[str, Any], token_url: str) -> ApiClient:
    if form.get("grant_type") != "client_credentials":
        raise InvalidClient()
    if form.get("client_assertion_type") == _ASSERTION_TYPE and form.get("client_assertion"):
        return await _by_assertion(state, str(form["client_assertion"]), token_url)
    if state.settings.is_production:
        raise InvalidClient()  # secrets are for development only
    client = await ApiClient.get_or_none(id=str(form.get("client_id", "")), active=True)
    if client is None or not client.secret_hash or not _secret_matches(
            str(form.get("client_secret", "")), client.secret_hash):
        raise InvalidClient()
    return client


async def get(client_id: str) -> ApiClient:
    return await ApiClient.get(id=client_id)


def issue_token(state: AppState, client: ApiClient) -> str:
    return tokens.issue(state.keyring, {"sub": client.id, "sid": secrets.token_hex(16),
                                        "role": "client", "acr": "CLIENT", "channel": "API"},
                        typ=tokens.CLIENT_TYP, ttl_seconds=CLIENT_TOKEN_SECONDS)
