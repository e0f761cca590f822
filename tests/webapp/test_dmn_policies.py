"""Decision tables: two decisions in one file, each hit policy, and a table nothing matches."""

import pytest

from tests.support.bpmn_builder import ProcessBuilder

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def table(decision_id: str, policy: str, rules: list[tuple[str, str]], *, aggregation: str = "",
          input_expr: str = "harm", output: str = "share", output_values: str = "", default: str = "") -> str:
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    values = f"<outputValues><text>{output_values}</text></outputValues>" if output_values else ""
    fallback = f"<defaultOutputEntry><text>{default}</text></defaultOutputEntry>" if default else ""
    body = "".join(
        f'<rule id="{decision_id}_r{n}"><inputEntry id="{decision_id}_i{n}"><text>{match}</text></inputEntry>'
        f'<outputEntry id="{decision_id}_o{n}"><text>{out}</text></outputEntry></rule>'
        for n, (match, out) in enumerate(rules)
    )
    return (
        f'<decision id="{decision_id}" name="{decision_id}"><decisionTable id="{decision_id}_t" hitPolicy="{policy}"{agg}>'
        f'<input id="{decision_id}_in"><inputExpression id="{decision_id}_ie"><text>{input_expr}</text></inputExpression></input>'
        f'<output id="{decision_id}_out" name="{output}">{values}{fallback}</output>{body}</decisionTable></decision>'
    )


def dmn(*tables: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{DMN_NS}" id="defs" name="d" namespace="x">{"".join(tables)}</definitions>'


def process(*decisions: str) -> str:
    p = ProcessBuilder("decides")
    p.start()
    for decision in decisions:
        p._add(f"t_{decision}", "businessRuleTask", "", head=(
            f"<bpmn:extensionElements><spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>"
            "</bpmn:extensionElements>"))
    p.user_task("review", "Review", lane="Clerk")
    p.end()
    p.chain("start", *[f"t_{d}" for d in decisions], "review", "end")
    return p.xml()


def run(api, files: dict, data: dict) -> dict:
    response = api.deploy(files)
    assert response.status_code == 201, response.json
    instance_id = api.start("decides", data=data).json["id"]
    return api.get(f"/api/v1/process-instances/{instance_id}").json


SHARES = [('"death"', "100"), ('"injury"', "50"), ('"injury"', "40")]


def test_two_decisions_in_one_file(api):
    files = {
        "decides.bpmn": process("share", "cap"),
        "compensation.dmn": dmn(
            table("share", "FIRST", SHARES),
            table("cap", "UNIQUE", [("&gt;= 2026", "3900"), ("&lt; 2026", "3500")], input_expr="year", output="cap"),
        ),
    }
    instance = run(api, files, {"harm": "injury", "year": 2027})
    assert instance["status"] == "running", instance
    assert (instance["data"]["share"], instance["data"]["cap"]) == (50, 3900)


@pytest.mark.parametrize(
    ("policy", "extra", "harm", "expected"),
    [
        ("UNIQUE", {}, "death", 100),
        ("FIRST", {}, "injury", 50),
        ("PRIORITY", {"output_values": "40,50,100"}, "injury", 40),
        ("COLLECT", {}, "injury", [50, 40]),
        ("COLLECT", {"aggregation": "SUM"}, "injury", 90),
        ("COLLECT", {"aggregation": "COUNT"}, "injury", 2),
        ("COLLECT", {"aggregation": "MAX"}, "injury", 50),
        ("COLLECT", {"aggregation": "SUM"}, "theft", 0),
        ("FIRST", {"default": "0"}, "theft", 0),
    ],
)
def test_hit_policies(api, policy, extra, harm, expected):
    files = {"decides.bpmn": process("share"), "shares.dmn": dmn(table("share", policy, SHARES, **extra))}
    instance = run(api, files, {"harm": harm})
    assert instance["status"] == "running", instance
    assert instance["data"]["share"] == expected


@pytest.mark.parametrize(
    ("policy", "harm", "words"),
    [("FIRST", "theft", "no rule matches"), ("UNIQUE", "theft", "no rule matches"), ("UNIQUE", "injury", "all match")],
    ids=["first-no-match", "unique-no-match", "unique-two-matches"],
)
def test_a_table_without_an_answer_opens_an_incident(api, policy, harm, words):
    files = {"decides.bpmn": process("share"), "shares.dmn": dmn(table("share", policy, SHARES))}
    instance = run(api, files, {"harm": harm})
    assert instance["status"] == "error"
    [incident] = instance["incidents"]
    assert words in incident["message"] and "'share'" in incident["message"]
    assert f"'{harm}'" in incident["message"]  # the inputs it was given
    assert "t_share" in incident["message"]
