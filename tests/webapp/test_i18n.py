import pytest


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "nepareizs lietotājvārds vai parole"),
        ("lv", "nepareizs lietotājvārds vai parole"),
        ("en-GB,en;q=0.8", "wrong username or password"),
        ("de", "nepareizs lietotājvārds vai parole"),
    ],
    ids=["default-latvian", "latvian", "english", "unsupported-falls-back-to-latvian"],
)
def test_messages_follow_the_language_latvian_by_default(app, language, message):
    client = app.test_client()
    headers = {"Accept-Language": language} if language else {}
    response = client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}, headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == message


def test_lang_parameter_overrides_the_header(app):
    client = app.test_client()
    response = client.get("/api/v1/nothing?lang=en", headers={"Accept-Language": "lv"})
    assert response.json["message"] == "there is nothing at this address"


def test_every_catalogue_entry_is_translated():
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "webapp" / "translations"
    with open(root / "messages.pot", "rb") as f:
        template_ids = {m.id for m in read_po(f) if m.id}
    for language in ("lv", "en"):
        with open(root / language / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=language)
        translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        assert template_ids - translated == set(), language


@pytest.mark.parametrize(
    ("language", "message"),
    [("lv", "lieta (procesa instance) no-such-case nepastāv"), ("en", "process instance no-such-case does not exist")],
)
def test_engine_errors_are_said_in_the_users_language(api, language, message):
    response = api.client.get(
        "/api/v1/process-instances/no-such-case", headers={**api.headers("admin"), "Accept-Language": language}
    )
    assert response.status_code == 404
    assert response.json["message"] == message


def test_field_errors_carry_no_message_ids_out_of_the_server(app):
    from engine.errors import N_, InvalidInput, field_error

    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "en"}):
        from webapp.api.errors import localised

        err = InvalidInput("bad", [field_error("/when", N_("task %(task)s does not exist"), task="7")])
        assert localised(err.errors) == [{"field": "/when", "message": "task 7 does not exist"}]
