"""The mock seal provider: PAdES B-T seals made and checked with pyHanko."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fpdf import FPDF
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from mock_providers.seal import ROOT_CN, SEAL_CN, TSA_CN, LocalSealProvider, SealSetupError

SERIAL = "0012345"
REASON = "不动产登记资料查询结果证明"


def make_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_compression(False)  # keep the page text in clear so a test can flip one byte of it
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(text=f"Certificate of real estate holdings No. {SERIAL}")
    return bytes(pdf.output())


@pytest.fixture
def seal_dir(tmp_path: Path) -> Path:
    return tmp_path / "seal"


@pytest.fixture
def provider(seal_dir: Path) -> LocalSealProvider:
    return LocalSealProvider(seal_dir)


@pytest.fixture
async def sealed(provider: LocalSealProvider) -> bytes:
    return await provider.sign_pdf(make_pdf(), reason=REASON, location="佛山市")


def append_revision(pdf: bytes, edit: Callable[[IncrementalPdfFileWriter], object]) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    edit(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pem_files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.glob("*.pem")}


def overlay_text(writer: IncrementalPdfFileWriter) -> None:
    """What a forger would do: paint new text over page 1 in a new revision."""
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 700 Td (No. 9999999) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))


def retitle(writer: IncrementalPdfFileWriter) -> None:
    info = generic.DictionaryObject({generic.pdf_name("/Title"): generic.pdf_string("forged")})
    writer.set_info(writer.add_object(info))


async def test_sealed_pdf_is_intact_trusted_timestamped_and_whole(
        provider: LocalSealProvider, sealed: bytes) -> None:
    result = await provider.validate_pdf(sealed)

    assert result.reason_code == "OK"
    assert result.intact
    assert result.trusted
    assert result.timestamped
    assert result.covers_whole_document
    assert result.signer_subject is not None
    assert f"CN={SEAL_CN}" in result.signer_subject
    assert result.signed_at is not None
    assert abs(datetime.now(UTC) - result.signed_at) < timedelta(minutes=5)


async def test_seal_is_pades_with_chain_embedded(sealed: bytes) -> None:
    (signature,) = PdfFileReader(BytesIO(sealed)).embedded_regular_signatures

    assert signature.field_name == "Seal"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == REASON
    embedded = {choice.chosen.subject.native["common_name"]
                for choice in signature.signed_data["certificates"]}
    assert {ROOT_CN, SEAL_CN} <= embedded
    # B-T: the RFC 3161 token sits in the signer's unsigned attributes.
    unsigned = signature.signer_info["unsigned_attrs"].native
    assert [a["type"] for a in unsigned] == ["signature_time_stamp_token"]


async def test_flipped_byte_in_signed_range_is_tampered(
        provider: LocalSealProvider, sealed: bytes) -> None:
    (signature,) = PdfFileReader(BytesIO(sealed)).embedded_regular_signatures
    index = sealed.index(SERIAL.encode())
    _, first_len, _, _ = signature.byte_range
    assert index < first_len  # inside the signed bytes, well before the signature hex
    forged = bytearray(sealed)
    forged[index] = ord("9")

    result = await provider.validate_pdf(bytes(forged))

    assert result.reason_code == "TAMPERED"
    assert not result.intact
    assert not result.trusted


@pytest.mark.parametrize("edit", [overlay_text, retitle], ids=["overlay-text", "retitle"])
async def test_revision_appended_after_sealing_is_an_incremental_edit(
        provider: LocalSealProvider, sealed: bytes,
        edit: Callable[[IncrementalPdfFileWriter], object]) -> None:
    # pyHanko's own diff policy calls the retitle a harmless "LTA update"; for an
    # issued certificate any appended revision must be rejected.
    result = await provider.validate_pdf(append_revision(sealed, edit))

    assert result.reason_code == "INCREMENTAL_EDIT"
    assert not result.covers_whole_document
    assert result.intact  # the sealed revision itself is still genuine...
    assert result.trusted  # ...and really ours: only the appended part is the problem


async def test_other_providers_roots_do_not_trust_our_seal(
        tmp_path: Path, provider: LocalSealProvider, sealed: bytes) -> None:
    other = LocalSealProvider(tmp_path / "other-seal")

    result = await other.validate_pdf(sealed)

    assert other.trust_roots() != provider.trust_roots()
    assert result.reason_code == "UNTRUSTED"
    assert not result.trusted
    assert result.intact
    assert not result.timestamped  # the TSA chains to the same, foreign, root


async def test_second_instance_reuses_the_pki_and_validates_old_seals(
        seal_dir: Path, provider: LocalSealProvider, sealed: bytes) -> None:
    files_before = pem_files(seal_dir)

    again = LocalSealProvider(seal_dir)

    assert again.trust_roots() == provider.trust_roots()
    assert (await again.validate_pdf(sealed)).reason_code == "OK"
    assert pem_files(seal_dir) == files_before


async def test_unsigned_pdf_has_no_signature(provider: LocalSealProvider) -> None:
    result = await provider.validate_pdf(make_pdf())

    assert result.reason_code == "NO_SIGNATURE"
    assert not result.intact
    assert result.signer_subject is None


@pytest.mark.parametrize("data", [b"", b"garbage \x00\xff", b"%PDF-1.7\n%%EOF\n"],
                         ids=["empty", "garbage", "pdf-header-only"])
async def test_unreadable_input_is_malformed(provider: LocalSealProvider, data: bytes) -> None:
    result = await provider.validate_pdf(data)

    assert result.reason_code == "MALFORMED"
    assert not result.intact


async def test_truncated_seal_is_malformed(provider: LocalSealProvider, sealed: bytes) -> None:
    assert (await provider.validate_pdf(sealed[: len(sealed) // 2])).reason_code == "MALFORMED"


def test_pki_files_and_certificates(seal_dir: Path, provider: LocalSealProvider) -> None:
    (root_der,) = provider.trust_roots()
    root = x509.load_der_x509_certificate(root_der)
    seal = x509.load_pem_x509_certificate((seal_dir / "seal.cert.pem").read_bytes())
    tsa = x509.load_pem_x509_certificate((seal_dir / "tsa.cert.pem").read_bytes())

    for name in ("root-ca", "seal", "tsa"):
        assert (seal_dir / f"{name}.key.pem").stat().st_mode & 0o777 == 0o600
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ROOT_CN
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert seal.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SEAL_CN
    seal.verify_directly_issued_by(root)
    usage = seal.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment  # nonRepudiation
    assert tsa.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == TSA_CN
    tsa.verify_directly_issued_by(root)
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical
    assert list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert root.not_valid_after_utc - root.not_valid_before_utc > timedelta(days=3650)
    assert seal.not_valid_after_utc - seal.not_valid_before_utc > timedelta(days=3 * 365)


def test_half_a_key_pair_is_refused_not_regenerated(
        seal_dir: Path, provider: LocalSealProvider) -> None:
    provider.trust_roots()
    (seal_dir / "seal.cert.pem").unlink()

    with pytest.raises(SealSetupError, match=r"seal\.cert\.pem"):
        LocalSealProvider(seal_dir).trust_roots()
    assert not (seal_dir / "seal.cert.pem").exists()


async def test_concurrent_first_use_creates_one_pki(provider: LocalSealProvider) -> None:
    pdfs = await asyncio.gather(*(provider.sign_pdf(make_pdf(), reason=REASON, location="佛山市")
                                  for _ in range(4)))

    results = await asyncio.gather(*(provider.validate_pdf(pdf) for pdf in pdfs))

    assert [r.reason_code for r in results] == ["OK"] * 4


def test_shared_certificates_are_parsed_before_any_thread_signs(seal_dir: Path) -> None:
    """asn1crypto fills its parse caches without a lock: sealing from several
    threads with a fresh signer once read a half-built subject (``KeyError:
    'organization_name'``, in a test run under CPU load). The load parses them
    fully first."""
    LocalSealProvider(seal_dir).trust_roots()  # create the PKI
    material = LocalSealProvider(seal_dir)._load()
    for cert in (material.root, material.signer.signing_cert, material.timestamper.tsa_cert):
        subject = cert["tbs_certificate"]["subject"]
        assert subject._native is not None, "a Name left to be parsed lazily by signing threads"


async def test_concurrent_first_signs_of_fresh_providers(seal_dir: Path) -> None:
    LocalSealProvider(seal_dir).trust_roots()
    pdf = make_pdf()
    # A smoke check only: the race hit 3 rounds in 200 before the fix, so 8
    # rounds rarely catch it; the test above is the one that fails without it.
    for _ in range(8):
        fresh = LocalSealProvider(seal_dir)
        signed = await asyncio.gather(*(fresh.sign_pdf(pdf, reason=REASON, location="佛山市")
                                        for _ in range(3)))
        assert all(s.startswith(b"%PDF") for s in signed)
