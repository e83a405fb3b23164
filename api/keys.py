"""The key ring: PII encryption keys, the blind-index key and token signing keys.

Keys are read from ``<keys_dir>/keyring.json`` (a mounted secret in
production). Development and test generate one on first use and mark it
``generated_for``; production refuses a missing, incomplete or generated
key ring, so there is never a plaintext or default-key fallback.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from api.settings import Settings

KEYRING_FILE = "keyring.json"


class KeyringError(RuntimeError):
    """The key ring is missing or unusable: the app must not become ready."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()


@dataclass(frozen=True)
class Keyring:
    pii_active: str
    pii_keys: dict[str, bytes]
    blind_index_key: bytes
    token_active: str
    token_keys: dict[str, SigningKey]
    generated_for: str | None

    @property
    def active_token_key(self) -> SigningKey:
        return self.token_keys[self.token_active]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _new_signing_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def generate_keyring_document(env: str) -> dict:
    return {
        "generated_for": env,
        "pii": {"active": "pii-1", "keys": {"pii-1": _b64(secrets.token_bytes(32))}},
        "blind_index": _b64(secrets.token_bytes(32)),
        "tokens": {"active": "tok-1", "keys": {"tok-1": _new_signing_pem()}},
    }


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def parse_keyring(doc: dict) -> Keyring:
    try:
        pii_keys = {kid: base64.b64decode(v) for kid, v in doc["pii"]["keys"].items()}
        token_keys = {}
        for kid, pem in doc["tokens"]["keys"].items():
            key = serialization.load_pem_private_key(pem.encode(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise KeyringError(f"token key {kid} is not an EC key")
            token_keys[kid] = SigningKey(kid, key)
        ring = Keyring(
            pii_active=doc["pii"]["active"],
            pii_keys=pii_keys,
            blind_index_key=base64.b64decode(doc["blind_index"]),
            token_active=doc["tokens"]["active"],
            token_keys=token_keys,
            generated_for=doc.get("generated_for"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyringError(f"key ring is malformed: {type(exc).__name__}") from None
    if ring.pii_active not in ring.pii_keys or ring.token_active not in ring.token_keys:
        raise KeyringError("key ring names an active key it does not contain")
    if any(len(k) != 32 for k in ring.pii_keys.values()) or len(ring.blind_index_key) < 32:
        raise KeyringError("PII and blind-index keys must be 32 bytes")
    return ring


def load_keyring(settings: Settings) -> Keyring:
    path = settings.resolved_keys_dir / KEYRING_FILE
    if not path.exists():
        if settings.is_production:
            raise KeyringError(f"no key ring at {path}; production never generates keys")
        _write_private(path, json.dumps(generate_keyring_document(settings.app_env.value)))
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        raise KeyringError(f"cannot read the key ring at {path}") from None
    ring = parse_keyring(doc)
    if settings.is_production and ring.generated_for:
        raise KeyringError("the key ring was generated for development; refusing in production")
    return ring
