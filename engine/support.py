"""What the engine executes: the BPMN elements (and event kinds) a model may use.

Anything else is refused at deployment, naming the element, so no case fails at run time for
lack of support. The README's element table is generated from SUPPORT and a test keeps the two
equal.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

# element (event kinds after a colon) → (supported, note)
SUPPORT: dict[str, tuple[bool, str]] = {
    "startEvent": (True, "none start; in a lane it says who may start the process"),
    "startEvent:message": (True, "a message that matches no wait starts the process"),
    "startEvent:timer": (False, "nothing would start the process at that time; use a scheduled message"),
    "endEvent": (True, "none end"),
    "endEvent:terminate": (True, "ends the whole case"),
    "endEvent:error": (True, "inside a subprocess, caught by an error boundary event"),
    "endEvent:message": (True, "throws the message, routed like any thrown message"),
    "intermediateCatchEvent:timer": (True, "duration, date or cycle; fired by the scheduler"),
    "intermediateCatchEvent:message": (True, "correlated by the message's correlation properties"),
    "intermediateThrowEvent": (True, "none (a milestone)"),
    "intermediateThrowEvent:message": (True, "routed through the outbox to the declared receivers"),
    "boundaryEvent:timer": (True, "interrupting or not; its due time is the task's due_at"),
    "boundaryEvent:message": (True, "interrupting or not"),
    "boundaryEvent:error": (True, "catches an error end event or a service handler's BpmnError, by code or all"),
    "task": (True, "does nothing (a placeholder)"),
    "userTask": (True, "JSON Schema form, instructions, lane role and unit"),
    "manualTask": (True, "completed by a person, without a form"),
    "scriptTask": (True, "Python in the sandbox"),
    "serviceTask": (True, "an operation of the engine's registry"),
    "businessRuleTask": (True, "a DMN decision; UNIQUE, FIRST, PRIORITY, COLLECT (+ SUM, COUNT, MIN, MAX)"),
    "sendTask": (True, "throws its message"),
    "receiveTask": (True, "waits for its message"),
    "subProcess": (True, "embedded; an interrupting boundary timer is the due date of its tasks"),
    "callActivity": (True, "a process of the same deployment; never itself, directly or not"),
    "exclusiveGateway": (True, "conditions are Python in the sandbox"),
    "parallelGateway": (True, ""),
    "inclusiveGateway": (True, ""),
    "eventBasedGateway": (True, "message, timer and several of them race; the losers are cancelled"),
    "multiInstanceLoopCharacteristics": (True, "sequential or parallel, within the cardinality cap"),
    "standardLoopCharacteristics": (False, "model the loop with a gateway"),
    "complexGateway": (False, "use exclusive or inclusive gateways"),
    "adHocSubProcess": (False, ""),
    "transaction": (False, "no compensation or cancel semantics"),
    "event:signal": (False, "signals are not routed between cases; use a message"),
    "event:escalation": (False, "use an error or a message"),
    "event:conditional": (False, "nothing re-evaluates the condition; use a timer or a message"),
    "event:compensate": (False, "no compensation"),
    "event:link": (False, "draw the sequence flow"),
    "event:cancel": (False, "no transactions"),
}

_EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")
# Structure and artefacts: neither executed nor refused.
_NEUTRAL = {
    "definitions", "process", "laneSet", "lane", "childLaneSet", "flowNodeRef", "sequenceFlow", "incoming",
    "outgoing", "conditionExpression", "extensionElements", "documentation", "textAnnotation", "text",
    "association", "group", "category", "categoryValue", "dataObject", "dataObjectReference", "dataStore",
    "dataStoreReference", "dataInputAssociation", "dataOutputAssociation", "sourceRef", "targetRef",
    "ioSpecification", "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputRefs", "dataOutputRefs",
    "property", "message", "error", "escalation", "signal", "correlationProperty",
    "correlationPropertyRetrievalExpression", "formalExpression", "correlationKey", "correlationPropertyRef",
    "collaboration", "participant", "messageFlow", "script", "loopCardinality", "completionCondition",
    "loopDataInputRef", "loopDataOutputRef", "inputDataItem", "outputDataItem", "itemDefinition",
    "timeDuration", "timeDate", "timeCycle", "messageEventDefinition", "timerEventDefinition",
    "errorEventDefinition", "terminateEventDefinition", "signalEventDefinition", "escalationEventDefinition",
    "conditionalEventDefinition", "compensateEventDefinition", "linkEventDefinition", "cancelEventDefinition",
    "condition", "interface", "operation", "inMessageRef", "outMessageRef", "extension", "import",
}


def _local(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.split("}", 1)[1] if tag.startswith(f"{{{BPMN_NS}}}") else ""


def _kinds(element) -> list[str]:
    return [_local(child)[: -len("EventDefinition")] for child in element if _local(child).endswith("EventDefinition")]


def problems(file_name: str, root) -> Iterator[Problem]:
    """Every element of a BPMN document that the engine does not execute."""
    for element in root.iter():
        name = _local(element)
        if not name or name in _NEUTRAL:
            continue
        if name in _EVENTS:
            kinds = _kinds(element)
            for kind in kinds or [None]:
                key = f"{name}:{kind}" if kind else name
                refused = SUPPORT.get(f"event:{kind}") if kind else None
                verdict = refused or SUPPORT.get(key)
                if verdict is None or not verdict[0]:
                    what = f"{name} with a {kind} event" if kind else name
                    note = verdict[1] if verdict else "not executed by the engine"
                    yield Problem(file_name, element.get("id"), element.sourceline, f"{what} is not supported: {note}")
            continue
        verdict = SUPPORT.get(name)
        if verdict is None or not verdict[0]:
            note = verdict[1] if verdict and verdict[1] else "not executed by the engine"
            yield Problem(file_name, _owner_id(element), element.sourceline, f"{name} is not supported: {note}")


def _owner_id(element) -> str | None:
    """The element's id, or its task's (loop characteristics have none of their own)."""
    parent = element.getparent()
    return element.get("id") or (parent.get("id") if parent is not None else None)


def readme_table() -> str:
    """The README's table of elements, generated from SUPPORT."""
    rows = ["| element | supported | notes |", "|---|---|---|"]
    rows += [f"| `{key}` | {'yes' if ok else 'no'} | {note} |" for key, (ok, note) in SUPPORT.items()]
    return "\n".join(rows)
