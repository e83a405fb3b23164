"""Issue 12 item 14b: stored certificate PDFs (full names) are encrypted at rest.

New documents are stored only as PII-vault ciphertext bound to their row;
rows stored in clear before migration 0011 are served only when they are the
issued document (its audited SHA-256), then encrypted on that first read or by
``python -m api encrypt-documents``.
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from api.infra.settings import Settings
from api.models import Certificate, CertificateDocument
from api.services.certificates import documents as certificate_documents
from mock_providers.datagen.demo import CHEN_ZHIQIANG, HE_SHIQI
from tests.conftest import Client
from tests.resolvers.helpers import seed_demo, token_for
from tests.serverproc import clean_env

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ISSUE = """mutation ($input: IssueCertificateInput!) { issueCertificate(input: $input) {
  __typename ... on CertificateIssued { certificate { id number downloadUrl pdfSha256 } } } }"""


@pytest.fixture
async def issued(client: Client) -> list[dict]:
    """Two certificates (陈志强's holdings, 何诗琪's no-holdings) and their signed PDFs."""
    await seed_demo(client)
    made = []
    for name, number, kind in (("陈志强", CHEN_ZHIQIANG, "HOLDINGS"),
                               ("何诗琪", HE_SHIQI, "NO_HOLDINGS")):
        token = await token_for(client, name, number)
        body = await client.gql(ISSUE, {"input": {"kind": kind, "purpose": "TAX"}}, token=token)
        cert = body["data"]["issueCertificate"]["certificate"]
        cert["pdf"] = (await _download(client, cert)).content
        made.append(cert)
    return made


async def _download(client: Client, cert: dict):  # type: ignore[no-untyped-def]
    return await client.http.get("/" + cert["downloadUrl"].split("://", 1)[1].split("/", 1)[1])


async def _make_legacy(cert: dict, pdf: bytes) -> None:
    """The row as migration 0011 leaves one written before it: plaintext only."""
    await CertificateDocument.filter(certificate_id=cert["id"]).update(pdf=pdf, pdf_enc=None)


async def test_new_documents_are_stored_only_encrypted(client: Client, issued: list[dict]
                                                       ) -> None:
    for cert in issued:
        row = await CertificateDocument.get(certificate_id=cert["id"])
        assert row.pdf is None
        assert row.pdf_enc is not None
        assert row.pdf_enc.startswith("v1:pii-")
        assert b"%PDF" not in row.pdf_enc.encode()
        plain = client.state.vault.decrypt_bytes(row.pdf_enc, table="certificate_document",
                                                 column="pdf", row=cert["id"])
        assert plain == cert["pdf"]
        assert hashlib.sha256(plain).hexdigest() == cert["pdfSha256"]


@pytest.mark.logs_errors  # a tampered stored document is an operator alarm
async def test_ciphertext_moved_to_another_row_is_not_served(client: Client,
                                                             issued: list[dict]) -> None:
    first, second = issued
    stolen = (await CertificateDocument.get(certificate_id=first["id"])).pdf_enc
    await CertificateDocument.filter(certificate_id=second["id"]).update(pdf_enc=stolen)
    assert (await _download(client, second)).status_code == 404
    assert (await _download(client, first)).status_code == 200


async def test_old_plaintext_row_is_served_then_encrypted(client: Client,
                                                          issued: list[dict]) -> None:
    cert = issued[0]
    await _make_legacy(cert, cert["pdf"])
    # Two readers at once: both served, one encryption.
    first, second = await asyncio.gather(_download(client, cert), _download(client, cert))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == cert["pdf"]
    row = await CertificateDocument.get(certificate_id=cert["id"])
    assert row.pdf is None
    assert row.pdf_enc is not None
    assert (await _download(client, cert)).content == cert["pdf"]


@pytest.mark.logs_errors  # a tampered stored document is an operator alarm
async def test_old_plaintext_that_is_not_the_issued_document_is_refused(
        client: Client, issued: list[dict]) -> None:
    cert = issued[0]
    forged = cert["pdf"].replace(b"/Producer", b"/Producex", 1)
    await _make_legacy(cert, forged)
    assert (await _download(client, cert)).status_code == 404
    row = await CertificateDocument.get(certificate_id=cert["id"])
    assert row.pdf_enc is None  # not laundered into a "valid" ciphertext by a read


@pytest.mark.logs_errors  # a tampered stored document is an operator alarm
async def test_sweep_encrypts_every_plaintext_row(client: Client, issued: list[dict]) -> None:
    good, other = issued
    await _make_legacy(good, good["pdf"])
    await _make_legacy(other, b"%PDF-1.7 not the issued one")
    report = await certificate_documents.encrypt_legacy(client.state, batch=1)
    assert report == certificate_documents.SweepReport(encrypted=2, mismatched=1)
    assert await CertificateDocument.filter(pdf__isnull=False).count() == 0
    assert await CertificateDocument.filter(pdf_enc__isnull=True).count() == 0
    assert (await _download(client, good)).content == good["pdf"]
    assert (await _download(client, other)).status_code == 404  # encrypted, still refused
    again = await certificate_documents.encrypt_legacy(client.state)
    assert again == certificate_documents.SweepReport(encrypted=0, mismatched=0)


async def test_cli_encrypt_documents(client: Client, issued: list[dict],
                                     settings: Settings) -> None:
    cert = issued[0]
    await _make_legacy(cert, cert["pdf"])
    env = {**clean_env(), "APP_ENV": "test", "DATABASE_URL": settings.database_url,
           "FSREG_KEYS_DIR": str(settings.keys_dir), "FSREG_VAR_DIR": str(settings.var_dir)}
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "api", "encrypt-documents"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "documents encrypted: 1;" in done.stdout
    row = await CertificateDocument.get(certificate_id=cert["id"])
    assert row.pdf is None
    assert row.pdf_enc is not None
    assert await Certificate.filter(id=cert["id"]).exists()
