"""The seal mock's test PKI: a root CA, the seal certificate and the TSA
certificate under one directory, made once and never regenerated (see
``mock_providers/seal.py`` for what each is for).

Each is a ``<name>.key.pem`` (PKCS#8, mode 0600) + ``<name>.cert.pem`` pair;
several workers starting at once agree on one set (a file lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CENTRE = "佛山市不动产登记中心"
ROOT_CN = f"{CENTRE} 测试根CA"
SEAL_CN = f"{CENTRE} 电子印章"
TSA_CN = f"{CENTRE} 测试时间戳服务"
ROOT_DAYS = 3653  # 10 years
LEAF_DAYS = 1096  # 3 years
# Backdate a little so a freshly made chain is valid on hosts with clock skew.
BACKDATE = timedelta(minutes=5)

KeyAndCert = tuple[ec.EllipticCurvePrivateKey, x509.Certificate]


class SealSetupError(RuntimeError):
    """The seal directory holds an incomplete or inconsistent PKI."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "广东省"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "佛山市"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, CENTRE),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, digital_signature: bool = False, non_repudiation: bool = False,
               cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=non_repudiation,
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=cert_sign, crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )


def _issue(common_name: str, days: int, issuer: KeyAndCert | None,
           extensions: list[tuple[x509.ExtensionType, bool]]) -> KeyAndCert:
    """A new P-256 key and its certificate, signed by ``issuer`` (self-signed if None)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(common_name)
    issuer_key, issuer_name = (key, subject) if issuer is None else (issuer[0], issuer[1].subject)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), False)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical)
    return key, builder.sign(issuer_key, hashes.SHA256())


def _new_root() -> KeyAndCert:
    return _issue(ROOT_CN, ROOT_DAYS, None, [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (_key_usage(cert_sign=True), True),
    ])


def _new_seal(root: KeyAndCert) -> KeyAndCert:
    return _issue(SEAL_CN, LEAF_DAYS, root, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True, non_repudiation=True), True),
    ])


def _new_tsa(root: KeyAndCert) -> KeyAndCert:
    # RFC 3161 §2.3: a TSA certificate has exactly one, critical, EKU: timeStamping.
    return _issue(TSA_CN, LEAF_DAYS, root, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True, non_repudiation=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
    ])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # Created 0600 from the start (no window with wider permissions); O_EXCL so an
    # existing key can never be overwritten.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def _pair(directory: Path, name: str, create: Callable[[], KeyAndCert]) -> KeyAndCert:
    """Load ``<name>.key.pem`` + ``<name>.cert.pem``, or create both if neither exists."""
    key_path, cert_path = directory / f"{name}.key.pem", directory / f"{name}.cert.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise SealSetupError(f"{key_path}: expected an EC private key")
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    if key_path.exists() or cert_path.exists():
        # Regenerating one half would orphan every PDF sealed so far: a human decides.
        raise SealSetupError(f"{directory}: only one of {key_path.name} / {cert_path.name} "
                             "exists; restore the other or delete both")
    key, cert = create()
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    # Several workers may start at once: only one may create the PKI, the others
    # must then load what it wrote instead of minting a second, different root.
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def load_or_create(directory: Path) -> tuple[KeyAndCert, KeyAndCert, KeyAndCert]:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _exclusive(directory / ".lock"):
        root = _pair(directory, "root-ca", _new_root)
        seal = _pair(directory, "seal", lambda: _new_seal(root))
        tsa = _pair(directory, "tsa", lambda: _new_tsa(root))
    for name, (_, cert) in (("seal", seal), ("tsa", tsa)):
        try:
            cert.verify_directly_issued_by(root[1])
        except (InvalidSignature, ValueError, TypeError) as exc:
            raise SealSetupError(f"{directory}: {name} was not issued by root-ca") from exc
    return root, seal, tsa
