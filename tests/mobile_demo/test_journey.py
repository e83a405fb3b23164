"""Issue 8, as judged: one citizen's journey on the phone, in headless Chromium
with a fake camera — face login → my properties → a certificate → its
verification page on a clerk's phone → a booking → rating the finished
service — and the kiosk in elder mode."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.mobile_demo.demo_steps import (
    book_first_slot,
    face_login,
    issue_holdings_certificate,
    new_citizen,
)


def test_citizen_journey(demo_server: Any, phone: Any, new_page: Any, shot: Any) -> None:
    me = new_citizen(demo_server, photo="tests/fixtures/faces/person_a/reference.jpg",
                     properties=2)
    id_number = me["id"]

    # Face login with the camera (it shows person_a, whose reference photo this is).
    face_login(phone, me["name"], id_number, landing="[data-test=home-greeting]")
    expect(phone.locator("[data-test=home-greeting]")).to_contain_text("L2")

    # My properties and one property's detail.
    phone.click("[data-test=tab-properties]")
    expect(phone.locator("[data-test=property-card]")).to_have_count(2)
    phone.locator("[data-test=property-card]").first.click()
    expect(phone.locator("[data-test=property-detail]")).to_be_visible()

    # A certificate of holdings for school enrolment.
    number = issue_holdings_certificate(phone)
    verify_url = phone.get_attribute("[data-test=certificate-verify]", "href")

    # The school clerk's phone opens the QR code's page: no login, no app.
    clerk = new_page("phone")
    clerk.goto(verify_url)
    expect(clerk.locator("body")).to_contain_text("有效")
    expect(clerk.locator("body")).to_contain_text(number)
    assert id_number not in clerk.inner_text("body")  # the minimal facts only, masked
    shot(clerk, "journey-verify")

    # A booking at the city centre (not today: today's first free slot may
    # start before the booking lands).
    book_first_slot(phone, day=1)

    # The certificate is a finished service: rate it.
    phone.goto("/demo/#/ratings")
    pending = phone.locator("[data-test=pending-rating]")
    expect(pending).to_have_count(1)
    pending.locator("[data-test=rate-start]").click()
    phone.click("[data-test=rate-level-SATISFIED]")
    phone.click("[data-test=rate-submit]")
    expect(phone.locator("[data-test=notice]")).to_contain_text("感谢您的评价")
    phone.goto("/demo/#/ratings")
    expect(phone.locator("[data-test=my-rating]")).to_have_count(1)
    expect(phone.locator("[data-test=pending-rating]")).to_have_count(0)
    shot(phone, "journey-rated")


def test_kiosk_in_elder_mode(kiosk: Any, shot: Any) -> None:
    kiosk.goto("/kiosk/")
    kiosk.click("[data-test=elder]")
    expect(kiosk.locator("html")).to_have_class(re.compile(r"\belder\b"))
    size = kiosk.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 24
    shot(kiosk, "kiosk-home-elder")
