"""The inbox page: what it offers whom, filters, sorting, paging, claim / unclaim, bulk claim."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from engine.models import HumanTask
from tests.webapp.pages_support import csrf_of, sign_in

# Every list here is read both ways a reader can be served (engine/services/reach.py).
pytestmark = pytest.mark.usefixtures("both_reaches")


def started(api, count: int, process: str = "linear", key: str = "K") -> list[str]:
    ids = []
    for n in range(count):
        response = api.start(process, as_user="clerk", business_key=f"{key}-{n:03d}")
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return ids


def task_links(response) -> list[str]:
    return re.findall(r'<a href="/tasks/([0-9a-f-]{36})">', response.get_data(as_text=True))


@pytest.fixture
def browser_client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_inbox_offers_the_lanes_tasks_to_their_role_only(api, deployed, browser_client):
    started(api, 3)
    sign_in(browser_client, "clerk")
    assert len(task_links(browser_client.get("/"))) == 3
    outsider = api.app.test_client()
    sign_in(outsider, "outsider")
    assert task_links(outsider.get("/")) == []


def test_claim_unclaim_and_bulk_claim(api, deployed, browser_client):
    ids = started(api, 3)
    sign_in(browser_client, "clerk")
    inbox = browser_client.get("/")
    token = csrf_of(inbox)
    first, *rest = task_links(inbox)
    browser_client.post(f"/tasks/{first}/claim", data={"csrf_token": token, "next": "/"})
    assert task_links(browser_client.get("/?show=mine")) == [first]
    browser_client.post(f"/tasks/{first}/unclaim", data={"csrf_token": token, "next": "/"})
    assert task_links(browser_client.get("/?show=mine")) == []
    response = browser_client.post("/inbox/claim", data={"csrf_token": token, "next": "/", "task_id": rest},
                                   follow_redirects=True)
    assert "Claimed 2 tasks." in response.get_data(as_text=True)
    assert sorted(task_links(browser_client.get("/?show=mine"))) == sorted(rest)
    # Another clerk no longer sees the claimed ones as available, and cannot take them.
    other = api.app.test_client()
    sign_in(other, "clerk2")
    assert task_links(other.get("/?show=available")) == [first]
    refused = other.post(f"/tasks/{rest[0]}/claim", data={"csrf_token": csrf_of(other.get("/")), "next": "/"})
    assert refused.status_code == 409
    assert len(ids) == 3


def test_filters_sorting_and_paging(api, deployed, browser_client, app):
    ids = started(api, 30)
    with app.app_context():
        session = app.extensions["lieta_engine"].session()
        now = app.extensions["lieta_engine"].clock.now()
        for n, instance_id in enumerate(ids):
            session.execute(update(HumanTask).where(HumanTask.instance_id == instance_id)
                            .values(due_at=now + timedelta(days=30 - n)))
        session.commit()
    sign_in(browser_client, "clerk")
    first_page = browser_client.get("/")
    text = first_page.get_data(as_text=True)
    assert "30 tasks" in text and "Page 1 of 2" in text
    assert len(task_links(first_page)) == 25
    # Sorted by due date: the last started (due soonest) comes first.
    assert task_links(first_page)[0] == api.ready_tasks(ids[-1], as_user="clerk")[0]["id"]
    assert len(task_links(browser_client.get("/?page=2"))) == 5
    assert len(task_links(browser_client.get("/?business_key=K-010"))) == 1
    assert len(task_links(browser_client.get("/?business_key=K-01"))) == 0  # the whole key, not a prefix
    due_soon = (now + timedelta(days=3)).date().isoformat()
    assert len(task_links(browser_client.get(f"/?due_before={due_soon}"))) == 2  # due in 1 and 2 days
    assert len(task_links(browser_client.get("/?process=gateway"))) == 0
    newest = task_links(browser_client.get("/?sort=newest"))
    oldest = task_links(browser_client.get("/?sort=oldest&page=2"))
    assert newest[0] == oldest[-1]


def test_overdue_tasks_are_marked(api, deployed, browser_client, app, clock):
    started(api, 1)
    with app.app_context():
        session = app.extensions["lieta_engine"].session()
        session.execute(update(HumanTask).values(due_at=clock.now() - timedelta(days=1)))
        session.commit()
    sign_in(browser_client, "clerk")
    assert 'class="overdue"' in browser_client.get("/").get_data(as_text=True)


def test_a_bad_due_date_is_explained_not_a_500(api, deployed, browser_client):
    sign_in(browser_client, "clerk")
    response = browser_client.get("/?due_before=tomorrow&page=x&sort=drop")
    assert response.status_code == 200
    assert "was not understood" in response.get_data(as_text=True)
