"""What differs between two versions of a process: its elements (added, removed, changed, by
SpiffWorkflow's spec alignment, `SpiffWorkflow.bpmn.util.diff`) and its forms and decision tables.

Only elements drawn in the model are reported: the library's own helper specs (the root, the
boundary-event splits) have no BPMN id and would only repeat what their element's change says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import SpecDiff

from engine.serialization import SERIALIZER


def element_kind(task_spec) -> str:
    """The element's BPMN kind as the engine runs it: its spec class, and for an event the kind of
    its event (a timer catch is not a message catch)."""
    kind = type(task_spec).__name__
    event = getattr(task_spec, "event_definition", None)
    if event is not None:
        inner = getattr(event, "event_definitions", None)
        names = sorted(type(e).__name__ for e in inner) if inner else [type(event).__name__]
        kind = f"{kind}:{'+'.join(names)}"
    return kind


def _element(process: str, spec, attributes: list[str] | None = None) -> dict:
    shown = {"process": process, "id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id, "kind": element_kind(spec)}
    if attributes is not None:
        shown["attributes"] = sorted(attributes)
    return shown


def _drawn(spec) -> bool:
    return getattr(spec, "bpmn_id", None) is not None


@dataclass
class VersionDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    files: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"elements": {"added": self.added, "removed": self.removed, "changed": self.changed}, **self.files}


class _SpecRegistry:
    """The serializer's registry, also for the engine's guarded subclasses of task specs
    (engine.spec_guards: `BoundedSubWorkflowTask` …): the state never stores a spec, so they have
    no converter of their own; their library base class's converter describes them."""

    def __init__(self, registry) -> None:
        self._registry = registry

    def convert(self, obj):
        registry = self._registry
        if type(obj) not in registry.typenames:
            for base in type(obj).__mro__[1:]:
                typename = registry.typenames.get(base)
                if typename in registry.convert_to_dict:
                    return registry.convert_to_dict[typename](obj)
        return registry.convert(obj)


_REGISTRY = _SpecRegistry(SERIALIZER.registry)


def spec_changes(old_spec, new_spec) -> SpecDiff:
    return SpecDiff(_REGISTRY, old_spec, new_spec)


def _add_spec_diff(result: VersionDiff, process: str, old_spec, new_spec) -> None:
    diff = spec_changes(old_spec, new_spec)
    result.added += [_element(process, s) for s in diff.added if _drawn(s)]
    result.removed += [_element(process, s) for s in diff.removed if _drawn(s)]
    for old, attributes in diff.changed.items():
        new = diff.alignment.get(old)
        if new is not None:
            attributes = _really_changed(old, new, attributes)
        if _drawn(old) and attributes:
            # An element aligned under another id (renamed) is reported with its new id.
            result.changed.append(_element(process, new if new is not None else old, attributes)
                                  | ({"was": old.bpmn_id} if new is not None and new.bpmn_id != old.bpmn_id else {}))


def changed_by_name(diff: SpecDiff) -> dict[str, list[str]]:
    """The changed attributes of each aligned element, by the element's id in the old version."""
    changed = {}
    for old, attributes in diff.changed.items():
        new = diff.alignment.get(old)
        attributes = _really_changed(old, new, attributes) if new is not None else attributes
        if attributes:
            changed[old.name] = sorted(attributes)
    return changed


def _really_changed(old, new, attributes: list[str]) -> list[str]:
    """Leave out what differs only by repetition: a model parsed beside others that declare the
    same message lists its correlation properties once per declaration."""
    if attributes == ["typename"]:
        return attributes
    before, after = _REGISTRY.convert(old), _REGISTRY.convert(new)
    return [name for name in attributes if _unique(before.get(name)) != _unique(after.get(name))]


def _unique(value):
    if isinstance(value, dict):
        return {key: _unique(item) for key, item in value.items()}
    if isinstance(value, list):
        seen, kept = set(), []
        for item in value:
            normal = _unique(item)
            key = json.dumps(normal, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                kept.append(normal)
        return kept
    return value


def diff_versions(old_spec, old_subprocesses: dict, old_files: dict[str, str],
                  new_spec, new_subprocesses: dict, new_files: dict[str, str]) -> VersionDiff:
    """The difference from the old version to the new, the main process first, then each
    subprocess (call activities and embedded subprocesses) by name."""
    result = VersionDiff()
    _add_spec_diff(result, new_spec.name, old_spec, new_spec)
    for name in sorted(set(old_subprocesses) | set(new_subprocesses)):
        old, new = old_subprocesses.get(name), new_subprocesses.get(name)
        if old is not None and new is not None:
            _add_spec_diff(result, name, old, new)
        elif new is not None:
            result.added += [_element(name, s) for s in new.task_specs.values() if _drawn(s)]
        else:
            result.removed += [_element(name, s) for s in old.task_specs.values() if _drawn(s)]
    result.files = {
        "forms": file_changes(old_files, new_files, ".json"),
        "decisions": file_changes(old_files, new_files, ".dmn"),
    }
    return result


def file_changes(old: dict[str, str], new: dict[str, str], suffix: str) -> dict[str, list[str]]:
    """Files of one kind added, removed or changed; a form only reformatted is not a change."""
    def pick(files: dict[str, str]) -> dict[str, str]:
        return {name: text for name, text in files.items() if name.lower().endswith(suffix)}

    old, new = pick(old), pick(new)
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": sorted(name for name in set(old) & set(new) if not _same(old[name], new[name], suffix)),
    }


def _same(old: str, new: str, suffix: str) -> bool:
    if old == new:
        return True
    if suffix == ".json":
        try:
            return json.loads(old) == json.loads(new)
        except (ValueError, RecursionError):
            return False
    return False
