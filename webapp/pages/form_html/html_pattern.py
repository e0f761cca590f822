"""A form's `pattern` as an HTML `pattern` attribute, or None when it cannot be written as one.

Browsers compile the attribute as `^(?:…)$` with the `v` flag, which is stricter than the Python
and JSON Schema dialects: inside a character class `-` at an edge and `( ) [ { } / |` must be
escaped, and an escape must be of a syntax character or a known class. A pattern is rewritten
where that is safe and left out otherwise: the attribute only helps the person early, the engine's
validator checks every value on the server anyway.
"""

from __future__ import annotations

_SYNTAX = set("^$\\.*+?()[]{}|/")
_CLASS_ESCAPES = set("dDwWsSbBnrtfv")
_CLASS_SYNTAX = set("()[{}/|")
_DOUBLED = ("&&", "!!", "##", "$$", "%%", "**", "++", ",,", "..", "::", ";;", "<<", "==", ">>", "??", "@@",
            "^^", "``", "~~")


def html_pattern(pattern: str) -> str | None:
    rewritten = _rewrite(pattern)
    if rewritten is None:
        return None
    # HTML anchors at both ends; JSON Schema does not, so an unanchored pattern may match anywhere.
    if rewritten.startswith("^") and rewritten.endswith("$") and not rewritten.endswith("\\$"):
        return rewritten
    return f".*(?:{rewritten}).*"


def _rewrite(pattern: str) -> str | None:
    out: list[str] = []
    i, in_class, class_start = 0, False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 >= len(pattern):
                return None
            nxt = pattern[i + 1]
            if not (nxt in _SYNTAX or nxt in _CLASS_ESCAPES or nxt == "-" and in_class):
                return None
            out.append(c + nxt)
            i += 2
            continue
        if in_class:
            body = "".join(out[class_start:])
            if c == "]":
                if any(d in body for d in _DOUBLED):
                    return None
                in_class = False
                out.append(c)
            elif c == "-" and (not body or body == "^" or pattern[i + 1:i + 2] == "]"):
                out.append("\\-")
            elif c in _CLASS_SYNTAX:
                out.append("\\" + c)
            else:
                out.append(c)
        else:
            if c == "[":
                in_class = True
                out.append(c)
                class_start = len(out)
            else:
                out.append(c)
        i += 1
    return None if in_class else "".join(out)
