"""Command line: ``python -m solvers <kind> INPUT.json`` and ``python -m solvers check ...``.

Exit codes: 0 success (or a valid result), 1 the checker found violations, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from solvers.errors import SolverInputError

KINDS = {"legal-aid": "solvers.legal_aid", "roster": "solvers.roster", "hearings": "solvers.hearings"}
_BUDGET = "budget in seconds of work, deterministic (default 30); the wall clock stops the search only at 3x + 5 s"
TIME_LIMIT_HELP = {"legal-aid": "ignored: legal aid is solved exactly in milliseconds",
                   "roster": _BUDGET, "hearings": _BUDGET}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.kind == "check":
            return _check(args.check_kind, args.input, args.result)
        module = importlib.import_module(KINDS[args.kind])
        problem = module.parse_problem(_load(args.input, "input"))
        kwargs = {} if args.time_limit is None else {"time_limit": args.time_limit}
        result = module.solve(problem, **kwargs)
    except SolverInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    return 0


def _check(kind: str, input_path: str, result_path: str) -> int:
    module = importlib.import_module(KINDS[kind])
    problem = module.parse_problem(_load(input_path, "input"))
    result = _load(result_path, "result")
    if not isinstance(result, dict):
        raise SolverInputError("result", "must be a JSON object")
    violations = module.check(problem, result)
    for violation in violations:
        print(violation)
    if not violations:
        print("valid")
    return 1 if violations else 0


def _load(path: str, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise SolverInputError(what, f"cannot read {path}: {error.strerror}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SolverInputError(what, f"{path} is not valid JSON ({error})") from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m solvers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="kind", required=True)
    for kind in KINDS:
        command = sub.add_parser(kind, help=f"solve a {kind} problem and print the result as JSON")
        command.add_argument("input", help="problem JSON file")
        command.add_argument("--time-limit", type=_positive, default=None, help=TIME_LIMIT_HELP[kind])
    check = sub.add_parser("check", help="check a result against its problem")
    check.add_argument("check_kind", choices=sorted(KINDS))
    check.add_argument("input")
    check.add_argument("result")
    return parser


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value
