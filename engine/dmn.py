"""Decision tables as the law needs them: several decisions per file, the hit policies UNIQUE,
FIRST, PRIORITY and COLLECT (with SUM, COUNT, MIN, MAX), and no silent "no answer".

SpiffWorkflow 3.2 reads one decision per DMN file, treats every policy but COLLECT as "first
match" and returns nothing when no rule matches, so a later step breaks far from the cause.
Here a file is split into one document per decision before SpiffWorkflow sees it, each table
learns its policy details from the XML, and a table that no rule matches (and that has no default
output) stops the case with an incident naming the decision and the inputs it was given.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from engine.errors import EngineError

AGGREGATIONS = ("SUM", "COUNT", "MIN", "MAX")


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def single_decision_documents(root) -> list:
    """One DMN document per decision (SpiffWorkflow's parser reads only the first of a file)."""
    decisions = [child for child in root if _local(child) == "decision"]
    if len(decisions) <= 1:
        return [root]
    documents = []
    for keep in decisions:
        document = copy.deepcopy(root)
        for child in list(document):
            if _local(child) == "decision" and child.get("id") != keep.get("id"):
                document.remove(child)
            elif _local(child) == "DMNDI":
                document.remove(child)
        documents.append(document)
    return documents


@dataclass
class TablePolicy:
    """What SpiffWorkflow's parser drops: the aggregation of COLLECT, the priority order of each
    output's allowed values, and default outputs."""

    decision_id: str
    hit_policy: str = "UNIQUE"
    aggregation: str | None = None
    priorities: dict[str, list[str]] = field(default_factory=dict)  # output name → values, best first
    defaults: dict[str, str] = field(default_factory=dict)  # output name → expression


def table_policies(root) -> dict[str, TablePolicy]:
    """Decision table id → its policy, read from a DMN document."""
    found: dict[str, TablePolicy] = {}
    for decision in (child for child in root if _local(child) == "decision"):
        for table in (child for child in decision if _local(child) == "decisionTable"):
            policy = TablePolicy(
                decision.get("id", ""), (table.get("hitPolicy") or "UNIQUE").upper(),
                (table.get("aggregation") or "").upper() or None,
            )
            for output in (child for child in table if _local(child) == "output"):
                name = output.get("name") or output.get("label") or ""
                for part in output:
                    text = "".join(t.text or "" for t in part if _local(t) == "text").strip()
                    if _local(part) == "outputValues" and text:
                        policy.priorities[name] = [value.strip() for value in text.split(",")]
                    elif _local(part) == "defaultOutputEntry" and text:
                        policy.defaults[name] = text
            found[table.get("id", "")] = policy
    return found


class CheckedDMNEngine(DMNEngine):
    """SpiffWorkflow's engine with the policies above; `policy` is attached when a spec is parsed."""

    policy: TablePolicy | None = None

    def result(self, task) -> dict:
        policy = self.policy or TablePolicy(decision_id=self.decision_table.id, hit_policy=self.decision_table.hit_policy)
        matched = [rule for rule in self.decision_table.rules if self._DMNEngine__check_rule(rule, task)]
        if not matched:
            return self._no_match(task, policy)
        if policy.hit_policy == "COLLECT":
            return self._collect(task, matched, policy)
        if policy.hit_policy == "UNIQUE" and len(matched) > 1:
            rows = ", ".join(str(rule.row_number) for rule in matched)
            raise EngineError(
                f"decision {policy.decision_id!r} has the UNIQUE hit policy but rules {rows} all match "
                f"the inputs {self._inputs(task)}"
            )
        if policy.hit_policy == "PRIORITY" and len(matched) > 1:
            matched.sort(key=lambda rule: self._rank(rule, policy))
        return matched[0].output_as_dict(task)

    def _no_match(self, task, policy: TablePolicy) -> dict:
        if policy.hit_policy == "COLLECT":
            return {name: 0 if policy.aggregation in AGGREGATIONS else [] for name in self._output_names()}
        names = self._output_names()
        if names and all(name in policy.defaults for name in names):
            script_engine = task.workflow.script_engine
            return {name: script_engine.evaluate(task, policy.defaults[name]) for name in names}
        raise EngineError(
            f"decision {policy.decision_id!r}: no rule matches the inputs {self._inputs(task)} "
            "and the table has no default output"
        )

    def _collect(self, task, matched: list, policy: TablePolicy) -> dict:
        values: dict[str, list[Any]] = {name: [] for name in self._output_names()}
        for rule in matched:
            for name, value in rule.output_as_dict(task).items():
                values.setdefault(name, []).append(value)
        if policy.aggregation is None:
            return values
        combine = {"SUM": sum, "COUNT": len, "MIN": min, "MAX": max}[policy.aggregation]
        try:
            return {name: combine(items) for name, items in values.items()}
        except TypeError as err:
            raise EngineError(f"decision {policy.decision_id!r}: cannot {policy.aggregation} the outputs: {err}") from err

    def _rank(self, rule, policy: TablePolicy) -> tuple:
        ranks = []
        for entry in rule.outputEntries:
            order = policy.priorities.get(entry.output.name or entry.output.label or "", [])
            text = (entry.text or "").strip()
            ranks.append(order.index(text) if text in order else len(order))
        return tuple(ranks)

    def _output_names(self) -> list[str]:
        return [output.name or output.label for output in self.decision_table.outputs]

    def _inputs(self, task) -> dict:
        shown = {}
        for table_input in self.decision_table.inputs:
            expression = table_input.expression or table_input.label
            try:
                value = task.workflow.script_engine.evaluate(task, expression)
            except EngineError as err:
                value = f"<{err.message}>"
            text = repr(value)
            shown[expression] = text if len(text) <= 80 else text[:77] + "..."
        return shown


def check_decisions(spec, subprocess_specs: dict, policies: dict[str, TablePolicy]) -> None:
    """Give every business rule task of a parsed spec the checked engine and its table's policy."""
    for one_spec in [spec, *subprocess_specs.values()]:
        for task_spec in one_spec.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if isinstance(engine, DMNEngine):
                engine.__class__ = CheckedDMNEngine
                engine.policy = policies.get(engine.decision_table.id)
