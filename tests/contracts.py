"""An import-linter contract for what grimp's import graph alone cannot say: the boundary of a domain.

A domain (a sub-package of ``ecabinet``, its own sub-packages included) is used from outside only through its
public modules: its pages, API, forms and Socket.IO handlers are its own, and so are its private names
(``_name``) and private modules. The ``shared`` packages (core) are no domain: all of them is public. Only the
application's top (``create_app``, the scheduler, the server) may
reach its pages and handlers, to register them. Named in ``[tool.importlinter]`` of ``pyproject.toml``.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output


@dataclass(frozen=True, order=True)
class Breach:
    importer: str
    line: int
    what: str


class DomainBoundariesContract(Contract):
    type_name = "domain_boundaries"

    root = fields.ModuleField()
    top = fields.ListField(subfield=fields.ModuleField())
    shared = fields.ListField(subfield=fields.ModuleField())
    entry_points = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        breaches = sorted(self._entry_point_breaches(graph) | self._private_name_breaches(graph))
        return ContractCheck(kept=not breaches, metadata={"breaches": breaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for breach in check.metadata["breaches"]:
            output.print_error(f"{breach.importer}:{breach.line} uses {breach.what}", bold=False)

    def _domain(self, module: str) -> str | None:
        parts = module.split(".")
        root = self.root.name  # type: ignore[attr-defined]
        if parts[0] != root or len(parts) < 2:
            return None
        domain = ".".join(parts[:2])
        return None if domain in {m.name for m in self.shared} else domain  # type: ignore[attr-defined]

    def _is_top(self, module: str) -> bool:
        return module in {m.name for m in self.top}  # type: ignore[attr-defined]

    def _entry_point_breaches(self, graph: grimp.ImportGraph) -> set[Breach]:
        entry_points = set(self.entry_points)  # type: ignore[arg-type]
        breaches = set()
        for importer in graph.modules:
            if self._is_top(importer) or self._domain(importer) is None:
                continue
            for imported in graph.find_modules_directly_imported_by(importer):
                domain = self._domain(imported)
                if domain is None or domain == self._domain(importer):
                    continue
                inner = imported.removeprefix(domain).split(".")
                if any(part in entry_points or _private(part) for part in inner):
                    for detail in graph.get_import_details(importer=importer, imported=imported):
                        breaches.add(Breach(importer, detail["line_number"], imported))
        return breaches

    def _private_name_breaches(self, graph: grimp.ImportGraph) -> set[Breach]:
        breaches = set()
        for module in graph.modules:
            if self._is_top(module) or self._domain(module) is None:
                continue
            spec = importlib.util.find_spec(module)
            if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
                continue
            with open(spec.origin, encoding="utf-8") as source:
                tree = ast.parse(source.read(), spec.origin)
            breaches |= self._private_names_in(module, tree, graph)
        return breaches

    def _private_names_in(self, module: str, tree: ast.AST, graph: grimp.ImportGraph) -> set[Breach]:
        """``from other.domain.module import _name`` and ``other_module._name`` for a module bound by an import."""
        own = self._domain(module)
        foreign_aliases: dict[str, str] = {}
        breaches = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if self._domain(node.module) in (None, own):
                    continue
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in graph.modules:
                        foreign_aliases[alias.asname or alias.name] = full
                    elif _private(alias.name):
                        breaches.add(Breach(module, node.lineno, full))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and self._domain(alias.name) not in (None, own):
                        foreign_aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in foreign_aliases and _private(node.attr)):
                breaches.add(Breach(module, node.lineno, f"{foreign_aliases[node.value.id]}.{node.attr}"))
        return breaches


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")
