"""Helpers for the page tests: the CSRF token of a page, signing in through the form."""

from __future__ import annotations

import re


def csrf_of(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client, username: str, password: str | None = None, follow: bool = False):
    page = client.get("/sign-in")
    return client.post("/sign-in", data={
        "username": username, "password": password if password is not None else f"secret-{username}",
        "csrf_token": csrf_of(page),
    }, follow_redirects=follow)
