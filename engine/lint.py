"""Our own checks on a parsed deployment, beyond the BPMN schema.

Every piece of code a model carries (scripts, conditions, timer and message expressions, DMN
cells) must pass the sandbox's static policy before it is stored: an escape attempt is refused at
deployment, naming the element, rather than discovered in a running case.

DMN cells are also bounded in size: SpiffWorkflow rewrites each input cell with a regular
expression whose cost grows with the cell's length times its number of `?` (4.8 s with the GIL
held for a cell of 12,000 `?`), so a cell longer than `dmn_cell_max_chars` or with more `?` than
`dmn_cell_max_placeholders` is refused. Forms are checked by `engine.form_rules`.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)

from engine import form_keywords, instructions, separation
from engine.budgets import DEFAULT_BUDGETS, ExecutionBudgets
from engine.bundle import ParsedBundle, ParsedProcess
from engine.errors import N_
from engine.form_rules import form_problems
from engine.forms import referenced_form_files, schema_problems
from engine.lint_budgets import budget_problems
from engine.problems import Problem
from engine.roles import roles_for_lane
from engine.sandbox.policy import check_expression, check_script
from engine.timer_bounds import duration_seconds, timer_problem


@dataclass(frozen=True)
class DeploymentLimits:
    dmn_cell_max_chars: int = 2000
    """Longest DMN cell (input, output or input expression), in characters."""
    dmn_cell_max_placeholders: int = 16
    """Most `?` characters in one DMN cell (each costs SpiffWorkflow a scan of the cell)."""


def lint(
    bundle: ParsedBundle,
    known_roles: frozenset[str] | None = None,
    budgets: ExecutionBudgets = DEFAULT_BUDGETS,
    now: datetime | None = None,
    limits: DeploymentLimits | None = None,
) -> list[Problem]:
    """`known_roles` are the role codes a lane may name (the deployment service reads them from
    the roles table; None skips that check); `now` is the deployment's time, against which
    literal timer dates are bounded."""
    now = now or datetime.now(UTC)
    limits = limits or DeploymentLimits()
    problems: list[Problem] = []
    for process in bundle.processes:
        problems.extend(_lint_process(bundle, process, budgets, now, limits))
        if known_roles is not None:
            problems.extend(_lane_problems(bundle, process, known_roles))
    problems.extend(budget_problems(bundle, budgets))
    problems.extend(_lint_forms(bundle))
    # The same element can be reached from two processes sharing a file; report it once.
    unique = list(dict.fromkeys(problems))
    return unique


def _where(bundle: ParsedBundle, element_id: str | None) -> tuple[str | None, int | None]:
    file_name = bundle.element_files.get(element_id) if element_id else None
    line = bundle.element_lines.get((file_name, element_id)) if file_name else None
    return file_name, line


def _lint_process(
    bundle: ParsedBundle, process: ParsedProcess, budgets: ExecutionBudgets, now: datetime, limits: DeploymentLimits,
) -> Iterator[Problem]:
    specs = [process.spec, *process.subprocess_specs.values()]
    user_tasks = frozenset(t.bpmn_id for spec in specs for t in spec.task_specs.values() if _is_user_task(t))
    for spec in specs:
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element is None:
                continue
            file_name, line = _where(bundle, element)
            oversized = list(_dmn_size_problems(bundle, task_spec, limits))
            yield from oversized
            for kind, source, is_script in code_sites(task_spec):
                if oversized and kind.startswith("DMN"):
                    continue  # the size is the finding; parsing a huge cell adds nothing
                if kind == "DMN input cell":
                    source = _dmn_cell_expression(source)
                yield from _code_problems(file_name, element, line, kind, source, is_script)
            yield from _timer_problems(file_name, element, line, task_spec, budgets, now)
            yield from _form_problems(bundle, file_name, element, line, task_spec)
            yield from _instruction_problems(file_name, element, line, task_spec)
            yield from separation.problems(file_name, element, line, task_spec, user_tasks)
            if _is_user_task(task_spec) and not getattr(task_spec, "lane", None):
                yield Problem(
                    file_name, element, line,
                    "user task is outside any lane: only the instance's starter and admins may work on it",
                    severity="warning",
                )


def _instruction_problems(file_name, element, line, task_spec) -> Iterator[Problem]:
    source = (getattr(task_spec, "extensions", None) or {}).get("instructionsForEndUser")
    if isinstance(source, str) and source.strip():
        for message in instructions.problems(source):
            yield Problem(file_name, element, line, message)


def _lane_problems(bundle: ParsedBundle, process: ParsedProcess, known_roles: frozenset[str]) -> Iterator[Problem]:
    """A lane whose name maps to no known role would offer its tasks to nobody (or, once someone
    creates the role, to whoever holds it): refused at deployment, naming the lane."""
    seen: set[str] = set()
    for spec in [process.spec, *process.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            lane = getattr(task_spec, "lane", None)
            if not lane or lane in seen:
                continue
            seen.add(lane)
            unknown = [role for role in roles_for_lane(lane) if role not in known_roles]
            if unknown or not roles_for_lane(lane):
                element = getattr(task_spec, "bpmn_id", None)
                file_name, line = _where(bundle, element)
                names = ", ".join(unknown) or "(none)"
                yield Problem.of(
                    file_name, element, line,
                    N_("lane %(lane)r names an unknown role: %(names)s (known roles: %(known)s)"),
                    lane=lane, names=names, known=", ".join(sorted(known_roles)),
                )


def _is_user_task(task_spec) -> bool:
    return type(task_spec).__name__ in ("UserTask", "ManualTask")


def code_sites(task_spec) -> Iterator[tuple[str, str, bool]]:
    """(what, source, is_script) for every piece of code an element carries."""
    if getattr(task_spec, "script", None):
        yield "script", task_spec.script, True
    for attr in ("prescript", "postscript"):
        if getattr(task_spec, attr, None):
            yield attr, getattr(task_spec, attr), True
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        if condition is not None:
            yield "condition", condition.args[0], False
    for attr in ("cardinality", "condition"):
        value = getattr(task_spec, attr, None)
        if isinstance(value, str) and value:
            yield f"multi-instance {attr}", value, False
    event = getattr(task_spec, "event_definition", None)
    if event is not None:
        expression = getattr(event, "expression", None)
        if isinstance(expression, str) and expression:
            yield "event expression", expression, False
        for prop in getattr(event, "correlation_properties", None) or []:
            if getattr(prop, "retrieval_expression", None):
                yield "correlation expression", prop.retrieval_expression, False
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        if isinstance(param, dict) and param.get("value"):
            yield f"service parameter {name!r}", param["value"], False
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        yield from _dmn_sites(engine.decision_table)


def _dmn_sites(table) -> Iterator[tuple[str, str, bool]]:
    for column in getattr(table, "inputs", []):
        if getattr(column, "expression", None):
            yield "DMN input expression", column.expression, False
    for rule in getattr(table, "rules", []):
        for entry in getattr(rule, "outputEntries", []):
            if getattr(entry, "text", None):
                yield "DMN output cell", entry.text, False
        for entry in getattr(rule, "inputEntries", []):
            for lhs in getattr(entry, "lhs", []) or []:
                if lhs and lhs.strip() not in ("-", ""):
                    yield "DMN input cell", lhs, False


def _dmn_cells(table) -> Iterator[tuple[str, str | None, str]]:
    """(what, id of the DMN element, text) for every cell of a decision table."""
    for column in getattr(table, "inputs", []):
        if getattr(column, "expression", None):
            yield "input expression", getattr(column, "id", None), column.expression
    for rule in getattr(table, "rules", []):
        row = getattr(rule, "row_number", None)
        for entry in getattr(rule, "inputEntries", []):
            for lhs in getattr(entry, "lhs", []) or []:
                if lhs:
                    yield f"rule {row} input cell", getattr(entry, "id", None), lhs
        for entry in getattr(rule, "outputEntries", []):
            if getattr(entry, "text", None):
                yield f"rule {row} output cell", getattr(entry, "id", None), entry.text


def _dmn_size_problems(bundle: ParsedBundle, task_spec, limits: DeploymentLimits) -> Iterator[Problem]:
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is None:
        return
    table = engine.decision_table
    table_id = getattr(table, "id", None)
    for what, cell_id, text in _dmn_cells(table):
        file_name, line = _where(bundle, cell_id or table_id)
        where = f"decision table {table_id!r}, {what}" + (f" ({cell_id})" if cell_id else "")
        if len(text) > limits.dmn_cell_max_chars:
            yield Problem.of(file_name, cell_id or table_id, line,
                             N_("%(where)s: %(size)s characters, more than the %(max)s allowed in one cell; "
                                "move long logic into a script task"),
                             where=where, size=len(text), max=limits.dmn_cell_max_chars)
        elif text.count("?") > limits.dmn_cell_max_placeholders:
            yield Problem.of(file_name, cell_id or table_id, line,
                             N_("%(where)s: %(count)s '?' characters, more than the %(max)s allowed in one cell"),
                             where=where, count=text.count("?"), max=limits.dmn_cell_max_placeholders)


_DMN_PLACEHOLDER = re.compile(r"""(\?)(?=(?:[^'"]|['"][^'"]*['"])*$)""")


def _dmn_cell_expression(cell: str) -> str:
    """SpiffWorkflow compares an input cell such as `> 5` or `"a"` against the column's value;
    check the cell as it will be evaluated."""
    stripped = cell.strip()
    if "?" in stripped:
        # `4 < ? < 6` compares the column's value twice: SpiffWorkflow replaces each `?` outside
        # quotes by a name (its own regex, bounded here by the cell limits checked first).
        return _DMN_PLACEHOLDER.sub("dmninputexpr", stripped)
    if stripped[:2] in ("<=", ">=", "==", "!=") or stripped[:1] in ("<", ">"):
        return f"dmn_value {stripped}"
    return stripped


def _code_problems(file_name, element, line, kind, source, is_script) -> Iterator[Problem]:
    checker = check_script if is_script else check_expression
    for finding in checker(source):
        where = f"{kind}, line {finding.line}" if finding.line else kind
        yield Problem(file_name, element, line, f"{where}: {finding.message}")


def _timer_problems(file_name, element, line, task_spec, budgets: ExecutionBudgets, now: datetime) -> Iterator[Problem]:
    event = getattr(task_spec, "event_definition", None)
    if not isinstance(event, TimerEventDefinition):
        return
    try:
        node = ast.parse(event.expression, mode="eval").body
    except SyntaxError:
        return  # reported by the expression check
    if isinstance(node, ast.Name) and _looks_like_iso(node.id):
        yield Problem.of(
            file_name, element, line,
            N_("timer expression %(name)s is read as a variable name: quote it (\"%(name)s\") to mean ISO 8601"),
            name=node.id,
        )
        return
    if not isinstance(node, ast.Constant):
        return  # computed at run time (e.g. working_days(3)); its code was checked above
    if not isinstance(node.value, str):
        yield Problem.of(file_name, element, line, N_("timer expression must be a quoted ISO 8601 string, got %(got)r"),
                         got=event.expression)
        return
    # Bounded on the text first: SpiffWorkflow's parser loops once per month of a duration.
    problem = timer_problem(_timer_kind(event), node.value, now, budgets)
    if problem:
        yield Problem(file_name, element, line, f"timer {problem}")
        return
    try:
        if isinstance(event, CycleTimerEventDefinition):
            TimerEventDefinition.parse_iso_recurring_interval(node.value)
        else:
            TimerEventDefinition.parse_time_or_duration(node.value)
    except Exception as err:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception('Invalid duration')
        yield Problem.of(file_name, element, line, N_("timer expression %(value)r is not ISO 8601: %(reason)s"),
                         value=node.value, reason=str(err))


def _timer_kind(event: TimerEventDefinition) -> str:
    if isinstance(event, CycleTimerEventDefinition):
        return "cycle"
    return "duration" if isinstance(event, DurationTimerEventDefinition) else "date"


def _looks_like_iso(name: str) -> bool:
    return duration_seconds(name) is not None


def _form_problems(bundle, file_name, element, line, task_spec) -> Iterator[Problem]:
    props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    for key, is_schema in (("formJsonSchemaFilename", True), ("formUiSchemaFilename", False)):
        form_name = props.get(key)
        if not form_name:
            continue
        text = bundle.forms.get(form_name)
        if text is None:
            yield Problem.of(file_name, element, line, N_("form file %(form)r (%(key)s) is not in the upload"),
                             form=form_name, key=key)
            continue
        if is_schema:
            for message in schema_problems(text):
                yield Problem(form_name, element, None, message)
        else:
            yield from _ui_problems(bundle, form_name, element, props.get("formJsonSchemaFilename"))


def _ui_problems(bundle, ui_name: str, element, schema_name: str | None) -> Iterator[Problem]:
    """A UI schema the task page cannot show is refused with the task that uses it."""
    ui, schema = _json_or_none(bundle.forms[ui_name]), _json_or_none(bundle.forms.get(schema_name) or "{}")
    for _pointer, template, params in form_keywords.ui_problems(ui, schema):
        yield Problem.of(ui_name, element, None, template, **params)


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None  # a schema that is not JSON is reported by its own check


def _lint_forms(bundle: ParsedBundle) -> Iterator[Problem]:
    """Each JSON Schema form once, with the forms it points at through `$ref`."""
    task_forms = _task_schema_forms(bundle)
    pending = sorted(task_forms)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in bundle.forms:
            continue
        seen.add(name)
        text = bundle.forms[name]
        invalid = schema_problems(text)
        if invalid:
            if name not in task_forms:  # a task's own form is reported with its task
                yield from (Problem(name, None, None, message) for message in invalid)
            continue
        for pointer, message in form_problems(name, text, bundle.forms):
            yield Problem(name, None, None, f"at {pointer}: {message}")
        for _pointer, template, params in form_keywords.schema_problems(json.loads(text)):
            yield Problem.of(name, None, None, template, **params)
        pending.extend(sorted(referenced_form_files(text) - seen))


def _task_schema_forms(bundle: ParsedBundle) -> set[str]:
    names = set()
    for process in bundle.processes:
        for spec in [process.spec, *process.subprocess_specs.values()]:
            for task_spec in spec.task_specs.values():
                props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
                if props.get("formJsonSchemaFilename"):
                    names.add(props["formJsonSchemaFilename"])
    return names
