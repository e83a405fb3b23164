"""Issue 5: e-sealed certificates and verification anyone can trust (RELIABILITY 32-34)."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import subprocess
from pathlib import Path

import jwt
import pytest

from api.models import AuditEvent, Certificate, CertificateDocument
from api.services.certificates import issuing as certificates
from api.services.certificates import wording
from mock_providers.datagen.demo import CHEN_ZHIQIANG, HE_SHIQI, HUANG_GUOLIANG
from tests.conftest import Client
from tests.resolvers.helpers import run_job, seed_demo, token_for

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

ISSUE = """mutation ($input: IssueCertificateInput!) { issueCertificate(input: $input) {
  __typename
  ... on CertificateIssued { certificate { id number kind purpose status issuedAt validUntil
        verificationCode downloadUrl qrPayload pdfSha256
        facts { holder idNumber properties { titleNo address restrictions } } } }
  ... on UserError { code message } } }"""
VERIFY = """query ($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) {
  status number revokedReason facts { holder idNumber kind purpose coversAllHoldings
  scopeStatement properties { titleNo } } } }"""
VERIFY_PAYLOAD = """query ($p: String!) { verifyCertificatePayload(payload: $p) {
  status number facts { holder kind coversAllHoldings scopeStatement properties { titleNo } } } }"""
MINE = "query { myCertificates { id number status } }"
ONE = "query ($id: ID!) { certificate(id: $id) { id number } }"
REVOKE = """mutation ($id: ID!, $r: String!) { revokeCertificate(id: $id, reason: $r) {
  __typename ... on CertificateRevoked { certificate { status revokedReason } }
  ... on UserError { code } } }"""
PROPS = "query { myProperties(first: 10) { edges { node { id unitNo isMortgaged } } } }"


@pytest.fixture
async def demo(client: Client) -> None:
    await seed_demo(client)


async def _issue(client: Client, token: str, **inp: object) -> dict:
    body = await client.gql(ISSUE, {"input": {"kind": "HOLDINGS", "purpose": "SCHOOL_ENROLMENT",
                                              **inp}}, token=token)
    assert "errors" not in body, body
    return body["data"]["issueCertificate"]


async def _property_ids(client: Client, token: str) -> list[str]:
    return [e["node"]["id"] for e in (await client.gql(PROPS, token=token))["data"][
        "myProperties"]["edges"]]


async def _pdf(client: Client, url: str) -> bytes:
    path = url.split("://", 1)[1].split("/", 1)[1]
    resp = await client.http.get("/" + path)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    return resp.content


class TestIssue:
    async def test_holdings_certificate_is_sealed_and_verifies(self, client: Client,
                                                               demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        r = await _issue(client, token)
        assert r["__typename"] == "CertificateIssued"
        cert = r["certificate"]
        assert cert["status"] == "VALID"
        assert cert["kind"] == "HOLDINGS"
        assert len(cert["facts"]["properties"]) == 3
        assert cert["facts"]["idNumber"].startswith("440***")
        pdf = await _pdf(client, cert["downloadUrl"])
        validation = await client.state.providers.seal.validate_pdf(pdf)
        assert validation.reason_code == "OK", validation
        import hashlib

        assert hashlib.sha256(pdf).hexdigest() == cert["pdfSha256"]
        flipped = bytearray(pdf)
        i = pdf.index(b"/Type /Page") if b"/Type /Page" in pdf else len(pdf) // 3
        flipped[i + 1] ^= 0x01
        assert (await client.state.providers.seal.validate_pdf(bytes(flipped))).reason_code != "OK"
        event = await AuditEvent.get(action="certificate.issued")
        assert event.detail["pdf_sha256"] == cert["pdfSha256"]

    async def test_holdings_naming_every_property_is_the_whole(self, client: Client,
                                                               demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        ids = await _property_ids(client, token)
        r = await _issue(client, token, propertyIds=list(reversed(ids)), purpose="LOAN")
        assert r["__typename"] == "CertificateIssued"
        assert r["certificate"]["kind"] == "HOLDINGS"
        assert len(r["certificate"]["facts"]["properties"]) == 3

    async def test_no_holdings_certificate(self, client: Client, demo: None) -> None:
        he = await token_for(client, "何诗琪", HE_SHIQI)
        r = await _issue(client, he, kind="NO_HOLDINGS", purpose="HOUSE_PURCHASE")
        assert r["certificate"]["kind"] == "NO_HOLDINGS"
        assert r["certificate"]["facts"]["properties"] == []
        wrong = await _issue(client, he)
        assert wrong["__typename"] == "NoHoldingsToCertify"
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        assert (await _issue(client, chen, kind="NO_HOLDINGS"))["__typename"] == "HoldingsExist"

    async def test_someone_elses_property_refused(self, client: Client, demo: None) -> None:
        huang = await token_for(client, "黄国梁", HUANG_GUOLIANG)
        theirs = (await client.gql(PROPS, token=huang))["data"]["myProperties"]["edges"][0][
            "node"]["id"]
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        r = await _issue(client, chen, propertyIds=[theirs])
        assert r["__typename"] == "PropertyNotSelectable"

    async def test_sms_level_refused(self, client: Client, demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG, level="L1")
        body = await client.gql(ISSUE, {"input": {"kind": "HOLDINGS", "purpose": "TAX"}},
                                token=token)
        assert body["errors"][0]["extensions"]["code"] == "INSUFFICIENT_ASSURANCE"

    async def test_double_tap_issues_once(self, client: Client, demo: None) -> None:
        token = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        results = await asyncio.gather(*[_issue(client, token, idempotencyKey="tap-1")
                                         for _ in range(3)])
        assert len({r["certificate"]["number"] for r in results}) == 1
        assert await Certificate.all().count() == 1
        assert await CertificateDocument.all().count() == 1
        other = await _issue(client, token, idempotencyKey="tap-1", purpose="TAX")
        assert other["__typename"] == "IdempotencyConflict"

    async def test_mine_and_not_theirs(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        mine = (await client.gql(MINE, token=chen))["data"]["myCertificates"]
        assert [c["number"] for c in mine] == [cert["number"]]
        # Its rating reference is the one pendingRatings lists.
        refs = await client.gql("query { myCertificates { serviceRef } "
                                "pendingRatings { serviceRef } }", token=chen)
        assert refs["data"]["myCertificates"] == refs["data"]["pendingRatings"] == [
            {"serviceRef": f"certificate:{cert['id']}"}]
        he = await token_for(client, "何诗琪", HE_SHIQI)
        foreign = await client.gql(ONE, {"id": cert["id"]}, token=he)
        missing = await client.gql(ONE, {"id": "00000000-0000-0000-0000-000000000000"}, token=he)
        assert foreign["data"] == missing["data"] == {"certificate": None}


class TestPartial:
    """Issue 12 item 1: a certificate of a selection never states a total."""

    async def test_holdings_of_a_strict_selection_is_refused(self, client: Client,
                                                             demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        parking = (await _property_ids(client, chen))[2]
        r = await _issue(client, chen, propertyIds=[parking], purpose="LOAN")
        assert r["__typename"] == "SelectionNotWhole"
        assert r["code"] == "SELECTION_NOT_ALL"
        assert "部分不动产证明" in r["message"]
        assert await Certificate.all().count() == 0

    async def test_partial_certificate_says_so_everywhere(self, client: Client,
                                                          demo: None) -> None:
        from tests.certificates.test_pdf import flat, page_texts

        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        parking = (await _property_ids(client, chen))[2]
        r = await _issue(client, chen, kind="PARTIAL_HOLDINGS", propertyIds=[parking],
                         purpose="LOAN")
        assert r["__typename"] == "CertificateIssued"
        cert = r["certificate"]
        assert cert["kind"] == "PARTIAL_HOLDINGS"
        assert len(cert["facts"]["properties"]) == 1
        # The PDF: its own title, "部分不动产，非名下全部", no total, the reliance note; sealed.
        pdf = await _pdf(client, cert["downloadUrl"])
        assert (await client.state.providers.seal.validate_pdf(pdf)).reason_code == "OK"
        text = flat("\n".join(page_texts(pdf)))
        for expected in ("部分不动产登记查询结果证明", wording.PARTIAL_STATEMENT,
                         wording.PARTIAL_WARNING, wording.RELIANCE, "车位"):
            assert expected in text, expected
        assert "共 1 处" not in text
        assert "查询范围：佛山市" not in text
        # verifyCertificate and verifyCertificatePayload: the facts say partial.
        by_code = (await client.gql(VERIFY, {"n": cert["number"],
                                             "c": cert["verificationCode"]}))["data"][
            "verifyCertificate"]
        by_payload = (await client.gql(VERIFY_PAYLOAD, {"p": cert["qrPayload"]}))["data"][
            "verifyCertificatePayload"]
        for v in (by_code, by_payload):
            assert v["status"] == "VALID"
            assert v["facts"]["kind"] == "PARTIAL_HOLDINGS"
            assert v["facts"]["coversAllHoldings"] is False
            assert v["facts"]["scopeStatement"] == "部分不动产，非名下全部"
        # The QR statement says it offline too.
        token = cert["qrPayload"].rsplit("/v/", 1)[1]
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["k"] == "PARTIAL_HOLDINGS"
        assert claims["n"] == "部分不动产，非名下全部"
        # The pages (/v/ and /verify): the statement, no count, the reliance note.
        for page in (await client.http.get("/v/" + token),
                     await client.http.get("/verify", params={"n": cert["number"],
                                                              "c": cert["verificationCode"]})):
            assert page.status_code == 200
            assert "部分不动产登记查询结果证明" in page.text
            assert "所选不动产（部分不动产，非名下全部）" in page.text
            assert 'data-test="partial-notice"' in page.text
            assert html.escape(wording.RELIANCE) in page.text
            assert "（1 处）" not in page.text
            assert "处）" not in page.text

    @pytest.mark.parametrize(("pick", "purpose", "typename"), [
        ("none", "LOAN", "NothingSelected"),
        ("all", "LOAN", "SelectionIsWhole"),
        ("one", "SCHOOL_ENROLMENT", "PurposeNeedsWholeHoldings"),
        ("one", "HOUSE_PURCHASE", "PurposeNeedsWholeHoldings"),
    ])
    async def test_partial_refusals(self, client: Client, demo: None, pick: str, purpose: str,
                                    typename: str) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        ids = await _property_ids(client, chen)
        chosen = {"none": None, "all": ids, "one": ids[:1]}[pick]
        r = await _issue(client, chen, kind="PARTIAL_HOLDINGS", propertyIds=chosen,
                         purpose=purpose)
        assert r["__typename"] == typename
        assert r["message"]
        assert await Certificate.all().count() == 0


class TestVerify:
    async def test_code_page_and_payload_agree(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        by_code = (await client.gql(VERIFY, {"n": cert["number"],
                                             "c": cert["verificationCode"].lower()}))["data"][
            "verifyCertificate"]
        by_payload = (await client.gql(VERIFY_PAYLOAD, {"p": cert["qrPayload"]}))["data"][
            "verifyCertificatePayload"]
        assert by_code["status"] == by_payload["status"] == "VALID"
        assert by_code["facts"]["holder"] == by_payload["facts"]["holder"] == "陈**"
        page = await client.http.get("/v/" + cert["qrPayload"].rsplit("/v/", 1)[1])
        assert page.status_code == 200
        assert "有效" in page.text
        assert "陈**" in page.text
        assert CHEN_ZHIQIANG not in page.text
        # Whole holdings, said as such, and which kinds a school may rely on.
        assert "名下全部不动产" in page.text
        assert "不动产（3 处）" in page.text
        assert html.escape(wording.RELIANCE) in page.text
        assert "非名下全部" not in page.text
        assert by_code["facts"]["coversAllHoldings"] is True

    async def test_unknown_and_wrong_code_answer_alike(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        wrong = await client.gql(VERIFY, {"n": cert["number"], "c": "AAAA-BBBB-CCCC-DDDD"})
        unknown = await client.gql(VERIFY, {"n": "FSBDC2099010100000000",
                                            "c": cert["verificationCode"]})
        strip = [{k: v for k, v in b["data"]["verifyCertificate"].items()} for b in (wrong,
                                                                                    unknown)]
        assert strip[0] == strip[1]
        assert strip[0]["status"] == "NOT_FOUND"
        assert strip[0]["facts"] is None

    async def test_code_has_80_bits(self) -> None:
        codes = {certificates.new_code() for _ in range(2000)}
        assert len(codes) == 2000
        raw = next(iter(codes)).replace("-", "")
        assert len(raw) == 16
        assert set(raw) <= set(certificates._CODE_ALPHABET)
        assert len(certificates._CODE_ALPHABET) ** 16 >= 2**80

    async def test_tampered_payload_fails_signature(self, client: Client, demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        token = cert["qrPayload"].rsplit("/v/", 1)[1]
        head, body, sig = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=="))
        claims["h"] = "王**"
        forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        r = (await client.gql(VERIFY_PAYLOAD, {"p": f"{head}.{forged_body}.{sig}"}))["data"][
            "verifyCertificatePayload"]
        assert r["status"] == "INVALID_SIGNATURE"
        assert r["facts"] is None

    async def test_payload_verifies_offline_with_published_keys(self, client: Client,
                                                                demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        jwks = (await client.http.get("/.well-known/jwks.json")).json()
        token = cert["qrPayload"].rsplit("/v/", 1)[1]
        kid = jwt.get_unverified_header(token)["kid"]
        key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
        claims = jwt.decode(token, key.key, algorithms=["ES256"],
                            audience=certificates.STATEMENT_AUDIENCE)
        assert claims["sub"] == cert["number"]
        assert claims["t"] == [p["titleNo"] for p in cert["facts"]["properties"]]
        assert claims["h"] == "陈**"
        assert claims["k"] == "HOLDINGS"

    async def test_revoked_superseded_expired(self, client: Client, demo: None,
                                              settings) -> None:  # type: ignore[no-untyped-def]
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        first = (await _issue(client, chen))["certificate"]
        second = (await _issue(client, chen, purpose="TAX"))["certificate"]
        staff = _staff_token(client)
        r = await client.gql(REVOKE, {"id": first["id"], "r": "申请人申请作废"}, token=staff)
        assert r["data"]["revokeCertificate"]["certificate"]["status"] == "REVOKED"
        again = await client.gql(REVOKE, {"id": first["id"], "r": "x"}, token=staff)
        assert again["data"]["revokeCertificate"]["__typename"] == "AlreadyRevoked"
        denied = await client.gql(REVOKE, {"id": second["id"], "r": "x"}, token=chen)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        revoked = (await client.gql(VERIFY, {"n": first["number"],
                                             "c": first["verificationCode"]}))["data"][
            "verifyCertificate"]
        assert revoked["status"] == "REVOKED"
        assert revoked["facts"] is None
        assert revoked["revokedReason"] == "申请人申请作废"
        unit = (await client.gql(PROPS, token=chen))["data"]["myProperties"]["edges"][0]["node"][
            "unitNo"]
        await client.state.providers.registry.record_event(unit, "SEIZURE", {"party": "法院"})
        for query, args in ((VERIFY, {"n": second["number"], "c": second["verificationCode"]}),
                            (VERIFY_PAYLOAD, {"p": second["qrPayload"]})):
            body = await client.gql(query, args)
            assert next(iter(body["data"].values()))["status"] == "SUPERSEDED"
        await run_job(client)  # records it; the register event is read
        from datetime import datetime

        await Certificate.filter(id=second["id"]).update(
            superseded_at=None, valid_until=datetime.fromisoformat(second["issuedAt"]))
        body = await client.gql(VERIFY_PAYLOAD, {"p": second["qrPayload"]})
        assert body["data"]["verifyCertificatePayload"]["status"] == "EXPIRED"

    async def test_verification_is_rate_limited_and_logged(self, client: Client,
                                                           demo: None) -> None:
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        client.state.settings.verify_attempts_per_minute = 3
        codes = []
        for _ in range(5):
            body = await client.gql(VERIFY, {"n": cert["number"], "c": cert["verificationCode"]})
            codes.append(body["errors"][0]["extensions"]["code"] if "errors" in body else "OK")
        assert codes == ["OK", "OK", "OK", "RATE_LIMITED", "RATE_LIMITED"]
        log = await client.gql("query { myDataAccessLog(first: 20) { edges { node { "
                               "accessorKind scope } } } }", token=chen)
        kinds = [e["node"]["accessorKind"] for e in log["data"]["myDataAccessLog"]["edges"]]
        assert kinds.count("VERIFIER") == 3


def _staff_token(client: Client) -> str:
    import uuid

    from auth import tokens

    return tokens.issue_access(client.state.keyring, citizen_id="FS-CENTRE:张工",
                               session_id=uuid.uuid4().hex, role="staff", acr="L2",
                               channel="WINDOW", ttl_seconds=600)


class TestRendering:
    async def test_pdf_renders_as_a_clean_chinese_page(self, client: Client, demo: None,
                                                       tmp_path) -> None:  # type: ignore[no-untyped-def]
        import shutil

        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        cert = (await _issue(client, chen))["certificate"]
        pdf = await _pdf(client, cert["downloadUrl"])
        if shutil.which("pdftoppm") is None:
            pytest.skip("poppler-utils not installed: PNG rendering not checked")
        (tmp_path / "c.pdf").write_bytes(pdf)
        out = tmp_path / "page"
        await asyncio.to_thread(subprocess.run, ["pdftoppm", "-r", "60", "-png", "-f", "1",
                                                 "-l", "1", str(tmp_path / "c.pdf"), str(out)],
                                check=True, timeout=60)
        from PIL import Image

        png = next(tmp_path.glob("page*.png"))
        image = Image.open(png).convert("RGB")
        assert image.width < image.height  # A4 portrait
        colours = image.getcolors(maxcolors=1 << 20) or []
        reds = sum(n for n, (r, g, b) in colours if r > 150 and g < 90 and b < 90)
        assert reds > 200, ("the red seal should be visible", sorted(colours, reverse=True)[:5],
                            image.mode, png)
        # Kept for reviewers (tests/artifacts/ is git-ignored): what a citizen gets.
        artifacts = ARTIFACTS
        await asyncio.to_thread(artifacts.mkdir, exist_ok=True)
        await asyncio.to_thread(shutil.copy, png, artifacts / "certificate-holdings.png")


async def test_download_link_is_owner_bound(client: Client, demo: None) -> None:
    chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
    cert = (await _issue(client, chen))["certificate"]
    other = (await _issue(client, await token_for(client, "何诗琪", HE_SHIQI),
                          kind="NO_HOLDINGS"))["certificate"]
    token = cert["downloadUrl"].split("?t=")[1]
    resp = await client.http.get(f"/files/certificates/{other['id']}.pdf", params={"t": token})
    assert resp.status_code == 404
    own = await client.http.get(f"/files/certificates/{cert['id']}.pdf", params={"t": token})
    assert own.status_code == 200


async def test_revocation_is_audited_with_who_and_why(client: Client, demo: None) -> None:
    chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
    cert = (await _issue(client, chen))["certificate"]
    r = await client.gql(REVOKE, {"id": cert["id"], "r": "申请人申请作废"}, token=_staff_token(client))
    assert r["data"]["revokeCertificate"]["__typename"] == "CertificateRevoked"
    event = await AuditEvent.get(action="certificate.revoked")
    assert event.actor == "staff:FS-CENTRE:张工"
    assert event.subject == f"certificate:{cert['number']}"
    assert event.detail == {"reason": "申请人申请作废"}


class TestNoOrphans:
    @pytest.mark.logs_errors  # a simulated server failure
    async def test_crash_before_commit_leaves_nothing_and_retry_completes_once(
            self, client: Client, demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
        from api.services import audit

        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        real_record = audit.record

        async def crash(action: str, **kwargs: object) -> object:
            if action == "certificate.issued":
                raise RuntimeError("worker killed between the PDF and the commit")
            return await real_record(action, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(audit, "record", crash)
        body = await client.gql(ISSUE, {"input": {"kind": "HOLDINGS", "purpose": "TAX",
                                                  "idempotencyKey": "crash-1"}}, token=chen)
        assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert await Certificate.all().count() == 0
        assert await CertificateDocument.all().count() == 0
        monkeypatch.setattr(audit, "record", real_record)
        retried = [await _issue(client, chen, purpose="TAX", idempotencyKey="crash-1")
                   for _ in range(2)]
        assert retried[0]["certificate"]["number"] == retried[1]["certificate"]["number"]
        assert await Certificate.all().count() == 1
        assert await CertificateDocument.all().count() == 1


async def test_repeated_verification_notifies_once_a_day(client: Client, demo: None) -> None:
    from api.models import Notification

    chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
    cert = (await _issue(client, chen))["certificate"]
    for _ in range(3):
        await client.gql(VERIFY, {"n": cert["number"], "c": cert["verificationCode"]})
    assert await Notification.filter(kind="DATA_ACCESSED", source__startswith="verify:").count() == 1
