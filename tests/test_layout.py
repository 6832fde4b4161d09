"""The engine's import graph runs one way: no cycle, no import hidden in a function, layers.

Each module's ``autograder`` imports are read from its source (``ast``), so the check needs no
import of the package and sees every module, also those no test imports.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).resolve().parent

# Lowest first: a module may import from its own layer and the ones below, never above. A pattern
# covers a module and its submodules, ``*`` one dotted name; the longest matching pattern decides.
# A topic folder's files sit in three layers: its data reader, its probe (run in the worker) and
# its oracle (imported by tests).
TOPIC_ROLES = ("data", "probe", "oracle")
LAYERS = [
    ("autograder.assignment", "autograder.data", "autograder.topics", "autograder.topics.*.data"),
    ("autograder.runtime", "autograder.topics.*.probe"),
    ("autograder.authoring", "autograder.topics.*.oracle"),
    ("autograder.release",),
    ("autograder.grading",),
    ("autograder.mutation",),
    ("autograder.classroom",),
    ("autograder.integrations",),
    ("autograder.cli",),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str, imported: str | None) -> str:
    """The module an import refers to: ``from a.b import c`` is ``a.b.c`` when that is a module."""
    if imported and f"{name}.{imported}" in MODULES:
        return f"{name}.{imported}"
    return name


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, at top level) for every ``autograder`` import of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            nested |= {id(n) for n in ast.walk(node) if n is not node}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            targets = [_target(node.module, a.name) for a in node.names]
        else:
            continue
        for target in targets:
            if target == "autograder" or target.startswith("autograder."):
                found.append((target, node.lineno, id(node) not in nested))
    return found


GRAPH = {
    name: sorted({t for t, _, _ in _imports(path) if t in MODULES and t != name})
    for name, path in MODULES.items()
}


def _covers(pattern: str, module: str) -> bool:
    """``pattern`` names ``module`` or a package above it, dotted name by dotted name."""
    want, parts = pattern.split("."), module.split(".")
    return len(parts) >= len(want) and all(map(fnmatchcase, parts, want))


def _layer(module: str) -> int | None:
    found = [
        (len(p.split(".")), level)
        for level, patterns in enumerate(LAYERS)
        for p in patterns
        if _covers(p, module)
    ]
    return max(found)[1] if found else None


def test_every_module_is_in_a_layer():
    assert [m for m in MODULES if m != "autograder" and _layer(m) is None] == []


def test_a_topic_holds_only_its_data_probe_and_oracle():
    """Anything else in a topic folder would fall into the data layer unseen: give it a role."""
    others = [
        m
        for m in MODULES
        if m.startswith("autograder.topics.")
        and len(m.split(".")) > 3
        and m.split(".")[3] not in TOPIC_ROLES
    ]
    assert others == []
    assert _layer("autograder.topics.recurrent.data.sst") == _layer("autograder.data.idx")
    assert _layer("autograder.topics.recurrent.probe") == _layer("autograder.runtime.worker")
    assert _layer("autograder.topics.recurrent.oracle") == _layer("autograder.authoring.checks")


def test_no_autograder_import_inside_a_function_or_class():
    hidden = [
        f"{name} line {line}: {target}"
        for name, path in MODULES.items()
        for target, line, top in _imports(path)
        if not top
    ]
    assert hidden == []


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in GRAPH.get(node, []):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(GRAPH):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_imports_go_down_the_layers_only():
    upward = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if name != "autograder" and (_layer(target) or 0) > (_layer(name) or 0)
    ]
    assert upward == []


def test_the_checks_see_a_cycle_and_an_upward_import(tmp_path: Path):
    """The checks can fail: a cycle and an upward import written here are found."""
    a = tmp_path / "a.py"
    a.write_text("from autograder.cli import main\n\ndef f():\n    import autograder.grading\n")
    found = _imports(a)
    assert ("autograder.cli", 1, True) in found and ("autograder.grading", 4, False) in found
    GRAPH["autograder.data.idx"].append("autograder.cli")
    GRAPH["autograder.cli"].append("autograder.data.idx")
    try:
        assert _layer("autograder.cli") > _layer("autograder.data.idx")
        try:
            test_the_import_graph_has_no_cycle()
        except AssertionError:
            pass
        else:
            raise AssertionError("a cycle went unseen")
    finally:
        GRAPH["autograder.data.idx"].remove("autograder.cli")
        GRAPH["autograder.cli"].remove("autograder.data.idx")


def _readme_layers() -> list[str]:
    """The ``where`` column of README's engine table, one cell a layer, lowest first."""
    text = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    table = text.split("The engine's layout", 1)[1].split("\n\n| layer |", 1)[1].split("\n\n")[0]
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| ")]
    return [cells[2] for cells in rows if cells[1].strip().isdigit()]


def test_the_readmes_engine_table_names_each_layer_as_the_layout_rule_does():
    """README's table and LAYERS agree: same number of layers, and each layer's cell names every
    subpackage or module placed in it (``autograder.topics.*.probe`` as ``topics/*/probe``)."""
    cells = _readme_layers()
    assert len(cells) == len(LAYERS)
    for level, (cell, prefixes) in enumerate(zip(cells, LAYERS, strict=True)):
        for prefix in prefixes:
            if prefix == "autograder.topics":  # the folder's own __init__, named with its parts
                continue
            where = prefix.removeprefix("autograder.").replace(".", "/")
            named = {where, where + "/", where + ".py"}
            assert any(f"`{n}" in cell for n in named), f"layer {level}: README omits {where}"
