"""No helper is written twice in the assignments' tests: a shared one lives in the kit.

Every module-level function of ``solutions/*/tests/**/*.py`` that is not a test (helpers and
fixtures) is read with ``ast``; two with the same body, once the names of their arguments and
locals are numbered in order of appearance and docstrings dropped, are a copy. A public test
cannot import from a hidden one (the release drops hidden files), so what both need goes into
``autograder.authoring`` or a topic's oracle (``autograder.topics.<topic>.oracle``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

KIT = Path(__file__).resolve().parents[2]


class _Locals(ast.NodeTransformer):
    """Renames arguments and assigned names to ``_0``, ``_1``, ... in order of appearance."""

    def __init__(self, local: set[str]) -> None:
        self.local, self.numbers = local, {}

    def _number(self, name: str) -> str:
        return self.numbers.setdefault(name, f"_{len(self.numbers)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.local:
            node.id = self._number(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._number(node.arg)
        node.annotation = None
        return node


def _normalised(func: ast.FunctionDef) -> str:
    """The body of ``func`` with locals numbered and no docstring, as ``ast.dump`` text."""
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    local = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            local.add(node.id)
    renamer = _Locals(local)
    args = renamer.visit(ast.parse(ast.unparse(func.args).join(["def f(", "): pass"])))
    code = [renamer.visit(ast.parse(ast.unparse(stmt))) for stmt in body]
    return ast.dump(args.body[0].args) + "".join(ast.dump(c) for c in code)


def copied_helpers(files: list[Path]) -> list[list[str]]:
    """Groups of helpers (``file:line name``) whose normalised bodies are the same."""
    seen: dict[str, list[str]] = defaultdict(list)
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("test_"):
                seen[_normalised(node)].append(f"{path}:{node.lineno} {node.name}")
    return [places for places in seen.values() if len(places) > 1]


def test_no_helper_is_written_twice_in_the_assignments_tests():
    files = sorted((KIT / "solutions").glob("*/tests/**/*.py"))
    assert len(files) > 40
    assert copied_helpers(files) == []


def test_the_check_finds_a_copy_under_other_names(tmp_path: Path):
    """It can fail: a renamed copy in another file is found, a different body is not."""
    (tmp_path / "test_a.py").write_text(
        "def batch(n, seed):\n    rng = make(seed)\n    return rng.normal(size=(n, 3))\n\n"
        "def test_x():\n    pass\n"
    )
    (tmp_path / "test_b.py").write_text(
        'def data(count, s):\n    """Docstring."""\n    gen = make(s)\n'
        "    return gen.normal(size=(count, 3))\n\n"
        "def other(count, s):\n    return make(s).normal(size=(count, 4))\n"
    )
    found = copied_helpers(sorted(tmp_path.glob("*.py")))
    assert [[p.split(" ")[-1] for p in group] for group in found] == [["batch", "data"]]
