"""Mock of the registration centre's e-seal service: seal key, CA chain and TSA.

In production the centre's 电子印章 key sits in an HSM / cloud signing service,
its certificate is issued by a licensed CA, and timestamps come from a trusted
time-stamping authority. This stand-in creates a small test PKI on first use
under the directory it is given (the app passes ``settings.var_dir / "seal"``):

- ``root-ca``: "佛山市不动产登记中心 测试根CA", self-signed, 10 years;
- ``seal``: "佛山市不动产登记中心 电子印章", issued by the root, 3 years,
  key usage digitalSignature + nonRepudiation;
- ``tsa``: the test timestamp authority, issued by the root, 3 years,
  extended key usage timeStamping (critical), answered in process.

Each is a ``<name>.key.pem`` (PKCS#8, mode 0600) + ``<name>.cert.pem`` pair.
Existing files are always loaded and never regenerated, so PDFs sealed before
a restart keep validating. Keys are ECDSA P-256: cheap to load and sign with
(an RSA-2048 key costs ~35 ms just to load, and pyHanko reloads per use).

Seals are PAdES B-T (ETSI.CAdES.detached + RFC 3161 signature timestamp) made
and checked with pyHanko; validation trusts only our root and never fetches
anything. A real adapter implements ``api.providers.seal.SealProvider`` and
replaces this class by configuration.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import algos, cms, core, keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import general, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from api.providers.seal import SealValidation, StatementValidation
from mock_providers.seal_pki import (
    ROOT_CN,
    SEAL_CN,
    TSA_CN,
    KeyAndCert,
    SealSetupError,
    load_or_create,
)

__all__ = ["ROOT_CN", "SEAL_CN", "TSA_CN", "LocalSealProvider", "SealSetupError"]

logger = logging.getLogger(__name__)


# --- pyHanko glue ---------------------------------------------------------------------------

def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: ec.EllipticCurvePrivateKey) -> keys.PrivateKeyInfo:
    return keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


class _EcdsaTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA, taught ECDSA.

    ``DummyTimeStamper`` signs with RSA only (and reloads the key per token), so
    we override its two signing hooks; the token structure stays pyHanko's. The
    seal tests pin this: a change in pyHanko makes ``timestamped`` fail there.
    """

    def __init__(self, tsa: KeyAndCert, chain: list[asn1_x509.Certificate]) -> None:
        key, cert = tsa
        super().__init__(tsa_cert=_asn1_cert(cert), tsa_key=_asn1_key(key),
                         certs_to_embed=SimpleCertificateStore.from_certs(chain))
        self._ec_key = key

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str,
                       dt: datetime) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            general.simple_cms_attribute("content_type", "tst_info"),
            general.simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            general.simple_cms_attribute("signing_certificate",
                                         general.as_signing_certificate(self.tsa_cert)),
            general.simple_cms_attribute("message_digest", digest.finalize()),
        ])
        signature = self._ec_key.sign(
            signed_attrs.dump(), ec.ECDSA(get_pyca_cryptography_hash(md_algorithm)))
        return signature, signed_attrs

    def _build_signed_data(self, tst_info_data: bytes, md_algorithm: str, signature: bytes,
                           signed_attrs: cms.CMSAttributes) -> dict:
        signed_data = super()._build_signed_data(tst_info_data, md_algorithm, signature,
                                                 signed_attrs)
        signed_data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": f"{md_algorithm}_ecdsa"})
        return signed_data


@dataclass(frozen=True)
class _Material:
    root: asn1_x509.Certificate
    signer: signers.SimpleSigner
    timestamper: _EcdsaTimeStamper


def _subject(cert: asn1_x509.Certificate) -> str:
    return x509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string()


def _parse_eagerly(material: _Material) -> None:
    """Parse the shared certificates completely, once, before any thread uses them.

    asn1crypto parses lazily and fills its caches (a ``Name``'s native dict,
    say) without a lock. Several threads sealing at once with a fresh signer
    read a half-built dict: ``KeyError: 'organization_name'`` from pyHanko's
    ``subject_name``, an internal error for a citizen issuing a certificate
    (seen in a full test run under CPU load, and in 3 of 200 rounds of three
    concurrent first seals).
    Fully parsed, the objects are only read afterwards."""
    signing_cert = material.signer.signing_cert
    assert signing_cert is not None  # set from seal.cert.pem above
    for cert in (material.root, signing_cert, material.timestamper.tsa_cert):
        _ = cert.native
    _ = material.signer.subject_name


class LocalSealProvider:
    """Seals and checks PDFs with a test PKI kept under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._material: _Material | None = None
        # Guards the lazy first load: it may run in several worker threads at once.
        self._lock = threading.Lock()

    def _load(self) -> _Material:
        with self._lock:
            if self._material is None:
                root, seal, tsa = load_or_create(self._directory)
                root_cert, seal_cert = _asn1_cert(root[1]), _asn1_cert(seal[1])
                # Built once: SimpleSigner / the TSA hold the parsed keys and chain, so
                # each seal only hashes and signs.
                material = _Material(
                    root=root_cert,
                    signer=signers.SimpleSigner(
                        signing_cert=seal_cert, signing_key=_asn1_key(seal[0]),
                        cert_registry=SimpleCertificateStore.from_certs([root_cert])),
                    timestamper=_EcdsaTimeStamper(tsa, [root_cert]),
                )
                _parse_eagerly(material)
                self._material = material
            return self._material

    def trust_roots(self) -> list[bytes]:
        return [self._load().root.dump()]

    # pyHanko's signing and validation coroutines are only nominally async here:
    # with an in-process TSA and allow_fetching=False there is nothing to await, so
    # the PDF parsing, hashing, ECDSA and certificate path building would run on
    # (and stall) the event loop for tens of milliseconds. A worker thread keeps the
    # loop serving requests; pyHanko's sync wrappers then run their own short-lived
    # loop inside that thread (asyncio.run is fine there: no loop is running in it).

    async def sign_pdf(self, pdf_bytes: bytes, *, field_name: str = "Seal", reason: str,
                       location: str) -> bytes:
        return await asyncio.to_thread(self._sign, pdf_bytes, field_name, reason, location)

    async def validate_pdf(self, pdf_bytes: bytes) -> SealValidation:
        return await asyncio.to_thread(self._validate, pdf_bytes)

    async def sign_statement(self, data: bytes) -> bytes:
        return await asyncio.to_thread(self._sign_statement, data)

    async def validate_statement(self, data: bytes, signature: bytes) -> StatementValidation:
        return await asyncio.to_thread(self._validate_statement, data, signature)

    def _sign_statement(self, data: bytes) -> bytes:
        material = self._load()
        signed = asyncio.run(material.signer.async_sign_general_data(
            data, "sha256", detached=True, use_cades=True, timestamper=material.timestamper))
        return bytes(signed.dump())

    def _validate_statement(self, data: bytes, signature: bytes) -> StatementValidation:
        material = self._load()
        try:
            content = cms.ContentInfo.load(signature)
            if content["content_type"].native != "signed_data":
                return StatementValidation("MALFORMED")
            status = asyncio.run(async_validate_detached_cms(
                data, content["content"],
                signer_validation_context=ValidationContext(
                    trust_roots=[material.root], allow_fetching=False),
                ts_validation_context=ValidationContext(
                    trust_roots=[material.root], allow_fetching=False)))
        except Exception:  # attacker-controlled bytes: any parse failure is MALFORMED
            logger.info("statement validation: malformed input", exc_info=True)
            return StatementValidation("MALFORMED")
        tst = status.timestamp_validity
        trusted_tst = tst if tst is not None and tst.trusted else None
        if not (status.intact and status.valid):
            code = "TAMPERED"
        elif not status.trusted:
            code = "UNTRUSTED"
        elif trusted_tst is None:
            code = "UNTIMESTAMPED"
        else:
            code = "OK"
        return StatementValidation(code, signer_subject=_subject(status.signing_cert),
                                   signed_at=trusted_tst.timestamp if trusted_tst else None)

    def _sign(self, pdf_bytes: bytes, field_name: str, reason: str, location: str) -> bytes:
        material = self._load()
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, reason=reason, location=location, md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,  # ETSI.CAdES.detached: PAdES, not plain PKCS#7
        )
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        out = signers.sign_pdf(writer, meta, signer=material.signer,
                               timestamper=material.timestamper)
        return out.getvalue()

    def _validate(self, pdf_bytes: bytes) -> SealValidation:
        material = self._load()
        try:
            signatures = PdfFileReader(BytesIO(pdf_bytes)).embedded_regular_signatures
            if not signatures:
                return _verdict("NO_SIGNATURE")
            # The first signature is the seal; anything signed after it is an edit.
            context = ValidationContext(trust_roots=[material.root], allow_fetching=False)
            # skip_diff: any revision appended after the seal is rejected below, whatever
            # pyHanko's diff analysis would call it (it rates an /Info edit as a harmless
            # "LTA update"), so that costly analysis cannot change our verdict.
            status = validate_pdf_signature(signatures[0], context, skip_diff=True)
        except Exception:
            # pyHanko parsing attacker-supplied bytes raises many exception types
            # (PdfReadError, ValueError, KeyError, ...); all mean "not a PDF seal we
            # can read". Our own mapping below stays outside this net.
            logger.info("seal validation: malformed input", exc_info=True)
            return _verdict("MALFORMED")

        tst = status.timestamp_validity
        trusted_tst = tst if tst is not None and tst.trusted else None
        intact = status.intact and status.valid
        trusted = status.trusted
        timestamped = trusted_tst is not None
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        # Below ENTIRE_REVISION the byte range has gaps or starts late: signed bytes
        # could be re-interpreted (a "shadow" attack), so that is tampering, not an edit.
        if not intact or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            code = "TAMPERED"
        elif not trusted:
            code = "UNTRUSTED"
        elif not timestamped:
            code = "UNTIMESTAMPED"
        elif not whole:
            code = "INCREMENTAL_EDIT"
        else:
            code = "OK"
        return SealValidation(
            intact=intact, trusted=trusted, timestamped=timestamped,
            covers_whole_document=whole, signer_subject=_subject(status.signing_cert),
            # The TSA's time when we can trust it; otherwise only the signer's own claim.
            signed_at=trusted_tst.timestamp if trusted_tst else status.signer_reported_dt,
            reason_code=code,
        )


def _verdict(code: str) -> SealValidation:
    return SealValidation(intact=False, trusted=False, timestamped=False,
                          covers_whole_document=False, signer_subject=None, signed_at=None,
                          reason_code=code)
