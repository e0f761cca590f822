"""The modeler's `spiffworkflow` moddle description declares every extension element and
attribute the bundled models use: bpmn-js drops what its moddle does not know, so an
undeclared one would silently vanish from a copy edited in the browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DESCRIPTOR = json.loads((ROOT / "webapp" / "static" / "modeler" / "spiffworkflow.json").read_text())
TYPES = {t["name"][0].lower() + t["name"][1:]: t for t in DESCRIPTOR["types"]}  # tagAlias lowerCase


def used() -> set[tuple[str, str | None, str | None]]:
    """(tag, attribute or None, spiffworkflow child tag or None) as the bundled models use them."""
    found = set()
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        for element in etree.parse(str(path)).iter(f"{{{SPIFF}}}*"):
            tag = etree.QName(element).localname
            found.add((tag, None, None))
            found.update((tag, name, None) for name in element.attrib)
            found.update(
                (tag, None, etree.QName(child).localname) for child in element if etree.QName(child).namespace == SPIFF
            )
    return found


def test_the_descriptor_names_our_namespace():
    assert DESCRIPTOR["prefix"] == "spiffworkflow" and DESCRIPTOR["uri"] == SPIFF


@pytest.mark.parametrize("tag, attribute, child", sorted(used(), key=str), ids=str)
def test_each_used_element_and_attribute_is_declared(tag, attribute, child):
    assert tag in TYPES, f"<spiffworkflow:{tag}> is not declared"
    properties = {p["name"]: p for p in TYPES[tag]["properties"]}
    if attribute is not None:
        assert properties.get(attribute, {}).get("isAttr"), f"{tag}@{attribute} is not declared as an attribute"
    if child is not None:
        child_type = TYPES[child]["name"]
        assert any(p["type"] == child_type for p in properties.values()), f"{tag} holds no {child}"


@pytest.mark.parametrize("tag, attribute", [("serviceTaskOperator", "resultVariable"), ("instructionsForEndUser", None)])
def test_the_two_named_in_the_issue_are_declared(tag, attribute):
    assert (tag, attribute, None) in used()
    assert tag in TYPES
