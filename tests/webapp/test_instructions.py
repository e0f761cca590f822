"""A task's instructions show the case data the person needs, rendered in a sandbox that a hostile
template cannot escape or stall; the task carries the data its form and instructions show."""

import json

import pytest

from tests.support.bpmn_builder import ProcessBuilder

FORM = {"type": "object", "properties": {"decision": {"type": "string", "enum": ["grant", "refuse"]}}}
INSTRUCTIONS = (
    "## Claim {{ claim_number }}\n"
    "The applicant **{{ applicant }}** claims {{ claimed_amount }} EUR for {{ harm }}.\n"
    "{% for doc in documents %}- {{ doc }}\n{% endfor %}"
)
CASE = {
    "claim_number": "K-7/2027", "applicant": "Jānis Ozoliņš", "claimed_amount": "1200.00", "harm": "injury",
    "documents": ["medical report", "receipt"], "secret_note": "not for this task",
}


def claim_process(instructions: str = INSTRUCTIONS, process_id: str = "claim") -> str:
    p = ProcessBuilder(process_id)
    p.start()
    p.user_task("decide", "Decide the claim", lane="Clerk", form="decide.json", instructions=instructions)
    p.end()
    p.chain("start", "decide", "end")
    return p.xml()


def deploy(api, instructions: str = INSTRUCTIONS, process_id: str = "claim"):
    return api.deploy({f"{process_id}.bpmn": claim_process(instructions, process_id), "decide.json": json.dumps(FORM)})


def test_instructions_show_the_case_data_and_the_task_carries_it(api):
    assert deploy(api).status_code == 201
    instance_id = api.start("claim", data=CASE).json["id"]
    [listed] = api.ready_tasks(instance_id, as_user="clerk")
    assert "instructions" not in listed and "data" not in listed  # lists stay cheap
    task = api.get(f"/api/v1/tasks/{listed['id']}", as_user="clerk").json
    assert task["instructions"] == (
        "## Claim K\\-7/2027\nThe applicant **Jānis Ozoliņš** claims 1200.00 EUR for injury.\n"
        "- medical report\n- receipt\n"
    )
    assert task["instructions_error"] is None
    assert task["data"] == {k: v for k, v in CASE.items() if k != "secret_note"}


def test_case_data_cannot_inject_markup_or_links(api):
    assert deploy(api).status_code == 201
    hostile = {**CASE, "applicant": "<script>alert(1)</script> [click](javascript:alert(1))"}
    instance_id = api.start("claim", data=hostile).json["id"]
    [task] = api.ready_tasks(instance_id)
    text = api.get(f"/api/v1/tasks/{task['id']}").json["instructions"]
    assert "<script>" not in text and "](" not in text
    assert "&lt;script&gt;" in text and "\\[click\\]\\(javascript:alert\\(1\\)\\)" in text


@pytest.mark.parametrize(
    "template",
    [
        "{% include 'other.html' %}",
        "{% extends 'base.html' %}",
        "{% import 'macros.html' as m %}",
        "{{ unclosed ",
        "{% for x in items %}",
        "x" * 20_001,
    ],
    ids=["include", "extends", "import", "unclosed", "unterminated-for", "too-long"],
)
def test_a_template_that_cannot_work_is_refused_at_deployment(api, template):
    response = deploy(api, template, process_id="bad_instructions")
    assert response.status_code == 422
    assert any(problem["element"] == "decide" for problem in response.json["errors"])


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("{{ applicant.__class__ }}", None),  # an undefined attribute renders as nothing
        ("{{ 'x' * 100000000 }}", "too long a text"),
        ("{{ 9 ** 99999999 }}", "power"),
        ("{% for a in documents * 5000 %}{% for b in documents * 5000 %}{% endfor %}{% endfor %}", "longer than"),
        ("{% for a in many %}{% for b in many %}{{ '' }}{% endfor %}{% endfor %}", "longer than"),
        ("{{ range(10) }}", "undefined"),
        ("{{ 1 / 0 }}", "division"),
        ("{{ '%s' % applicant }}", "not available"),
        ("{{ lipsum() }}", "undefined"),
    ],
    ids=["mro-walk", "dunder", "repeat", "power", "nested-repeat", "slow-loops", "range", "zero", "percent", "lipsum"],
)
def test_a_hostile_template_shows_an_error_never_a_500(api, template, error):
    assert deploy(api, template, process_id="hostile").status_code == 201
    instance_id = api.start("hostile", data={**CASE, "many": list(range(3000))}).json["id"]
    [task] = api.ready_tasks(instance_id)
    response = api.get(f"/api/v1/tasks/{task['id']}")
    assert response.status_code == 200
    if error is None:
        assert response.json["instructions"] == "" and response.json["instructions_error"] is None
    else:
        assert response.json["instructions"] is None
        assert error in response.json["instructions_error"].lower()


BILINGUAL = (
    "{% if lang == 'en' %}The applicant {{ applicant }} claims {{ claimed_amount }} EUR."
    "{% else %}Pieteicējs {{ applicant }} prasa {{ claimed_amount }} EUR.{% endif %}"
)


@pytest.mark.parametrize(
    ("language", "text"),
    [("lv", "Pieteicējs Jānis Ozoliņš prasa 1200.00 EUR."), ("en", "The applicant Jānis Ozoliņš claims 1200.00 EUR.")],
)
def test_instructions_speak_the_readers_language(api, language, text):
    assert deploy(api, BILINGUAL, process_id="bilingual").status_code == 201
    instance_id = api.start("bilingual", data=CASE).json["id"]
    [task] = api.ready_tasks(instance_id)
    response = api.client.get(f"/api/v1/tasks/{task['id']}", headers={**api.headers("admin"), "Accept-Language": language})
    assert response.json["instructions"] == text
    assert set(response.json["data"]) == {"applicant", "claimed_amount"}  # `lang` is no case field
