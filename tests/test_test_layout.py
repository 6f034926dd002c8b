"""Test packages share fixtures and helpers only through ``tests.fixtures`` (pytest plugins), never by importing
another test module; ``tests.servers`` is shared with the benchmarks."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent
SHARED = ("tests", "tests.servers")


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_test_modules_import_helpers_only_from_tests_fixtures():
    wrong = {f"{path.relative_to(TESTS)}: {module}"
             for path in TESTS.rglob("*.py") for module in _imported_modules(path)
             if module.split(".")[0] == "tests" and module not in SHARED and not module.startswith("tests.fixtures")}
    assert not wrong, sorted(wrong)
