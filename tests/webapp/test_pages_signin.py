"""The staff pages' sign-in, CSRF, Content-Security-Policy and error pages (Flask test client;
the browser tests in tests/browser drive the same pages in Chromium)."""

from __future__ import annotations

import re

import pytest

from tests.webapp.pages_support import csrf_of, sign_in


def test_pages_answer_with_a_strict_policy_and_secure_session_cookie(app, api):
    client = app.test_client()
    page = client.get("/sign-in")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "default-src 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    response = sign_in(client, "clerk")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-lieta=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie


def test_the_api_keeps_its_json_and_needs_no_csrf_token(app, api):
    response = app.test_client().post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"})
    assert response.status_code == 200 and "access_token" in response.json


def test_a_page_without_a_session_sends_the_person_to_sign_in(app, api):
    response = app.test_client().get("/?show=mine")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_wrong_password_is_refused_and_counted_with_the_apis_throttle(app, api):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for _attempt in range(5):
        response = sign_in(client, "clerk", password="wrong", follow=False)
        assert response.status_code == 401
        assert "wrong username or password" in response.get_data(as_text=True)
    response = sign_in(client, "clerk", follow=False)  # the right password, but locked out
    assert response.status_code == 429
    assert "too many failed sign-ins" in response.get_data(as_text=True)
    # The API shares the counter: its token endpoint is locked for the same person and client.
    assert client.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"}).status_code == 429


def test_a_form_without_the_csrf_token_changes_nothing(app, api):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/sign-in", data={"username": "clerk", "password": "secret-clerk"})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_sign_out_ends_the_session_at_once(app, api):
    client = app.test_client()
    sign_in(client, "clerk")
    inbox = client.get("/")
    assert inbox.status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_of(inbox)})
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/cases/x", "/cases/x"), ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil", "/"),
])
def test_after_sign_in_the_person_goes_only_to_a_path_of_this_site(app, api, target, expected):
    client = app.test_client()
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"username": "clerk", "password": "secret-clerk", "next": target,
                                             "csrf_token": csrf_of(page)})
    assert response.status_code == 302 and response.headers["Location"] == expected


@pytest.mark.parametrize("language, text", [("lv", "Nav atrasts"), ("en", "Not found")])
def test_an_unknown_address_gets_an_error_page_in_the_persons_language(app, api, language, text):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert text in response.get_data(as_text=True)
    assert client.get("/api/v1/no-such").mimetype == "application/json"


def test_the_language_switch_is_remembered(app, api):
    client = app.test_client()
    page = client.get("/sign-in")
    assert re.search(r'<html lang="lv"', page.get_data(as_text=True))
    client.post("/language", data={"lang": "en", "next": "/sign-in", "csrf_token": csrf_of(page)})
    assert '<html lang="en"' in client.get("/sign-in").get_data(as_text=True)
