"""The case's property register page in Chromium: reached from the case page, checked with axe and
the Content-Security-Policy, an item handed over through its form, and the PDFs downloaded."""

from __future__ import annotations

from tests.browser.flows import sign_in
from tests.webapp.register_support import seizure_cases


def test_the_register_page_hands_an_item_over_and_offers_the_pdfs(pages, live):
    cases = seizure_cases(live.api)
    page = pages()
    sign_in(page, "police_riga")
    page.goto(f"/cases/{cases.riga}")
    page.click_and_load(page.page.get_by_role("link", name="Lietas mantu reģistrs"))
    assert page.page.locator("h1").inner_text() == "Mantu reģistrs — Lieta 11816000777"
    assert page.page.get_by_role("table", name="Mantas 11816000777-L001 glabāšanas ķēde").count() == 1
    page.check("register")

    item = page.page.get_by_role("region", name="11816000777-L001 — Mobilais tālrunis")
    item.get_by_text("Nodot vai mainīt statusu").click()
    item.get_by_label("Saņēmējs ir").select_option("institution")
    item.get_by_label("Saņēmēja kods vai lietotājvārds").fill("FORENSIC")
    item.get_by_label("Statuss").select_option("sent_for_examination")
    page.click_and_load(item.get_by_role("button", name="Nodot", exact=True))
    assert "Manta nodota." in page.page.content()
    rows = page.page.get_by_role("table", name="Mantas 11816000777-L001 glabāšanas ķēde").locator("tbody tr")
    assert rows.count() == 2 and "FORENSIC" in rows.nth(1).inner_text()
    assert "gaida saņēmēja apliecinājumu" in rows.nth(1).inner_text()
    assert page.page.get_by_text("Nodot vai mainīt statusu").count() == 0  # the police no longer hold it
    page.check("register-after-move")

    with page.page.expect_download() as evidence:
        page.page.get_by_role("link", name="Lietisko pierādījumu saraksts (PDF)").click()
    assert evidence.value.suggested_filename == "evidence-11816000777.pdf"
    with page.page.expect_download() as label:
        page.page.get_by_role("link", name="QR uzlīme (PDF)").click()
    assert label.value.suggested_filename == "label-11816000777-L001.pdf"
    assert label.value.path().read_bytes()[:5] == b"%PDF-"
