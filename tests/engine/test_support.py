"""What the engine executes: the README's table is the engine's own, and everything else is
refused at deployment naming the element."""

import re
from pathlib import Path

import pytest

from engine.bundle import parse_bundle
from engine.support import SUPPORT, readme_table
from tests.support.bpmn_builder import ProcessBuilder

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_engines():
    text = README.read_text()
    table = re.search(r"<!-- element-table:start -->\n(.*?)\n<!-- element-table:end -->", text, re.S).group(1)
    assert table == readme_table()
    rows = dict(re.findall(r"^\| `([^`]+)` \| (yes|no) \|", table, re.M))
    assert rows == {key: "yes" if ok else "no" for key, (ok, _note) in SUPPORT.items()}


def with_element(tag: str, body: str = "", attrs: str = "") -> bytes:
    p = ProcessBuilder("odd")
    p.start()
    p._add("odd_one", tag, attrs, body)
    p.end()
    p.chain("start", "odd_one", "end")
    return p.xml().encode()


REFUSED = [
    ("complexGateway", "", ""),
    ("adHocSubProcess", "", ""),
    ("transaction", "", ""),
    ("intermediateThrowEvent", "<bpmn:signalEventDefinition/>", ""),
    ("intermediateCatchEvent", "<bpmn:conditionalEventDefinition><bpmn:condition>x</bpmn:condition>"
                               "</bpmn:conditionalEventDefinition>", ""),
    ("intermediateThrowEvent", "<bpmn:escalationEventDefinition/>", ""),
    ("intermediateThrowEvent", "<bpmn:compensateEventDefinition/>", ""),
    ("intermediateCatchEvent", '<bpmn:linkEventDefinition name="l"/>', ""),
    ("userTask", "<bpmn:standardLoopCharacteristics/>", ""),
]


@pytest.mark.parametrize(("tag", "body", "attrs"), REFUSED, ids=[f"{t}{'-' + b[6:20] if b else ''}" for t, b, _ in REFUSED])
def test_an_element_the_engine_does_not_execute_is_refused_naming_it(tag, body, attrs):
    bundle = parse_bundle([("odd.bpmn", with_element(tag, body, attrs))])
    assert bundle.errors, bundle.problems
    assert any(problem.element == "odd_one" and "not supported" in problem.message for problem in bundle.errors)


def test_a_timer_start_event_is_refused():
    p = ProcessBuilder("clocked")
    p._add("start", "startEvent", "", '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>')
    p.end()
    p.chain("start", "end")
    bundle = parse_bundle([("clocked.bpmn", p.xml().encode())])
    assert [problem.element for problem in bundle.errors] == ["start"]
    assert "startEvent with a timer event is not supported" in bundle.errors[0].message


def test_every_bundled_model_uses_only_supported_elements():
    root = README.parent
    files = [(p.name, p.read_bytes()) for p in sorted((root / "bpmn").glob("*.bpmn")) + sorted((root / "bpmn").glob("*.dmn"))]
    files += [(p.name, p.read_bytes()) for p in sorted((root / "forms").glob("*.json"))]
    assert parse_bundle(files).errors == []
