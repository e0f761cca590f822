"""Anonymised decisions in Chromium: a court clerk uploads and reviews (accept, reject, mark a missed
name), a second clerk approves, and a visitor who is not signed in finds the published text —
every page with no foreign request, no CSP violation and axe clean."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.browser.flows import sign_in

REPO = Path(__file__).resolve().parents[2]
TEXT = ("Apsūdzētais Jānis Bērziņš, personas kods 121282-11116, atzina vainu. "
        "Liecinieks Ozols apstiprināja. Automobilis KA-1234 izņemts.")


@pytest.fixture
def court(live):
    api = live.api
    files = {name: (REPO / folder / name).read_bytes() for folder, name in [
        ("bpmn", "decision_publication.bpmn"), *[("forms", f"decision_publication.{form}.json") for form in
                                                  ("start", "start.ui", "review", "review.ui", "approve", "approve.ui")]]}
    response = api.post("/api/v1/deployments", as_user="analyst", content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(content), name) for name, content in files.items()]})
    assert response.status_code == 201, response.json
    with api.app.app_context():
        for username in ("clerk_riga", "clerk_riga_2"):
            api.engine().users.create(username, f"secret-{username}", ["court_clerk"], institution="COURT",
                                      unit="COURT:RIGA")
    return live


def accept_all(page) -> None:
    undecided = page.page.locator("tr[data-status=proposed] button[value=accept]")
    while undecided.count():
        page.click_and_load(undecided.first)


def test_a_decision_is_reviewed_approved_and_found_by_the_public(court, pages):
    clerk = pages(locale="en-GB")
    sign_in(clerk, "clerk_riga", check=False)
    clerk.goto("/decisions/new")
    clerk.check("decision-upload")
    clerk.page.set_input_files("#dfile", {"name": "spriedums.txt", "mimeType": "text/plain",
                                          "buffer": TEXT.encode("utf-8")})
    clerk.page.select_option("#dcourt", "COURT:RIGA")
    clerk.page.fill("#dcase", "K30-0001-27")
    clerk.page.fill("#ddate", "2027-01-02")
    clerk.click_and_load(clerk.page.get_by_role("button", name="Upload and propose"))
    assert "/review" in clerk.page.url
    assert clerk.page.locator("#decision-stage").inner_text() == "under review"
    clerk.check("decision-review")

    # The plate stays: its proposal is rejected (if the tool made one); the rest is accepted.
    plate = clerk.page.locator("tr", has_text="KA-1234").locator("button[value=reject]")
    if plate.count():
        clerk.click_and_load(plate.first)
    accept_all(clerk)
    if "Ozols" in clerk.page.locator("#decision-preview").inner_text():
        clerk.page.fill("#span-text", "Ozols")
        clerk.page.select_option("#span-kind", "PERSON")
        clerk.click_and_load(clerk.page.get_by_role("button", name="Mark", exact=True))
    preview = clerk.page.locator("#decision-preview").inner_text()
    assert "121282-11116" not in preview and "Bērziņš" not in preview and "Ozols" not in preview
    assert "KA-1234" in preview
    clerk.click_and_load(clerk.page.get_by_role("button", name="Finish the review"))
    assert clerk.page.locator("#decision-stage").inner_text() == "waiting for approval"
    # The reviewer is offered no approval form that would work: the engine refuses them.
    clerk.click_and_load(clerk.page.get_by_role("button", name="Approve and publish"))
    assert "second person" in clerk.page.locator(".flash-error").inner_text()
    clerk.check("decision-refused-approval")

    second = pages(locale="en-GB")
    sign_in(second, "clerk_riga_2", check=False)
    second.goto(clerk.page.url.removeprefix(court.base_url))
    second.click_and_load(second.page.get_by_role("button", name="Approve and publish"))
    assert second.page.locator("#decision-stage").inner_text() == "published"
    second.check("decision-published")

    for javascript in (True, False):
        visitor = pages(locale="lv-LV", javascript=javascript)
        visitor.goto("/decisions?q=atzina")
        assert visitor.page.locator("#decision-count").inner_text() == "Atrasti nolēmumi: 1."
        visitor.check(f"decisions-public-{'js' if javascript else 'nojs'}")
        visitor.click_and_load(visitor.page.get_by_role("link", name="ECLI:LV:RIGA:2027:0001"))
        published = visitor.page.locator(".decision-text").inner_text()
        assert "121282-11116" not in published and "[personas kods]" in published and "KA-1234" in published
        visitor.check(f"decision-public-{'js' if javascript else 'nojs'}")
