"""Restricted evaluation of the Python in BPMN and DMN models (scripts, conditions, timers, cells).

Walls, each meant to hold on its own:
1. `policy` — static check of the syntax tree (at deployment and before every run): no imports
   beyond helper modules, no `_` names or attributes, no frame/format attributes, no dangerous
   builtins by name, no classes, generators, `global`, `with`, async.
2. `namespace` — the code sees only a short list of builtins and frozen helper namespaces.
3. `worker` + `pool` — anything but a provably bounded expression runs in a separate, pre-started
   interpreter with an audit hook refusing file, import, process, network and frame-introspection
   events, no free file descriptors, capped address space and a kernel-enforced CPU budget; the
   parent adds a wall-clock deadline and reads results back as plain JSON, never pickle.
4. `fast_path` — expressions without calls, loops or size-multiplying operators run in-process.
"""

from engine.sandbox.policy import Problem, check_expression, check_script
from engine.sandbox.sandbox import Sandbox
from engine.sandbox.settings import SandboxSettings

__all__ = ["Problem", "Sandbox", "SandboxSettings", "check_expression", "check_script"]
