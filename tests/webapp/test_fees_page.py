"""The public fee calculator page: no sign-in, a GET form, the result with its band, formula,
source and caveat, refusals at the field, in Latvian and English (HTML read with lxml)."""

from __future__ import annotations

import lxml.html
import pytest

from tests.webapp.pages_support import sign_in


def public(app, language: str):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def parsed(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def text_of(page, element_id: str) -> str:
    return " ".join(page.get_element_by_id(element_id).text_content().split())


def test_the_form_is_offered_without_signing_in_and_linked_from_the_navigation(app):
    response = public(app, "en").get("/fees")
    assert response.status_code == 200
    page = parsed(response)
    assert page.xpath("//h1")[0].text_content() == "State fee calculator"
    form = page.xpath("//form[@method='get']")[0]
    assert form.get("action") == "/fees"
    offered = [option.get("value") for option in page.xpath("//select[@name='item']/option")]
    assert offered[0] == "civil-claim" and {"appeal", "witness-summons", "settlement-refund"} <= set(offered)
    assert page.xpath("//nav//a[@href='/fees']/@aria-current") == ["page"]
    assert page.xpath("//nav//a[@href='/']") == []  # the staff links only for a signed-in person
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(("language", "band", "caveat"), [
    ("en", "above 2134.00 up to and including 7114.00 EUR", "has been checked against the law"),
    ("lv", "virs 2134.00 līdz 7114.00 EUR ieskaitot", "ir pārbaudīts pret likumu"),
])
def test_a_civil_claim_shows_the_fee_band_formula_source_and_caveat(app, language, band, caveat):
    page = parsed(public(app, language).get("/fees?item=civil-claim&amount=2135.00"))
    assert text_of(page, "fee-value") == "320.04 EUR"
    assert text_of(page, "fee-band") == band
    assert text_of(page, "fee-formula") == "320.00 + 4 % × (2135.00 − 2134.00) = 320.04"
    assert text_of(page, "fee-source") == "Civilprocesa likums, 34. panta pirmās daļas 1. punkts"
    assert caveat in text_of(page, "fee-verified")
    assert page.get_element_by_id("fee-amount").get("value") == "2135.00"  # the form keeps what was asked


@pytest.mark.parametrize(("query", "fee", "formula", "verified"), [
    ("item=civil-claim&amount=100.00", "70.00", "0.00 + 15 % × (100.00 − 0.00) = 15.00 (at least 70.00)", True),
    ("item=civil-claim&amount=10000.00", "611.65", "519.30 + 3.2 % × (10000.00 − 7114.00) = 611.65", False),
    ("item=appeal&amount=10000.00", "611.65", "519.30 + 3.2 % × (10000.00 − 7114.00) = 611.65", False),
    ("item=witness-summons&count=3", "15.00", "5.00 × 3 = 15.00", False),
    ("item=securing-claim&amount=1001.00", "5.01", "0.5 % × 1001.00 = 5.01", False),
    ("item=settlement-refund&fee=320.10", "160.05", "50 % of the fee paid (320.10) = 160.05 is refunded", True),
    ("item=divorce", "142.29", "A fixed amount: 142.29", False),
    ("item=maintenance-claim", "0.00", "No state fee is paid for this claim.", False),
])
def test_every_kind_of_item(app, query, fee, formula, verified):
    page = parsed(public(app, "en").get(f"/fees?{query}"))
    assert text_of(page, "fee-value") == f"{fee} EUR"
    assert text_of(page, "fee-formula") == formula
    assert text_of(page, "fee-verified").startswith("This figure has been checked" if verified else "Not verified")


@pytest.mark.parametrize(("query", "field", "message"), [
    ("item=civil-claim&amount=0", "amount", "the amount must be above 0"),
    ("item=civil-claim&amount=12.345", "amount", "write the amount in euro with at most 9 digits"),
    ("item=civil-claim&amount=1e400", "amount", "write the amount in euro with at most 9 digits"),
    ("item=civil-claim&amount=", "amount", "enter an amount in euro"),
    ("item=witness-summons&count=0", "count", "the count is a whole number from 1 to 1000"),
    ("item=settlement-refund&fee=abc", "fee", "write the amount in euro"),
    ("item=no-such-item", "item", "choose an item from the list"),
])
def test_a_refusal_is_shown_at_its_field(app, query, field, message):
    response = public(app, "en").get(f"/fees?{query}")
    assert response.status_code == 422
    page = parsed(response)
    control = page.get_element_by_id(f"fee-{field}")
    assert control.get("aria-invalid") == "true"
    assert f"fee-{field}-error" in control.get("aria-describedby").split()
    assert text_of(page, f"fee-{field}-error").startswith(message)
    assert page.xpath("//*[@id='fee-value']") == []  # no figure beside a refusal
    assert len(page.xpath("//*[@aria-invalid='true']")) == 1


def test_a_refusal_is_in_latvian_by_default(app):
    page = parsed(public(app, "lv").get("/fees?item=civil-claim&amount=0"))
    assert text_of(page, "fee-amount-error") == "summai jābūt lielākai par 0"
    assert page.xpath("//html/@lang") == ["lv"]


def test_a_signed_in_person_keeps_the_staff_navigation_on_the_page(app, api):
    client = public(app, "en")
    sign_in(client, "clerk")
    page = parsed(client.get("/fees"))
    assert page.xpath("//nav//a[@href='/']/text()") == ["Inbox"]
    assert page.xpath("//nav//a[@href='/fees']/text()") == ["State fee calculator"]


def test_the_navigation_links_the_calculator_on_the_sign_in_page_too(app):
    page = parsed(public(app, "lv").get("/sign-in"))
    assert page.xpath("//nav//a[@href='/fees']/text()") == ["Valsts nodevas kalkulators"]
