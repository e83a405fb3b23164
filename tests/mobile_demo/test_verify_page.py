"""The certificate verification page a QR code opens (/v/<statement>) and the
form by number + code (/verify), on a phone: status first, in words and with
an icon, the minimal facts, readable at 390 px."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from api.providers import idnumber

CHEN = ("陈志强", "440604196603129119")
ISSUE = """mutation ($input: IssueCertificateInput!) { issueCertificate(input: $input) {
  __typename
  ... on CertificateIssued { certificate { number verificationCode qrPayload status
        facts { holder idNumber properties { titleNo address } } } }
  ... on UserError { code message } } }"""
PROPS = "query { myProperties(first: 10) { edges { node { unitNo } } } }"


def _issue(server: Any, token: str, **inp: Any) -> dict[str, Any]:
    body = server.gql(ISSUE, {"input": {"kind": "HOLDINGS", "purpose": "SCHOOL_ENROLMENT",
                                        **inp}}, token=token)
    assert "errors" not in body, body
    result = body["data"]["issueCertificate"]
    assert result["__typename"] == "CertificateIssued", result
    return result["certificate"]


@pytest.fixture(scope="module")
def chen_certificate(demo_server: Any) -> dict[str, Any]:
    token = demo_server.login_face(*CHEN)["accessToken"]
    return _issue(demo_server, token)


def _fits_width(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _status(page: Any) -> str:
    return page.get_by_role("status").inner_text()


def test_qr_link_shows_valid_and_minimal_facts(demo_server: Any, phone: Any, shot: Any,
                                               chen_certificate: dict[str, Any]) -> None:
    cert = chen_certificate
    assert cert["qrPayload"].startswith(demo_server.url + "/v/")
    response = phone.goto(cert["qrPayload"])
    assert response is not None
    assert response.status == 200
    assert "有效" in _status(phone)
    text = phone.locator("body").inner_text()
    assert cert["number"] in text
    assert cert["facts"]["holder"] == "陈**"
    assert "陈**" in text
    assert cert["facts"]["idNumber"] in text  # masked
    for secret in (CHEN[1], "陈志强", "19660312"):
        assert secret not in text
    for prop in cert["facts"]["properties"]:
        assert prop["titleNo"] in text
    assert "佛山市不动产登记中心" in text
    assert _fits_width(phone)
    shot(phone, "verify-valid")


def test_form_gives_the_same_answer(phone: Any, shot: Any,
                                    chen_certificate: dict[str, Any]) -> None:
    cert = chen_certificate
    phone.goto(cert["qrPayload"])
    by_qr = phone.locator("main").inner_text()
    phone.goto("/verify")
    assert _fits_width(phone)
    phone.get_by_label("证明编号").fill(cert["number"])
    phone.get_by_label("验证码").fill(cert["verificationCode"])
    shot(phone, "verify-form")
    phone.get_by_role("button", name="核验").click()
    phone.wait_for_url(re.compile(r"/verify\?"))
    assert "有效" in _status(phone)
    assert phone.locator("main").inner_text() == by_qr
    assert _fits_width(phone)


def test_wrong_code_is_not_found(phone: Any, chen_certificate: dict[str, Any]) -> None:
    phone.goto(f"/verify?n={chen_certificate['number']}&c=AAAA-BBBB-CCCC-DDDD")
    assert "未找到" in _status(phone)
    assert "陈**" not in phone.locator("body").inner_text()


def test_tampered_payload_shows_invalid_signature(phone: Any, shot: Any,
                                                  chen_certificate: dict[str, Any]) -> None:
    url = chen_certificate["qrPayload"]
    head, body, sig = url.rsplit("/v/", 1)[1].split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["h"] = "王**"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = phone.goto(f"/v/{head}.{forged}.{sig}")
    assert response is not None
    assert response.status == 200
    status = _status(phone)
    assert "签名无效" in status
    text = phone.locator("body").inner_text()
    assert "王**" not in text
    assert "陈**" not in text
    assert _fits_width(phone)
    shot(phone, "verify-invalid")


def test_superseded_after_a_register_change(demo_server: Any, phone: Any, shot: Any) -> None:
    """A citizen of this test's own (the demo citizens stay untouched): a seizure
    after issue makes the certificate SUPERSEDED, explained on the page."""
    from datetime import date

    number = idnumber.build("440604", date(1980, 5, 17), 871)
    demo_server.cli("add-citizen", "--name", "张伟", "--id-number", number,
                    "--photo", "tests/fixtures/faces/person_a/reference.jpg", "--properties", "1")
    token = demo_server.login_face("张伟", number)["accessToken"]
    cert = _issue(demo_server, token)
    units = demo_server.gql(PROPS, token=token)["data"]["myProperties"]["edges"]
    demo_server.cli("register-event", "--unit-no", units[0]["node"]["unitNo"],
                    "--kind", "SEIZURE", "--party", "佛山市禅城区人民法院")
    phone.goto(cert["qrPayload"])
    status = _status(phone)
    assert "登记信息已更新" in status
    assert "有效" not in status.replace("有效期", "")
    assert "出具后" in phone.locator("body").inner_text()  # what superseded means
    assert _fits_width(phone)
    shot(phone, "verify-superseded")
