"""`docs/processes/<process>.svg` is the picture `make diagrams` draws from each bundled model's
diagram data: one per model, and current."""

from __future__ import annotations

import importlib.util

import pytest
from lxml import etree

from tests.bpmn.conftest import REPO

_spec = importlib.util.spec_from_file_location("bpmn_svg", REPO / "docs" / "bpmn_svg.py")
bpmn_svg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bpmn_svg)

MODELS = sorted((REPO / "bpmn").glob("*.bpmn"))


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_each_bundled_process_has_its_current_svg(model):
    svg = REPO / "docs" / "processes" / f"{model.stem}.svg"
    assert svg.is_file(), f"run `make diagrams`: {svg.name} is missing"
    assert svg.read_text(encoding="utf-8") == bpmn_svg.render(model.read_bytes()), f"run `make diagrams`: {svg.name} is stale"


def test_the_svg_draws_every_shape_and_edge_of_the_diagram():
    model = REPO / "bpmn" / "investigation.bpmn"
    root = etree.parse(str(model)).getroot()
    plane = root.find("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram/{http://www.omg.org/spec/BPMN/20100524/DI}BPMNPlane")
    svg = etree.fromstring(bpmn_svg.render(model.read_bytes()).encode())
    ns = "{http://www.w3.org/2000/svg}"
    edges = [el for el in plane if etree.QName(el).localname == "BPMNEdge"]
    arrows = [p for p in svg.iter(f"{ns}path") if p.get("marker-end")]
    assert len(arrows) == len(edges)
    texts = "".join(t.text or "" for t in svg.iter(f"{ns}text"))
    for name in ("Investigator", "Prosecutor", "Chief prosecutor", "48 hours passed"):
        assert name in texts
    gateways = root.findall(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}exclusiveGateway") + root.findall(
        ".//{http://www.omg.org/spec/BPMN/20100524/MODEL}parallelGateway")
    assert len(list(svg.iter(f"{ns}polygon"))) == len(gateways)


def test_a_file_without_a_diagram_is_refused():
    with pytest.raises(ValueError, match="no diagram"):
        bpmn_svg.render(b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')
