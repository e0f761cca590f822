"""Small BPMN documents for tests and benchmarks, written as text so each test shows its process.

Only what the engine needs to run is emitted (no diagram interchange): SpiffWorkflow ignores DI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'targetNamespace="http://lieta.example/bpmn"'
)


def _form_properties(form: str | None, ui_form: str | None) -> str:
    """The spiffworkflow properties naming a JSON Schema form and its UI schema (or nothing)."""
    if not (form or ui_form):
        return ""
    items = ""
    if form:
        items += f'<spiffworkflow:property name="formJsonSchemaFilename" value={quoteattr(form)}/>'
    if ui_form:
        items += f'<spiffworkflow:property name="formUiSchemaFilename" value={quoteattr(ui_form)}/>'
    return f"<bpmn:extensionElements><spiffworkflow:properties>{items}</spiffworkflow:properties></bpmn:extensionElements>"


@dataclass
class Node:
    id: str
    xml: str
    lane: str | None = None


@dataclass
class ProcessBuilder:
    process_id: str
    name: str = ""
    nodes: list[Node] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    _incoming: dict[str, list[str]] = field(default_factory=dict)
    _outgoing: dict[str, list[str]] = field(default_factory=dict)
    root_elements: list[str] = field(default_factory=list)

    def _add(
        self, node_id: str, tag: str, attrs: str, body: str = "", lane: str | None = None, head: str = ""
    ) -> str:
        """`head` (extension elements) precedes the flows and `body` (a script) follows them, as the
        BPMN schema orders them."""
        xml = f"<bpmn:{tag} id={quoteattr(node_id)} {attrs}>{head}{{io}}{body}</bpmn:{tag}>"
        self.nodes.append(Node(node_id, xml, lane))
        return node_id

    def start(self, node_id: str = "start", lane: str | None = None, form: str | None = None,
              ui_form: str | None = None) -> str:
        return self._add(node_id, "startEvent", "", lane=lane, head=_form_properties(form, ui_form))

    def end(self, node_id: str = "end") -> str:
        return self._add(node_id, "endEvent", "")

    def user_task(
        self, node_id: str, name: str = "", lane: str | None = None, form: str | None = None,
        ui_form: str | None = None, instructions: str | None = None,
    ) -> str:
        props = ""
        if form or ui_form or instructions:
            items = ""
            if form:
                items += f'<spiffworkflow:property name="formJsonSchemaFilename" value={quoteattr(form)}/>'
            if ui_form:
                items += f'<spiffworkflow:property name="formUiSchemaFilename" value={quoteattr(ui_form)}/>'
            props = f"<spiffworkflow:properties>{items}</spiffworkflow:properties>" if items else ""
            if instructions:
                props += f"<spiffworkflow:instructionsForEndUser>{escape(instructions)}</spiffworkflow:instructionsForEndUser>"
            props = f"<bpmn:extensionElements>{props}</bpmn:extensionElements>"
        return self._add(node_id, "userTask", f"name={quoteattr(name or node_id)}", lane=lane, head=props)

    def script_task(self, node_id: str, script: str, lane: str | None = None) -> str:
        body = f"<bpmn:script>{escape(script)}</bpmn:script>"
        return self._add(node_id, "scriptTask", 'scriptFormat="python"', body, lane)

    # --- events and service tasks ------------------------------------------------------------

    @staticmethod
    def _timer(kind: str, expression: str) -> str:
        return f"<bpmn:timerEventDefinition><bpmn:{kind}>{escape(expression)}</bpmn:{kind}></bpmn:timerEventDefinition>"

    def timer_catch(self, node_id: str, expression: str, kind: str = "timeDuration") -> str:
        """An intermediate timer; `expression` is Python, e.g. `"PT48H"` (quoted) or `working_days(3)`."""
        return self._add(node_id, "intermediateCatchEvent", "", self._timer(kind, expression))

    def boundary_timer(
        self, node_id: str, attached_to: str, expression: str, kind: str = "timeDuration", interrupting: bool = True
    ) -> str:
        attrs = f"attachedToRef={quoteattr(attached_to)} cancelActivity={quoteattr(str(interrupting).lower())}"
        return self._add(node_id, "boundaryEvent", attrs, self._timer(kind, expression))

    def message(self, message_id: str, name: str, correlation: dict[str, str] | None = None) -> None:
        """A message and its correlation properties: property id → retrieval expression."""
        self.root_elements.append(f"<bpmn:message id={quoteattr(message_id)} name={quoteattr(name)}/>")
        for prop, expression in (correlation or {}).items():
            self.root_elements.append(
                f"<bpmn:correlationProperty id={quoteattr(prop)} name={quoteattr(prop)}>"
                f"<bpmn:correlationPropertyRetrievalExpression messageRef={quoteattr(message_id)}>"
                f"<bpmn:formalExpression>{escape(expression)}</bpmn:formalExpression>"
                f"</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>"
            )

    @staticmethod
    def _message_definition(message_id: str, payload: str | None = None, variable: str | None = None) -> str:
        ext = ""
        if payload:
            ext += f"<spiffworkflow:messagePayload>{escape(payload)}</spiffworkflow:messagePayload>"
        if variable:
            ext += f"<spiffworkflow:messageVariable>{escape(variable)}</spiffworkflow:messageVariable>"
        ext = f"<bpmn:extensionElements>{ext}</bpmn:extensionElements>" if ext else ""
        return f"<bpmn:messageEventDefinition messageRef={quoteattr(message_id)}>{ext}</bpmn:messageEventDefinition>"

    def message_catch(self, node_id: str, message_id: str, variable: str = "message") -> str:
        return self._add(node_id, "intermediateCatchEvent", "", self._message_definition(message_id, variable=variable))

    def message_throw(self, node_id: str, message_id: str, payload: str) -> str:
        return self._add(node_id, "intermediateThrowEvent", "", self._message_definition(message_id, payload=payload))

    def message_start(self, node_id: str, message_id: str, variable: str = "message") -> str:
        return self._add(node_id, "startEvent", "", self._message_definition(message_id, variable=variable))

    def service_task(self, node_id: str, operation: str, params: dict[str, str] | None = None, result: str = "result") -> str:
        items = "".join(
            f'<spiffworkflow:parameter id={quoteattr(name)} type="any" value={quoteattr(expression)}/>'
            for name, expression in (params or {}).items()
        )
        head = (
            f"<bpmn:extensionElements><spiffworkflow:serviceTaskOperator id={quoteattr(operation)} "
            f"resultVariable={quoteattr(result)}><spiffworkflow:parameters>{items}</spiffworkflow:parameters>"
            f"</spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
        )
        return self._add(node_id, "serviceTask", "", head=head)

    def call_activity(self, node_id: str, called_element: str) -> str:
        return self._add(node_id, "callActivity", f"calledElement={quoteattr(called_element)}")

    def multi_instance_script(self, node_id: str, script: str, cardinality: str, sequential: bool = False) -> str:
        """A script task run `cardinality` times (a Python expression, e.g. `3` or `count`)."""
        loop = (
            f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">'
            f"<bpmn:loopCardinality>{escape(cardinality)}</bpmn:loopCardinality>"
            f"</bpmn:multiInstanceLoopCharacteristics>"
        )
        return self._add(node_id, "scriptTask", 'scriptFormat="python"', loop + f"<bpmn:script>{escape(script)}</bpmn:script>")

    def exclusive(self, node_id: str, default: str | None = None) -> str:
        attrs = f"default={quoteattr(default)}" if default else ""
        return self._add(node_id, "exclusiveGateway", attrs)

    def parallel(self, node_id: str) -> str:
        return self._add(node_id, "parallelGateway", "")

    def flow(self, source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
        flow_id = flow_id or f"flow_{source}_{target}"
        cond = ""
        if condition is not None:
            cond = f'<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>'
        self.flows.append(
            f"<bpmn:sequenceFlow id={quoteattr(flow_id)} sourceRef={quoteattr(source)} "
            f"targetRef={quoteattr(target)}>{cond}</bpmn:sequenceFlow>"
        )
        self._outgoing.setdefault(source, []).append(flow_id)
        self._incoming.setdefault(target, []).append(flow_id)
        return flow_id

    def chain(self, *node_ids: str) -> None:
        for source, target in zip(node_ids, node_ids[1:], strict=False):
            self.flow(source, target)

    def process_xml(self) -> str:
        lanes: dict[str, list[str]] = {}
        for node in self.nodes:
            if node.lane:
                lanes.setdefault(node.lane, []).append(node.id)
        lane_xml = ""
        if lanes:
            inner = "".join(
                f'<bpmn:lane id="lane_{i}" name={quoteattr(lane)}>'
                + "".join(f"<bpmn:flowNodeRef>{nid}</bpmn:flowNodeRef>" for nid in ids)
                + "</bpmn:lane>"
                for i, (lane, ids) in enumerate(lanes.items())
            )
            lane_xml = f'<bpmn:laneSet id="laneset_{self.process_id}">{inner}</bpmn:laneSet>'
        nodes = []
        for node in self.nodes:
            io = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in self._incoming.get(node.id, []))
            io += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in self._outgoing.get(node.id, []))
            nodes.append(node.xml.replace("{io}", io, 1))
        return (
            f'<bpmn:process id={quoteattr(self.process_id)} name={quoteattr(self.name or self.process_id)} '
            f'isExecutable="true">{lane_xml}{"".join(nodes)}{"".join(self.flows)}</bpmn:process>'
        )

    def xml(self) -> str:
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} '
            f'id="defs_{self.process_id}">{"".join(self.root_elements)}{self.process_xml()}</bpmn:definitions>\n'
        )


def linear_process(process_id: str = "linear", tasks: int = 10, lane: str | None = "Clerk") -> str:
    """Start → N user tasks in one lane → end."""
    p = ProcessBuilder(process_id, name=f"Linear {tasks}")
    ids = [p.start()] + [p.user_task(f"task_{i}", f"Task {i}", lane=lane) for i in range(1, tasks + 1)]
    ids.append(p.end())
    p.chain(*ids)
    return p.xml()


def hour_timer_process(process_id: str = "tick") -> str:
    """start → timer "PT1H" → user task → end: an instance that waits for one timer."""
    p = ProcessBuilder(process_id, name="One-hour timer")
    p.start()
    p.timer_catch("wait", '"PT1H"')
    p.user_task("after", "After the hour", lane="Clerk")
    p.end()
    p.chain("start", "wait", "after", "end")
    return p.xml()


def gateway_process(process_id: str = "gateway", lane: str | None = "Clerk") -> str:
    """An exclusive choice on the first task's `decision`, then a parallel pair of tasks.

    Five user tasks are completed on either branch: review, (approve | reject), two parallel
    checks, and a final sign-off.
    """
    p = ProcessBuilder(process_id, name="Gateway process")
    p.start()
    p.user_task("review", "Review", lane=lane)
    p.exclusive("decide", default="flow_decide_reject")
    p.user_task("approve", "Approve", lane=lane)
    p.user_task("reject", "Reject", lane=lane)
    p.exclusive("merge")
    p.parallel("fork")
    p.user_task("check_a", "Check A", lane=lane)
    p.user_task("check_b", "Check B", lane=lane)
    p.parallel("join")
    p.user_task("sign", "Sign off", lane=lane)
    p.end()
    p.chain("start", "review", "decide")
    p.flow("decide", "approve", condition="decision == 'approve'")
    p.flow("decide", "reject", flow_id="flow_decide_reject")
    p.chain("approve", "merge")
    p.chain("reject", "merge")
    p.chain("merge", "fork")
    p.flow("fork", "check_a")
    p.flow("fork", "check_b")
    p.flow("check_a", "join")
    p.flow("check_b", "join")
    p.chain("join", "sign", "end")
    return p.xml()
