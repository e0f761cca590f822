"""Draw a BPMN model's diagram as SVG from the file's own diagram interchange (BPMNDI).

Only what the file says is drawn: each BPMNShape's bounds, each BPMNEdge's waypoints and each
label's bounds; the element kind (task, event, gateway, ...) picks the symbol. Nothing is laid
out here, so the picture is the one the modeller drew, and the same file always gives the same SVG
(a test keeps docs/processes/<process>.svg equal to it).

    python docs/bpmn_svg.py bpmn/investigation.bpmn > docs/processes/investigation.svg
    python docs/bpmn_svg.py --all bpmn docs/processes     # `make diagrams`
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
TASKS = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
         "receiveTask", "callActivity", "subProcess"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway": "×", "parallelGateway": "+", "inclusiveGateway": "○", "eventBasedGateway": "⬠"}
TASK_MARK = {"userTask": "user", "scriptTask": "script", "serviceTask": "service", "manualTask": "manual",
             "businessRuleTask": "rule", "sendTask": "send", "receiveTask": "receive", "callActivity": "call"}
FONT = 'font-family="Helvetica, Arial, sans-serif"'
MARGIN = 10


def _local(element) -> str:
    return etree.QName(element).localname


def _num(value: str | None) -> float:
    return float(value or 0)


def _bounds(element) -> tuple[float, float, float, float] | None:
    box = element.find("dc:Bounds", NS)
    if box is None:
        return None
    return _num(box.get("x")), _num(box.get("y")), _num(box.get("width")), _num(box.get("height"))


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text_lines(x: float, y: float, width: float, lines: list[str], size: int = 11) -> str:
    """Centred lines whose middle is at y."""
    first = y - (len(lines) - 1) * (size + 2) / 2 + size / 3
    out = []
    for i, line in enumerate(lines):
        out.append(f'<text x="{_fmt(x + width / 2)}" y="{_fmt(first + i * (size + 2))}" font-size="{size}" '
                   f'text-anchor="middle" {FONT}>{escape(line)}</text>')
    return "".join(out)


def _wrap(name: str, width: float, size: int = 11) -> list[str]:
    chars = max(6, int(width / (size * 0.55)))
    return textwrap.wrap(name, chars) or [""]


def _event_kinds(element) -> set[str]:
    return {_local(child)[: -len("EventDefinition")] for child in element
            if isinstance(child.tag, str) and _local(child).endswith("EventDefinition")}


def _event(element, kind: str, box) -> str:
    x, y, w, h = box
    cx, cy, r = x + w / 2, y + h / 2, min(w, h) / 2
    width = {"endEvent": 3.5, "startEvent": 1.5}.get(kind, 1.5)
    dash = ' stroke-dasharray="4 3"' if kind == "boundaryEvent" and element.get("cancelActivity") == "false" else ""
    out = f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r)}" fill="white" stroke="black" stroke-width="{width}"{dash}/>'
    if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
        out += f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r - 3)}" fill="none" stroke="black"{dash}/>'
    kinds = _event_kinds(element)
    thrown = kind in ("endEvent", "intermediateThrowEvent")
    if "terminate" in kinds:
        out += f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r - 7)}" fill="black"/>'
    if "timer" in kinds:
        out += (f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r - 7)}" fill="white" stroke="black"/>'
                f'<path d="M{_fmt(cx)} {_fmt(cy)} L{_fmt(cx)} {_fmt(cy - r + 9)} M{_fmt(cx)} {_fmt(cy)} '
                f'L{_fmt(cx + 5)} {_fmt(cy)}" stroke="black"/>')
    if "message" in kinds:
        ex, ey, ew, eh = cx - 8, cy - 5.5, 16, 11
        fill = "black" if thrown else "white"
        line = "white" if thrown else "black"
        out += (f'<rect x="{_fmt(ex)}" y="{_fmt(ey)}" width="{ew}" height="{eh}" fill="{fill}" stroke="black"/>'
                f'<path d="M{_fmt(ex)} {_fmt(ey)} L{_fmt(cx)} {_fmt(cy + 1)} L{_fmt(ex + ew)} {_fmt(ey)}" '
                f'fill="none" stroke="{line}"/>')
    if "error" in kinds:
        out += (f'<path d="M{_fmt(cx - 7)} {_fmt(cy + 7)} L{_fmt(cx - 3)} {_fmt(cy - 7)} L{_fmt(cx + 2)} {_fmt(cy + 2)} '
                f'L{_fmt(cx + 7)} {_fmt(cy - 7)}" fill="none" stroke="black" stroke-width="1.5"/>')
    return out


def _task(element, kind: str, box) -> str:
    x, y, w, h = box
    out = (f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" height="{_fmt(h)}" rx="10" fill="white" '
           f'stroke="black" stroke-width="{3 if kind == "callActivity" else 1.5}"/>')
    mark = TASK_MARK.get(kind)
    if mark:
        out += f'<text x="{_fmt(x + 5)}" y="{_fmt(y + 12)}" font-size="8" fill="#555" {FONT}>{mark}</text>'
    if kind == "subProcess":
        out += (f'<rect x="{_fmt(x + w / 2 - 7)}" y="{_fmt(y + h - 16)}" width="14" height="14" fill="white" stroke="black"/>'
                f'<path d="M{_fmt(x + w / 2 - 4)} {_fmt(y + h - 9)} H{_fmt(x + w / 2 + 4)} M{_fmt(x + w / 2)} '
                f'{_fmt(y + h - 13)} V{_fmt(y + h - 5)}" stroke="black"/>')
    return out + _text_lines(x, y + h / 2, w, _wrap(element.get("name") or "", w - 10))


def _gateway(kind: str, box) -> str:
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    points = f"{_fmt(cx)},{_fmt(y)} {_fmt(x + w)},{_fmt(cy)} {_fmt(cx)},{_fmt(y + h)} {_fmt(x)},{_fmt(cy)}"
    return (f'<polygon points="{points}" fill="white" stroke="black" stroke-width="1.5"/>'
            f'<text x="{_fmt(cx)}" y="{_fmt(cy + 7)}" font-size="20" text-anchor="middle" {FONT}>{GATEWAYS[kind]}</text>')


def _label(shape, element, fallback) -> str:
    name = element.get("name")
    if not name:
        return ""
    label = shape.find("bpmndi:BPMNLabel", NS)
    box = _bounds(label) if label is not None else None
    if box is None:
        x, y, w, h = fallback
        box = (x + w / 2 - 45, y + h + 4, 90, 27)
    x, y, w, h = box
    lines = _wrap(name, w, 10)
    return _text_lines(x, y + h / 2, w, lines, 10)


def _pool(element, kind: str, box) -> str:
    x, y, w, h = box
    label_x = x + 15
    name = escape(element.get("name") or "")
    return (f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" height="{_fmt(h)}" fill="none" stroke="black" '
            f'stroke-width="{1.5 if kind == "participant" else 1}"/>'
            f'<text transform="translate({_fmt(label_x)} {_fmt(y + h / 2)}) rotate(-90)" font-size="12" '
            f'text-anchor="middle" {FONT}>{name}</text>')


def render(bpmn: bytes) -> str:
    """The SVG of the first diagram (the process's own plane) of a BPMN document."""
    root = etree.fromstring(bpmn, etree.XMLParser(resolve_entities=False, no_network=True))
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    if plane is None:
        raise ValueError("the file has no diagram (BPMNDiagram/BPMNPlane)")
    back, front, edges, xs, ys = [], [], [], [], []
    for shape in plane.findall("bpmndi:BPMNShape", NS):
        element, box = by_id.get(shape.get("bpmnElement")), _bounds(shape)
        if element is None or box is None:
            continue
        kind = _local(element)
        xs += [box[0], box[0] + box[2]]
        ys += [box[1], box[1] + box[3] + 30]
        if kind in ("participant", "lane"):
            back.append(_pool(element, kind, box))
        elif kind in TASKS:
            front.append(_task(element, kind, box))
        elif kind in EVENTS:
            front.append(_event(element, kind, box) + _label(shape, element, box))
        elif kind in GATEWAYS:
            front.append(_gateway(kind, box) + _label(shape, element, box))
    for edge in plane.findall("bpmndi:BPMNEdge", NS):
        element = by_id.get(edge.get("bpmnElement"))
        points = [(_num(p.get("x")), _num(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        if element is None or len(points) < 2:
            continue
        xs += [p[0] for p in points]
        ys += [p[1] for p in points]
        path = " ".join(f"{'M' if i == 0 else 'L'}{_fmt(x)} {_fmt(y)}" for i, (x, y) in enumerate(points))
        dashed = ' stroke-dasharray="6 4"' if _local(element) == "messageFlow" else ""
        edges.append(f'<path d="{path}" fill="none" stroke="black" marker-end="url(#arrow)"{dashed}/>')
        label = edge.find("bpmndi:BPMNLabel", NS)
        if element.get("name") and label is not None and _bounds(label):
            x, y, w, h = _bounds(label)
            edges.append(_text_lines(x, y + h / 2, w, [element.get("name")], 10))
    left, top = min(xs, default=0) - MARGIN, min(ys, default=0) - MARGIN
    width, height = max(xs, default=0) - left + MARGIN, max(ys, default=0) - top + MARGIN
    title = quoteattr(root.find("bpmn:process", NS).get("name") or "") if root.find("bpmn:process", NS) is not None else '""'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_fmt(left)} {_fmt(top)} {_fmt(width)} {_fmt(height)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" role="img" aria-label={title}>\n'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>\n'
        f'<rect x="{_fmt(left)}" y="{_fmt(top)}" width="{_fmt(width)}" height="{_fmt(height)}" fill="white"/>\n'
        + "\n".join(back + edges + front) + "\n</svg>\n"
    )


def svg_path(bpmn_file: Path, out_dir: Path) -> Path:
    return out_dir / f"{bpmn_file.stem}.svg"


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--all":
        source, out_dir = Path(argv[1]), Path(argv[2])
        out_dir.mkdir(parents=True, exist_ok=True)
        for bpmn_file in sorted(source.glob("*.bpmn")):
            svg_path(bpmn_file, out_dir).write_text(render(bpmn_file.read_bytes()), encoding="utf-8")
            print(svg_path(bpmn_file, out_dir))
        return 0
    if len(argv) == 1 and Path(argv[0]).is_file():
        sys.stdout.write(render(Path(argv[0]).read_bytes()))
        return 0
    print("usage: bpmn_svg.py FILE.bpmn | --all BPMN_DIR OUT_DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
