"""Operator mutants of the solution regions of one module, made with ``ast``.

Each mutant changes one node inside a ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region and
rewrites only that node's text in the source, so its diff is one line or a few. The operators:

- ``binop``: an arithmetic operator swapped (``+``/``-``, ``*``/``/``, ``**`` to ``*``, ...);
- ``compare``: a comparison swapped (``>`` and ``>=`` exchanged, ``>`` and ``<``, ``==``/``!=``);
- ``constant``: 0 and 1 exchanged, any other number doubled, ``True``/``False`` exchanged;
- ``keyword``: an ``axis=`` changed (0 and 1, -1 to 0, ``None`` to 0) or ``keepdims=`` negated;
- ``delete``: a statement replaced by ``pass``;
- ``swap_args``: two neighbouring positional arguments of a call exchanged;
- ``drop_minus``: a unary minus dropped;
- ``drop_T``: a ``.T`` dropped;
- ``drop_kwarg``: one keyword argument of a call dropped (``keepdims=True``, ``dtype=...``,
  ``pad=1``, ``rng=rng``: the callee's default takes its place);
- ``kwarg_value``: a keyword's string value changed to its counterpart (``mode="max"`` to
  ``"min"``, ``padding="same"`` to ``"valid"``, ``reduction="mean"`` to ``"sum"``, ...);
- ``drop_conversion``: a conversion dropped, its argument kept (``float(x)``, ``int(x)``,
  ``np.asarray(x, ...)``, ``tf.cast(x, ...)``, ``torch.as_tensor(x)``, ``x.astype(...)``,
  ``x.numpy()``, ``x.item()``, ``x.float()``, ... become ``x``);
- ``flip_flag``: a mode flag flipped: a keyword whose value is ``True``/``False`` negated, and
  a mode keyword (``training=``, ``is_training=``, ``deterministic=``, ...) with any value
  becomes ``not <value>``;
- ``mode_call``: a model's mode call changed: ``m.train()`` and ``m.eval()`` exchanged, and
  the call deleted (a statement ``m.eval()`` becomes ``pass``; inside an expression,
  ``m.eval()`` becomes ``m``).

A mutant's id, ``<file>:<line>:<operator>:<index>`` (index counts that operator's mutants on the
line from the left), stays the same as long as the region's line does not move.
"""

from __future__ import annotations

import ast
import copy
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from autograder.assignment.tasks import TASK_ID
from autograder.release.regions import BEGIN, END

__all__ = ["Mutant", "Region", "make_mutants", "solution_regions"]

_TODO = re.compile(rf"^\s*# TODO\((?P<task>{TASK_ID})\):")

_BINOP = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Div,),
    ast.Mod: (ast.FloorDiv,),
    ast.Pow: (ast.Mult,),
    ast.MatMult: (ast.Mult,),
}
_COMPARE = {
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE),
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.GtE),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_AXIS = {0: 1, 1: 0, -1: 0, None: 0}
# keyword string values and their counterparts (kwarg_value)
_KWARG_STRINGS = {
    "max": "min",
    "min": "max",
    "mean": "sum",
    "sum": "mean",
    "same": "valid",
    "valid": "same",
    "auto": "max",
    "sum_over_batch_size": "sum",
    "none": "mean",
}
# keywords that switch a model between training and inference (flip_flag)
_MODE_KEYWORDS = {"training", "train", "is_training", "deterministic", "inference", "train_mode"}
# calls whose result is their first argument converted (drop_conversion); written as in the
# source, with the usual module aliases
_CONVERSIONS = {
    "float",
    "int",
    "bool",
    *(
        f"{module}.{name}"
        for module in ("np", "numpy")
        for name in (
            "asarray",
            "asanyarray",
            "ascontiguousarray",
            "array",
            "float32",
            "float64",
            "int32",
            "int64",
        )
    ),
    "tf.cast",
    "tf.convert_to_tensor",
    "tf.constant",
    "tf.identity",
    "torch.as_tensor",
    "torch.tensor",
    "torch.from_numpy",
}
# methods whose result is their receiver converted (drop_conversion)
_CONVERSION_METHODS = {
    "astype",
    "numpy",
    "item",
    "tolist",
    "float",
    "double",
    "half",
    "long",
    "int",
    "bool",
    "type",
}
_MODULES = {"np", "numpy", "tf", "torch", "math", "jnp", "keras"}  # not a method's receiver
_MODE_METHODS = {"train": "eval", "eval": "train"}
# statements a mutant may delete (compound statements keep their bodies: a body's own
# statements are deleted one by one)
_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.If)


@dataclass(frozen=True)
class Region:
    """One solution region of a module.

    Attributes:
        task: the task id of the ``# TODO(<task>)`` line above it.
        start: the first line inside the region (1-based).
        end: the last line inside the region.
    """

    task: str
    start: int
    end: int


@dataclass(frozen=True)
class Mutant:
    """One operator mutant.

    Attributes:
        id: ``<file>:<line>:<operator>:<index>``.
        task: the task of the region it changes.
        file: the module's file name, relative to the assignment.
        line: the line of the changed node.
        operator: which operator made it.
        text: the whole mutated module.
        diff: a unified diff of the change, without file headers.
    """

    id: str
    task: str
    file: str
    line: int
    operator: str
    text: str
    diff: str


def solution_regions(text: str) -> list[Region]:
    """The solution regions of a module, each with its task (from the TODO line above it)."""
    lines = text.splitlines()
    regions, start, task = [], None, ""
    for number, line in enumerate(lines, start=1):
        if line.strip() == BEGIN:
            todo = _TODO.match(lines[number - 2]) if number > 1 else None
            start, task = number + 1, todo["task"] if todo else ""
        elif line.strip() == END and start is not None:
            regions.append(Region(task, start, number - 1))
            start = None
    return regions


def _binop(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        for op in _BINOP.get(type(node.op), ()):
            new = copy.deepcopy(node)
            new.op = op()
            yield new


def _compare(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for other in _COMPARE.get(type(op), ()):
                new = copy.deepcopy(node)
                new.ops[i] = other()
                yield new


def _constant(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Constant):
        return
    value = node.value
    if isinstance(value, bool):
        yield ast.Constant(not value)
    elif isinstance(value, (int, float)):
        if value == 0:
            yield ast.Constant(type(value)(1))
        elif value == 1:
            yield ast.Constant(type(value)(0))
        else:
            yield ast.Constant(value * 2)


def _keyword(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Call):
        return
    for i, kw in enumerate(node.keywords):
        value = kw.value
        if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
            value = ast.Constant(-value.operand.value)  # axis=-1
        if kw.arg == "axis" and isinstance(value, ast.Constant) and value.value in _AXIS:
            new = copy.deepcopy(node)
            new.keywords[i].value = ast.Constant(_AXIS[value.value])
            yield new
        elif kw.arg == "keepdims" and isinstance(value, ast.Constant):
            new = copy.deepcopy(node)
            new.keywords[i].value = ast.Constant(not value.value)
            yield new


def _swap_args(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Call):
        for i in range(len(node.args) - 1):
            if ast.dump(node.args[i]) != ast.dump(node.args[i + 1]):
                new = copy.deepcopy(node)
                new.args[i], new.args[i + 1] = new.args[i + 1], new.args[i]
                yield new


def _drop_minus(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if not isinstance(node.operand, ast.Constant):  # -1 is a constant, see "constant"
            yield copy.deepcopy(node.operand)


def _drop_t(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
        yield copy.deepcopy(node.value)


def _drop_kwarg(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Call):
        for i, kw in enumerate(node.keywords):
            if kw.arg is not None:  # not **kwargs
                new = copy.deepcopy(node)
                del new.keywords[i]
                yield new


def _kwarg_value(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Call):
        for i, kw in enumerate(node.keywords):
            value = kw.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                other = _KWARG_STRINGS.get(value.value)
                if other is not None:
                    new = copy.deepcopy(node)
                    new.keywords[i].value = ast.Constant(other)
                    yield new


def _is_conversion(node: ast.AST) -> bool:
    """A call that converts its first argument (or its receiver) and returns it."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _CONVERSION_METHODS:
        receiver = func.value
        if not isinstance(receiver, ast.Constant) and not (
            isinstance(receiver, ast.Name) and receiver.id in _MODULES
        ):
            return func.attr != "type" or len(node.args) == 1  # torch's x.type(dtype)
    if ast.unparse(func) in _CONVERSIONS and node.args:
        return not isinstance(node.args[0], (ast.Constant, ast.List, ast.Tuple, ast.Starred))
    return False


def _drop_conversion(node: ast.AST) -> Iterator[ast.AST]:
    if not _is_conversion(node):
        return
    if ast.unparse(node.func) in _CONVERSIONS:
        yield copy.deepcopy(node.args[0])
    else:
        yield copy.deepcopy(node.func.value)


def _flip_flag(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Call):
        return
    for i, kw in enumerate(node.keywords):
        value = kw.value
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            new = copy.deepcopy(node)
            new.keywords[i].value = ast.Constant(not value.value)
            yield new
        elif kw.arg in _MODE_KEYWORDS and not isinstance(value, ast.Constant):
            new = copy.deepcopy(node)
            if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
                new.keywords[i].value = copy.deepcopy(value.operand)
            else:
                new.keywords[i].value = ast.UnaryOp(ast.Not(), copy.deepcopy(value))
            yield new


def _is_mode_call(node: ast.AST) -> bool:
    """``m.train()``, ``m.eval()`` or ``m.train(flag)``: a model's mode call."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _MODE_METHODS
        and len(node.args) <= 1
        and not node.keywords
        and (node.func.attr == "train" or not node.args)
    )


def _mode_call(node: ast.AST) -> Iterator[ast.AST]:
    if not _is_mode_call(node):
        return
    new = copy.deepcopy(node)
    new.func.attr = _MODE_METHODS[node.func.attr]
    new.args = []
    yield new
    if node.args:  # m.train(flag): the flag negated
        new = copy.deepcopy(node)
        new.args[0] = ast.UnaryOp(ast.Not(), copy.deepcopy(node.args[0]))
        yield new
    yield copy.deepcopy(node.func.value)  # the call deleted (a statement: see make_mutants)


_EXPRESSION_OPERATORS = (
    ("binop", _binop),
    ("compare", _compare),
    ("constant", _constant),
    ("keyword", _keyword),
    ("swap_args", _swap_args),
    ("drop_minus", _drop_minus),
    ("drop_T", _drop_t),
    ("drop_kwarg", _drop_kwarg),
    ("kwarg_value", _kwarg_value),
    ("drop_conversion", _drop_conversion),
    ("flip_flag", _flip_flag),
    ("mode_call", _mode_call),
)
_ATOMS = (ast.Name, ast.Constant, ast.Attribute, ast.Subscript, ast.Call, ast.Tuple, ast.List)


def _replace(lines: list[str], node: ast.AST, new: str) -> str:
    """The module with the source span of ``node`` replaced by ``new``."""
    first, last = node.lineno - 1, node.end_lineno - 1
    head = lines[first][: _char(lines[first], node.col_offset)]
    tail = lines[last][_char(lines[last], node.end_col_offset) :]
    return "".join(lines[:first]) + head + new + tail + "".join(lines[last + 1 :])


def _char(line: str, byte_offset: int) -> int:
    """ast's column offsets count UTF-8 bytes; the index of that byte's character."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def _needs_parentheses(
    node: ast.AST, new: ast.AST, lines: list[str], parents: dict[int, ast.AST]
) -> bool:
    """Whether the new text of an expression needs parentheses to keep its meaning."""
    if not isinstance(node, ast.expr) or isinstance(new, _ATOMS):
        return False
    parent = parents.get(id(node))
    if isinstance(parent, (ast.stmt, ast.keyword)):
        return False  # the whole right-hand side, a returned value, a keyword's value
    if isinstance(parent, ast.Call) and any(arg is node for arg in parent.args):
        return False  # an argument of a call, delimited by its commas
    first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
    before = first[: _char(first, node.col_offset)].rstrip()
    after = last[_char(last, node.end_col_offset) :].lstrip()
    return not (before.endswith("(") and after.startswith(")"))


def _negative_constant(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """A constant under a unary minus (``-1``): the constant operator changes it alone."""
    parent = parents.get(id(node))
    return isinstance(parent, ast.UnaryOp) and isinstance(node, ast.Constant)


def make_mutants(text: str, file: str) -> list[Mutant]:
    """Every operator mutant of the solution regions of one module, in source order.

    Mutants whose text equals the original or an earlier mutant's are left out.
    """
    regions = solution_regions(text)
    if not regions:
        return []
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    keyword_values = {
        id(n)
        for kw in ast.walk(tree)
        if isinstance(kw, ast.keyword) and kw.arg in ("axis", "keepdims")
        for n in ast.walk(kw.value)
    }

    def region_of(node: ast.AST) -> Region | None:
        for region in regions:
            if region.start <= node.lineno and node.end_lineno <= region.end:
                return region
        return None

    found: list[tuple[int, int, str, str, str]] = []  # (line, col, operator, task, text)
    for node in ast.walk(tree):
        if not hasattr(node, "lineno") or isinstance(node, (ast.expr_context, ast.keyword)):
            continue
        region = region_of(node)
        if region is None:
            continue
        if isinstance(node, _SIMPLE):
            mode = isinstance(node, ast.Expr) and _is_mode_call(node.value)
            found.append(
                (
                    node.lineno,
                    node.col_offset,
                    "mode_call" if mode else "delete",
                    region.task,
                    _replace(lines, node, "pass"),
                )
            )
        if not isinstance(node, ast.expr) and not isinstance(node, ast.AugAssign):
            continue
        if id(node) in keyword_values:
            continue  # the keyword operator changes axis= and keepdims=
        for name, operator in _EXPRESSION_OPERATORS:
            if name == "constant" and _negative_constant(node, parents):
                parent = parents[id(node)]
                for new in _constant(ast.Constant(-node.value)):
                    found.append(
                        (
                            parent.lineno,
                            parent.col_offset,
                            name,
                            region.task,
                            _replace(lines, parent, f"({ast.unparse(new)})"),
                        )
                    )
                continue
            for new in operator(node):
                if name == "mode_call" and isinstance(parents.get(id(node)), ast.Expr):
                    if not isinstance(new, ast.Call):
                        continue  # a mode call's statement: deleted above, as "pass"
                source = ast.unparse(new)
                if _needs_parentheses(node, new, lines, parents):
                    source = f"({source})"
                found.append(
                    (node.lineno, node.col_offset, name, region.task, _replace(lines, node, source))
                )
    found.sort(key=lambda f: (f[0], f[1]))
    mutants, seen, counts = [], {text}, {}
    for line, _, operator, task, mutated in found:
        key = (line, operator)
        index = counts.get(key, 0)
        counts[key] = index + 1
        if mutated in seen:
            continue
        try:
            ast.parse(mutated)
        except SyntaxError:
            continue
        seen.add(mutated)
        diff = "".join(
            list(difflib.unified_diff(text.splitlines(True), mutated.splitlines(True), n=0))[2:]
        )
        mutants.append(
            Mutant(f"{file}:{line}:{operator}:{index}", task, file, line, operator, mutated, diff)
        )
    return mutants
