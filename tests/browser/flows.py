"""Steps the browser tests share: signing in through the page, starting a case through the API."""

from __future__ import annotations


def sign_in(watched, username: str, *, check: bool = True) -> None:
    watched.goto("/sign-in")
    if check:
        watched.check("sign-in")
    watched.page.fill("#username", username)
    watched.page.fill("#password", f"secret-{username}")
    watched.click_and_load(watched.page.locator("button[type=submit].primary"))


def start_case(live, business_key: str, as_user: str = "clerk") -> str:
    response = live.api.start("evidence_intake", as_user=as_user, business_key=business_key)
    assert response.status_code == 201, response.json
    return response.json["id"]
