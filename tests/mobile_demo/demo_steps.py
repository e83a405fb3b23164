"""Steps through /demo/ that several browser tests take (by its data-test hooks)."""

from __future__ import annotations

import itertools
import os
from datetime import date
from typing import Any

from playwright.sync_api import expect

from api.providers.idnumber import build

_SEQ = itertools.count(100 + os.getpid() % 700)


def new_citizen(server: Any, *, photo: str | None = None, properties: int = 0
                ) -> dict[str, str]:
    """A citizen of the calling test's own (tests that change data must not share one)."""
    n = next(_SEQ)
    person = {"name": f"测试{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{n}",
              "id": build("440604", date(1980, 1, 1 + n % 28), n),
              "phone": f"1390000{n:04d}"}
    args = ["add-citizen", "--name", person["name"], "--id-number", person["id"],
            "--phone", person["phone"], "--properties", str(properties)]
    if photo:
        args += ["--photo", photo]  # relative to the repository (cli's working directory)
    server.cli(*args)
    return person


def identity(page: Any, name: str, id_number: str) -> None:
    page.goto("/demo/#/login")
    page.fill("[data-test=login-name]", name)
    page.fill("[data-test=login-id]", id_number)


def sms_login(page: Any, name: str, id_number: str, phone: str) -> None:
    identity(page, name, id_number)
    page.click("[data-test=login-sms]")
    mine = page.locator("[data-test=sms-message]", has_text=phone[-4:]).first
    mine.locator("[data-test=sms-fill]").click()
    page.click("[data-test=sms-submit]")
    page.wait_for_selector("[data-test=home-greeting]")


def face_login(page: Any, name: str, id_number: str, *, landing: str) -> None:
    """Consent, then the (fake) camera's frame."""
    identity(page, name, id_number)
    page.click("[data-test=login-face]")
    expect(page.locator("[data-test=consent-text]")).to_contain_text("人脸")
    page.check("[data-test=consent-check]")
    page.click("[data-test=consent-agree]")
    page.click("[data-test=face-capture]:not([disabled])")
    page.wait_for_selector(landing)


def issue_holdings_certificate(page: Any) -> str:
    """A 查询结果证明 for school enrolment from the home page; its number."""
    page.goto("/demo/#/")
    page.click("[data-test=entry-certificates-new]")
    page.check("[data-test=cert-kind-HOLDINGS] input")
    page.select_option("[data-test=cert-purpose]", "SCHOOL_ENROLMENT")
    page.click("[data-test=cert-issue]")
    expect(page.locator("[data-test=cert-status]")).to_contain_text("有效")
    return str(page.inner_text("[data-test=cert-number]"))


def book_first_slot(page: Any, *, day: int = 0) -> None:
    """The first free slot of the default hall and item, on the ``day``-th
    released day shown (0: the first, today while today has slots left)."""
    page.goto("/demo/#/")
    page.click("[data-test=entry-appointments-new]")
    if day:
        page.locator("[data-test=slot-day]").nth(day).click()
    page.locator("[data-test=slot]").first.click()
    page.click("[data-test=book-submit]")
    expect(page.locator("[data-test=notice]")).to_contain_text("预约成功")
