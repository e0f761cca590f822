"""engine/, solvers/, anonymiser/ and documents/ know nothing of Flask or the web app; solvers/, anonymiser/
and documents/ know nothing of the engine."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "engine": {"flask", "flask_smorest", "flask_sqlalchemy", "flask_migrate", "flask_babel", "webapp", "werkzeug", "solvers"},
    "solvers": {"flask", "flask_smorest", "flask_sqlalchemy", "webapp", "engine", "werkzeug", "sqlalchemy"},
    "anonymiser": {"flask", "flask_smorest", "flask_sqlalchemy", "flask_babel", "webapp", "engine", "werkzeug",
                   "sqlalchemy", "solvers"},
    # Rendering and sealing documents: bytes in, bytes out; storing them is the web app's.
    "documents": {"flask", "flask_smorest", "flask_sqlalchemy", "webapp", "engine", "werkzeug", "sqlalchemy", "solvers"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upper_layers(package):
    violations = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {file: names for file, names in violations.items() if names} == {}
