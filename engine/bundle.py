"""Turning uploaded files into parsed process specs, refusing anything unsafe or malformed.

XML is parsed by us first with entity expansion, DTDs and network access switched off, so XXE
and billion-laughs documents are refused before SpiffWorkflow's own parser sees them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine import dmn, support
from engine.errors import N_
from engine.forms import referenced_form_files
from engine.problems import Problem
from engine.routed_message import route_by_index
from engine.spec_guards import use_budgets
from engine.timers import use_engine_clock

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FORM_SUFFIXES = (".json",)


@dataclass
class ParsedProcess:
    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    files: dict[str, str]
    sha256: str


@dataclass
class ParsedBundle:
    processes: list[ParsedProcess] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    element_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    element_files: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=False,
    )


def parse_xml(name: str, content: bytes) -> tuple[etree._Element | None, Problem | None]:
    try:
        root = etree.fromstring(content, _safe_xml_parser())
    except etree.XMLSyntaxError as err:
        return None, Problem.of(name, None, err.lineno, N_("not well-formed XML: %(reason)s"), reason=err.msg)
    if root.getroottree().docinfo.doctype:
        return None, Problem.of(
            name, None, 1, N_("document type declarations (DTD, entities) are not allowed in BPMN or DMN files")
        )
    return root, None


def _decode(name: str, content: bytes) -> tuple[str | None, Problem | None]:
    try:
        return content.decode("utf-8"), None
    except UnicodeDecodeError as err:
        return None, Problem.of(name, None, None, N_("file is not UTF-8 text (%(reason)s)"), reason=err.reason)


def parse_bundle(files: list[tuple[str, bytes]]) -> ParsedBundle:
    """Parse and XSD-validate every file; collect problems instead of stopping at the first."""
    bundle = ParsedBundle()
    parser = SpiffBpmnParser(validator=VALIDATOR)
    bpmn_texts: dict[str, str] = {}
    dmn_texts: dict[str, str] = {}
    bpmn_roots: dict[str, etree._Element] = {}
    seen: set[str] = set()
    for name, content in files:
        if name in seen:
            bundle.problems.append(Problem.of(name, None, None, N_("the same file name appears twice in the upload")))
            continue
        seen.add(name)
        lower = name.lower()
        if lower.endswith(FORM_SUFFIXES):
            text, problem = _decode(name, content)
            if problem:
                bundle.problems.append(problem)
            else:
                bundle.forms[name] = text
            continue
        if not lower.endswith((".bpmn", ".dmn")):
            bundle.problems.append(
                Problem.of(name, None, None, N_("unsupported file type: upload .bpmn, .dmn and .json form files"))
            )
            continue
        text, problem = _decode(name, content)
        root, problem = (None, problem) if problem else parse_xml(name, content)
        if problem:
            bundle.problems.append(problem)
            continue
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id:
                bundle.element_lines[(name, element_id)] = element.sourceline
                bundle.element_files.setdefault(element_id, name)
        try:
            if lower.endswith(".dmn"):
                _add_dmn(parser, root, name)
                dmn_texts[name] = text
            else:
                if root.tag != f"{{{BPMN_NS}}}definitions":
                    bundle.problems.append(Problem.of(name, None, root.sourceline, N_("not a BPMN 2.0 document (expected bpmn:definitions)")))
                    continue
                unsupported = list(support.problems(name, root))
                if unsupported:
                    bundle.problems.extend(unsupported)
                    continue
                parser.add_bpmn_xml(root, filename=name)
                bpmn_texts[name] = text
                bpmn_roots[name] = root
        except ValidationException as err:
            bundle.problems.append(_validation_problem(name, err))
        except (SpiffWorkflowException, etree.LxmlError, KeyError, ValueError) as err:
            bundle.problems.append(Problem(name, None, None, f"cannot be parsed: {err}"))
    if bundle.errors:
        return bundle
    if not bpmn_texts:
        bundle.problems.append(Problem.of(None, None, None, N_("the upload holds no .bpmn file")))
        return bundle
    _collect_processes(bundle, parser, bpmn_roots, bpmn_texts, dmn_texts)
    return bundle


def _validation_problem(name: str, err: ValidationException) -> Problem:
    line = getattr(err, "line_number", None)
    element = getattr(err, "id", None) or None
    message = str(err.args[0]) if err.args else str(err)
    return Problem(getattr(err, "file_name", None) or name, element, line if isinstance(line, int) else None, message)


def _collect_processes(bundle, parser, bpmn_roots, bpmn_texts, dmn_texts) -> None:
    executable = []
    for name, root in bpmn_roots.items():
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("isExecutable", "true").lower() != "false":
                executable.append((name, process.get("id"), process.get("name") or process.get("id")))
    for file_name, process_id, process_name in executable:
        try:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
            _adapt(parser, spec, subprocess_specs)
        except ValidationException as err:
            bundle.problems.append(_validation_problem(file_name, err))
            continue
        except SpiffWorkflowException as err:
            bundle.problems.append(Problem(file_name, process_id, None, str(err)))
            continue
        own_files = {file_name}
        for sub_id in subprocess_specs:
            sub_file = bundle.element_files.get(sub_id)
            if sub_file:
                own_files.add(sub_file)
        files = {n: bpmn_texts[n] for n in sorted(own_files)}
        files.update(dmn_texts)
        for form_name in sorted(_with_referenced_forms(referenced_forms(spec, subprocess_specs), bundle.forms)):
            files[form_name] = bundle.forms[form_name]
        bundle.processes.append(
            ParsedProcess(process_id, process_name, spec, subprocess_specs, files, content_hash(files))
        )


def referenced_forms(spec, subprocess_specs: dict) -> set[str]:
    names = set()
    for task_spec in _all_task_specs(spec, subprocess_specs):
        props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
            if props.get(key):
                names.add(props[key])
    return names


def _with_referenced_forms(names: set[str], forms: dict[str, str]) -> set[str]:
    """The forms named by tasks plus those they reach through `$ref` (stored with the version,
    since the validator resolves references only among a version's own forms)."""
    found: set[str] = set()
    pending = [name for name in names if name in forms]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        pending.extend(n for n in referenced_form_files(forms[name]) if n in forms and n not in found)
    return found


def _all_task_specs(spec, subprocess_specs: dict):
    yield from spec.task_specs.values()
    for sub in subprocess_specs.values():
        yield from sub.task_specs.values()


def _add_dmn(parser, root, name: str) -> None:
    """Each decision of a file as its own document, and the table policies SpiffWorkflow drops."""
    policies = parser.__dict__.setdefault("lieta_dmn_policies", {})
    policies.update(dmn.table_policies(root))
    for document in dmn.single_decision_documents(root):
        parser.add_dmn_xml(document, filename=name)


def _adapt(parser, spec, subprocess_specs: dict) -> None:
    """Our clock for timers, our index for message routing, our budgets, our decision tables, in
    every parsed spec."""
    use_engine_clock(spec, subprocess_specs)
    use_budgets(spec, subprocess_specs)
    route_by_index(spec, subprocess_specs)
    dmn.check_decisions(spec, subprocess_specs, parser.__dict__.get("lieta_dmn_policies", {}))


def content_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(files[name].encode()).digest())
    return digest.hexdigest()


def parse_stored(process_id: str, files_json: str) -> tuple[object, dict]:
    """Re-parse one stored version (after a restart, or in another web process)."""
    files = json.loads(files_json)
    parser = SpiffBpmnParser(validator=None)
    for name, text in files.items():
        lower = name.lower()
        if lower.endswith(".dmn"):
            _add_dmn(parser, etree.fromstring(text.encode(), _safe_xml_parser()), name)
        elif lower.endswith(".bpmn"):
            parser.add_bpmn_xml(etree.fromstring(text.encode(), _safe_xml_parser()), filename=name)
    spec, subprocess_specs = parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    _adapt(parser, spec, subprocess_specs)
    return spec, subprocess_specs
