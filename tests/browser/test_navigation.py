"""Signing in, the inbox, the case page with its diagram, the language switch, 403 and 404."""

from __future__ import annotations

from tests.browser.flows import sign_in, start_case


def test_sign_in_leads_to_the_inbox_and_the_case_page_marks_the_current_task(pages, live):
    instance_id = start_case(live, "KL-00017")
    page = pages()
    sign_in(page, "clerk")
    assert page.page.locator("h1").inner_text() == "Iesūtne"
    assert page.page.get_by_role("link", name="Register the evidence").count() == 1
    page.check("inbox")
    page.goto(f"/cases/{instance_id}")
    page.wait_until("document.getElementById('diagram').dataset.ready === 'true'")
    current = page.page.locator("g.djs-element.lieta-current")
    assert current.count() == 1 and current.get_attribute("data-element-id") == "register_evidence"
    assert page.page.locator(".bjs-powered-by").is_visible()  # the bpmn.io watermark its licence asks for
    page.check("case")


def test_the_language_switch_turns_the_pages_english_and_back(pages, live):
    page = pages()
    sign_in(page, "clerk")
    page.click_and_load(page.page.get_by_role("button", name="English"))
    assert page.page.locator("h1").inner_text() == "Inbox"
    assert page.page.locator("html").get_attribute("lang") == "en"
    page.check("inbox-en")
    page.click_and_load(page.page.get_by_role("button", name="Latviešu"))
    assert page.page.locator("h1").inner_text() == "Iesūtne"


def test_a_direct_url_without_the_role_is_403_and_a_case_without_part_is_404(pages, live):
    instance_id = start_case(live, "KL-00018")
    task_id = live.api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    page = pages()
    sign_in(page, "outsider")
    response = page.goto("/start/evidence_intake")
    assert response.status == 403
    assert "Jums to nav atļauts darīt" in page.page.content() or "403" in page.page.locator("h1").inner_text()
    page.check("error-403")
    for path in (f"/cases/{instance_id}", f"/tasks/{task_id}", f"/cases/{instance_id}/diagram.bpmn"):
        assert page.goto(path).status == 404
    page.check("error-404")
