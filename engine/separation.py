"""Four eyes inside a process: a user task may name the tasks whose performer must not do it.

`<spiffworkflow:property name="separateFrom" value="review_text, check_names"/>` on a user task
means: whoever completed any of those tasks in this case may not claim, be assigned or complete
this one (a second person approves what the first prepared). Admins are held to it too: the
rule is about the person, not the permission. Element ids are checked at deployment: each must
be a user task of the same process, else the rule would silently never apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.errors import N_
from engine.problems import Problem

PROPERTY = "separateFrom"


def separated_from(task_spec: Any) -> frozenset[str]:
    """The element ids named by the task's `separateFrom` property (empty without one)."""
    props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    value = props.get(PROPERTY)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def problems(file_name: str | None, element: str, line: int | None, task_spec: Any,
             user_tasks: frozenset[str]) -> Iterator[Problem]:
    """`separateFrom` naming anything but another user task of the process is refused."""
    for named in sorted(separated_from(task_spec)):
        if named == element:
            yield Problem.of(file_name, element, line, N_("separateFrom names the task itself (%(named)r)"), named=named)
        elif named not in user_tasks:
            yield Problem.of(file_name, element, line,
                             N_("separateFrom names %(named)r, which is not a user task of this process"), named=named)
