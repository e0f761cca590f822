"""The task page end to end: a submit the engine refuses shows each field's error with the
input kept; the corrected submit leads to the next task of the case; the case page marks it.
The same task without JavaScript (array items added by the form's own buttons), by keyboard
only, and with a draft saved and restored."""

from __future__ import annotations

from tests.browser.flows import sign_in, start_case


def test_submit_with_an_error_then_fixed_leads_to_the_next_task_and_the_case_page(pages, live):
    instance_id = start_case(live, "KL-00101")
    page = pages()
    sign_in(page, "clerk")
    page.click_and_load(page.page.get_by_role("link", name="Register the evidence"))
    assert page.page.locator("h1").inner_text() == "Register the evidence"
    assert page.page.locator(".instructions strong").inner_text() == "every"  # Markdown rendered, safely
    page.check("task")
    page.page.fill("input[name=case_number]", "12")
    page.page.fill("input[name=summary]", "Knife and phone seized")
    page.click_and_load(page.page.get_by_role("button", name="Iesniegt"))
    # The engine's validator refused the case number: its error sits beside the field, input kept.
    case_number = page.page.locator("input[name=case_number]")
    assert case_number.get_attribute("aria-invalid") == "true"
    error_id = case_number.get_attribute("aria-describedby")
    assert page.page.locator(f"[id='{error_id}']").inner_text().strip() != ""
    assert case_number.input_value() == "12"
    assert page.page.locator("input[name=summary]").input_value() == "Knife and phone seized"
    page.check("task-error")
    case_number.fill("12345")
    page.click_and_load(page.page.get_by_role("button", name="Iesniegt"))
    assert page.page.locator("h1").inner_text() == "Review the case"  # the next task in this case
    page.check("next-task")
    page.click_and_load(page.page.get_by_role("link", name="Lieta KL-00101"))
    page.wait_until("document.getElementById('diagram').dataset.ready === 'true'")
    marked = page.page.locator("g.djs-element.lieta-current")
    assert marked.count() == 1 and marked.get_attribute("data-element-id") == "review_case"
    done = page.page.locator("g.djs-element.lieta-completed[data-element-id=register_evidence]")
    assert done.count() == 1
    page.check("case-after")
    data = live.api.get(f"/api/v1/process-instances/{instance_id}").json["data"]
    assert data["case_number"] == "12345" and data["summary"] == "Knife and phone seized"


def test_without_javascript_two_evidence_items_are_added_and_the_task_completed(pages, live):
    instance_id = start_case(live, "KL-00102")
    page = pages(javascript=False)
    sign_in(page, "clerk")
    page.click_and_load(page.page.get_by_role("link", name="Register the evidence"))
    page.page.fill("input[name=case_number]", "54321")
    page.page.fill("input[name=summary]", "Two items seized")
    page.click_and_load(page.page.locator("button.lf-add"))
    page.page.fill("input[name='evidence/0/description']", "Knife")
    page.click_and_load(page.page.locator("button.lf-add"))
    page.page.fill("input[name='evidence/1/description']", "Phone")
    page.page.fill("input[name='evidence/1/seized_on']", "2027-01-03")
    assert page.page.locator("input[name=case_number]").input_value() == "54321"  # kept across the adds
    page.check("nojs-two-items")
    page.click_and_load(page.page.get_by_role("button", name="Iesniegt"))
    assert page.page.locator("h1").inner_text() == "Review the case"
    data = live.api.get(f"/api/v1/process-instances/{instance_id}").json["data"]
    assert data["evidence"] == [{"description": "Knife"}, {"description": "Phone", "seized_on": "2027-01-03"}]


def test_keyboard_only_from_the_inbox_to_a_submitted_task(pages, live):
    instance_id = start_case(live, "KL-00103")
    page = pages()
    sign_in(page, "clerk")
    keyboard = page.page.keyboard

    def tab_to(selector: str, limit: int = 60) -> None:
        for _press in range(limit):
            keyboard.press("Tab")
            if page.page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("a[href^='/tasks/']")
    with page.page.expect_navigation():
        keyboard.press("Enter")
    assert page.page.locator("h1").inner_text() == "Register the evidence"
    tab_to("input[name=case_number]")
    keyboard.type("11111")
    tab_to("input[name=summary]")
    keyboard.type("Typed by keyboard")
    tab_to("button[value=submit]")
    with page.page.expect_navigation():
        keyboard.press("Enter")
    assert page.page.locator("h1").inner_text() == "Review the case"
    data = live.api.get(f"/api/v1/process-instances/{instance_id}").json["data"]
    assert data["summary"] == "Typed by keyboard"


def test_a_draft_is_saved_and_restored_for_its_author_only(pages, live):
    instance_id = start_case(live, "KL-00104")
    task_id = live.api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    page = pages()
    sign_in(page, "clerk")
    page.goto(f"/tasks/{task_id}")
    page.page.fill("input[name=case_number]", "9")  # invalid, but a draft is not validated
    page.page.fill("input[name=summary]", "Half written")
    page.click_and_load(page.page.get_by_role("button", name="Saglabāt melnrakstu"))
    page.check("draft-saved")
    page.goto("/")
    page.goto(f"/tasks/{task_id}")
    assert page.page.locator("input[name=case_number]").input_value() == "9"
    assert page.page.locator("input[name=summary]").input_value() == "Half written"
    other = pages()
    sign_in(other, "clerk2", check=False)
    other.goto(f"/tasks/{task_id}")
    assert other.page.locator("input[name=summary]").input_value() == ""
    assert live.api.ready_tasks(instance_id, as_user="clerk")[0]["id"] == task_id  # nothing was completed
