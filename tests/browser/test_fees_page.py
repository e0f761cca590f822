"""The public fee calculator in Chromium: signed out, with and without JavaScript, no foreign
request, no CSP violation, axe clean."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_fee_calculator_works_signed_out(pages, javascript):
    page = pages(javascript=javascript, locale="en-GB")
    page.goto("/sign-in")
    page.click_and_load(page.page.get_by_role("link", name="State fee calculator"))
    assert page.page.locator("h1").inner_text() == "State fee calculator"
    page.page.select_option("#fee-item", "civil-claim")
    page.page.fill("#fee-amount", "2135.00")
    page.click_and_load(page.page.get_by_role("button", name="Compute the fee"))
    assert "item=civil-claim" in page.page.url and "amount=2135.00" in page.page.url
    assert page.page.locator("#fee-value").inner_text() == "320.04 EUR"
    assert page.page.locator("#fee-source").inner_text() == "Civilprocesa likums, 34. panta pirmās daļas 1. punkts"
    page.check(f"fees-result-{'js' if javascript else 'nojs'}")
    page.page.fill("#fee-amount", "12.345")
    page.click_and_load(page.page.get_by_role("button", name="Compute the fee"))
    assert page.page.locator("#fee-amount").get_attribute("aria-invalid") == "true"
    assert page.page.locator("#fee-amount-error").inner_text().startswith("write the amount in euro")
    page.check(f"fees-refused-{'js' if javascript else 'nojs'}")
