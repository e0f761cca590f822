"""The add / remove buttons of a form's arrays, which submit the form (so they work without
JavaScript): the typed data comes back with one item more or less at the pointer the button names."""

from __future__ import annotations

import copy

MAX_ITEMS = 200


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _resolve(schema: dict, root: dict) -> dict:
    """Follow a local `$ref` (the only kind the engine accepts) to the schema it names."""
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/") and seen < 20:
        node = root
        for token in schema["$ref"][2:].split("/"):
            node = node.get(_unescape(token), {}) if isinstance(node, dict) else {}
        schema, seen = node, seen + 1
    return schema if isinstance(schema, dict) else {}


def _locate(data: dict, schema: dict, pointer: str) -> tuple[list, dict] | None:
    """The list at `pointer` in `data` (created empty if missing) and the schema of its items."""
    tokens = [_unescape(t) for t in pointer.split("/")[1:]] if pointer else []
    if not tokens:
        return None
    node, node_schema, root = data, _resolve(schema, schema), schema
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        if isinstance(node, dict):
            child_schema = _resolve((node_schema.get("properties") or {}).get(token, {}), root)
            if last:
                if not isinstance(node.get(token), list):
                    node[token] = []
                return node[token], _resolve(child_schema.get("items") or {}, root)
            if not isinstance(node.get(token), (dict, list)):
                node[token] = [] if child_schema.get("type") == "array" else {}
            node, node_schema = node[token], child_schema
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                return None
            child_schema = _resolve(node_schema.get("items") or {}, root)
            if last:
                return None
            node, node_schema = node[int(token)], child_schema
        else:
            return None
    return None


def apply(data: dict, schema: dict, action: tuple) -> dict:
    """A copy of `data` with the array action applied; an action naming nothing changes nothing."""
    changed = copy.deepcopy(data)
    located = _locate(changed, schema, action[1])
    if located is None:
        return changed
    items, item_schema = located
    if action[0] == "add" and len(items) < MAX_ITEMS:
        items.append({} if item_schema.get("type") == "object" or "properties" in item_schema else None)
    elif action[0] == "remove" and 0 <= action[2] < len(items):
        del items[action[2]]
    return changed
