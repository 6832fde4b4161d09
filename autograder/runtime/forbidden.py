"""Library built-ins a task may not use: found in the source and recorded when called.

A task of ``tasks.toml`` lists them (``forbidden = ["tf.nn.moments", "keras.layers.Dropout"]``).
Two checks together, since neither is enough alone:

- ``scan``: reads the task's module (``ast``), resolves its imports and aliases and names every
  reference to a forbidden built-in, with its line. It runs in the grader on the submission's
  file, never importing it.
- ``install``: on the submission's side, before any student module is imported, replaces each
  forbidden function with a recording stand-in (every module attribute that holds it) and wraps
  each forbidden class's ``__init__``. A call is recorded when the code that makes it belongs to
  the submission (its module's ``__file__`` is under the submission's folder, which also holds
  for AutoGraph's converted copies inside ``tf.function``); the library's own calls are not.
  ``uses`` returns what was recorded. A compiled graph cannot tell ``tf.nn.moments`` from the
  same ops written out, so the record is taken while Python runs (eagerly or while tracing).

Names are public paths: ``tf.`` is TensorFlow, ``keras.`` is Keras 3. ``tf.keras.X`` is the same
as ``keras.X``; ``tf.compat.v1.X`` and ``tf.compat.v2.X`` the same as ``tf.X``; a trailing ``.*``
forbids everything public below a module.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

__all__ = ["Use", "canonical", "install", "message", "scan", "uses"]

_ROOTS = {"tensorflow": "tf", "tf_keras": "keras"}
_FRAMEWORKS = ("tensorflow", "keras", "tf_keras")  # their modules re-export each other's objects
_SKIP_FRAMES = ("tensorflow.python.autograph", __name__)


@dataclasses.dataclass(frozen=True)
class Use:
    """One use of a forbidden built-in.

    Attributes:
        name: the forbidden name as the task lists it, e.g. ``tf.nn.moments``.
        file: the submission's file, e.g. ``batchnorm.py``.
        line: the line in that file (0 when unknown).
        how: ``"source"`` (found by reading the file) or ``"call"`` (recorded when it ran).
    """

    name: str
    file: str
    line: int
    how: str


def canonical(path: str) -> str:
    """The one spelling of a public path: ``tensorflow.compat.v1.keras.layers.GRU`` is
    ``keras.layers.GRU``, ``tf.compat.v2.nn.moments`` is ``tf.nn.moments``."""
    parts = path.split(".")
    parts[0] = _ROOTS.get(parts[0], parts[0])
    if parts[0] == "tf" and parts[1:3] in (["compat", "v1"], ["compat", "v2"]):
        parts = ["tf", *parts[3:]]
    if parts[0] == "tf" and parts[1:2] == ["keras"]:
        parts = parts[1:]
    if parts[0] == "keras" and parts[1:2] == ["api"]:
        parts = ["keras", *parts[2:]]
    return ".".join(parts)


def _matches(path: str, forbidden: Iterable[str]) -> str | None:
    """The forbidden name ``path`` falls under, if any (both in any spelling)."""
    path = canonical(path)
    for name in forbidden:
        wanted = canonical(name)
        if wanted.endswith(".*"):
            if path.startswith(wanted[:-1]):
                return name
        elif path == wanted:
            return name
    return None


def message(task: str, found: list[Use]) -> str:
    """What a student reads when task ``task`` used forbidden built-ins."""
    seen = sorted({(u.name, u.file, u.line) for u in found})
    where = "; ".join(f"{n} ({f}{f' line {line}' if line else ''})" for n, f, line in seen)
    return (
        f"{task} uses a forbidden built-in: {where}. This task asks you to write it from basic "
        "operations, so its tests score 0 while the built-in is used."
    )


# --- reading the source --------------------------------------------------------------------


class _Scanner(ast.NodeVisitor):
    def __init__(self, forbidden: tuple[str, ...], file: str) -> None:
        self.forbidden = forbidden
        self.file = file
        self.aliases: dict[str, str] = {}
        self.found: list[Use] = []

    def _hit(self, path: str, node: ast.AST) -> None:
        name = _matches(path, self.forbidden)
        if name is not None:
            self.found.append(Use(name, self.file, getattr(node, "lineno", 0), "source"))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
            self._hit(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        for alias in node.names:
            path = f"{node.module}.{alias.name}"
            self.aliases[alias.asname or alias.name] = path
            self._hit(path, node)

    def _dotted(self, node: ast.AST) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        path = self._dotted(node)
        if path is not None:
            self._hit(path, node)
            return  # the prefixes of a forbidden path are not themselves uses
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases and isinstance(node.ctx, ast.Load):
            self._hit(self.aliases[node.id], node)

    def visit_Call(self, node: ast.Call) -> None:
        # getattr(tf.nn, "moments") names the attribute in a string
        is_getattr = isinstance(node.func, ast.Name) and node.func.id == "getattr"
        if is_getattr and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            base = self._dotted(node.args[0]) or (
                self.aliases.get(node.args[0].id) if isinstance(node.args[0], ast.Name) else None
            )
            if base is not None and isinstance(node.args[1].value, str):
                self._hit(f"{base}.{node.args[1].value}", node)
        self.generic_visit(node)


def scan(source: str, file: str, forbidden: Iterable[str]) -> list[Use]:
    """Every reference to a forbidden built-in in ``source`` (the file named ``file``).

    References are resolved through the file's imports (``import tensorflow as tf``, ``from
    keras import layers``, ``from tensorflow.nn import moments as m``) and ``getattr`` with a
    literal name. A file that does not parse has no uses here: its import fails on its own.
    """
    forbidden = tuple(forbidden)
    if not forbidden:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    scanner = _Scanner(forbidden, file)
    scanner.visit(tree)
    return scanner.found


# --- recording calls -------------------------------------------------------------------------

_records: list[Use] = []
_root: str = ""


def _spellings(name: str) -> list[str]:
    """Module paths under which a canonical name can be reached."""
    path = canonical(name)
    root, _, rest = path.partition(".")
    if root == "tf":
        return [f"tensorflow.{v}{rest}" for v in ("", "compat.v1.", "compat.v2.")]
    if root == "keras":
        return [f"keras.{rest}", f"tensorflow.keras.{rest}"]
    return [path]


def _resolve(path: str) -> Any:
    """The object at a dotted path, importing only its library's modules; None if absent."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # noqa: BLE001 - a missing or broken path is simply not there
            continue
        try:
            for part in parts[cut:]:
                obj = getattr(obj, part)
        except Exception:  # noqa: BLE001
            return None
        return obj
    return None


def _caller_of_interest() -> tuple[str, int] | None:
    """The submission's file and line that made the current call, if the submission made it."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_SKIP_FRAMES):
        frame = frame.f_back
    if frame is None:
        return None
    file = frame.f_globals.get("__file__") or frame.f_code.co_filename
    if not _root or not isinstance(file, str) or not os.path.isfile(file):
        return None
    file = os.path.abspath(file)
    if not file.startswith(os.path.join(_root, "")):
        return None
    line = frame.f_lineno if os.path.abspath(frame.f_code.co_filename) == file else 0
    return os.path.relpath(file, _root), line


def _record(name: str) -> None:
    found = _caller_of_interest()
    if found is not None and len(_records) < 1000:
        _records.append(Use(name, os.path.basename(found[0]), found[1], "call"))


class _CallableStandIn:
    """The stand-in of a callable that is not a Python function (a numpy ufunc): calls are
    recorded, every attribute (``np.add.reduce``) is the original's."""

    def __init__(self, name: str, original: Any) -> None:
        self._autograder_name = name
        self._autograder_original = original

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _record(self._autograder_name)
        return self._autograder_original(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._autograder_original, attr)

    def __repr__(self) -> str:
        return repr(self._autograder_original)


def _wrap_function(name: str, original: Any) -> Any:
    if not isinstance(original, types.FunctionType):
        return _CallableStandIn(name, original)

    @functools.wraps(original)
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        _record(name)
        return original(*args, **kwargs)

    stand_in._autograder_original = original  # type: ignore[attr-defined]
    return stand_in


def _wrap_class(name: str, cls: type) -> None:
    if getattr(cls.__init__, "_autograder_original", None) is not None:
        return
    original = cls.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        _record(name)  # a submission's subclass is recorded when its __init__ calls this one
        original(self, *args, **kwargs)

    __init__._autograder_original = original  # type: ignore[attr-defined]
    __init__.__signature__ = inspect.signature(original)  # type: ignore[attr-defined] # Keras reads it
    cls.__init__ = __init__  # type: ignore[misc]


def _targets(name: str) -> list[tuple[str, Any]]:
    """(name, object) for each object the forbidden ``name`` stands for."""
    found: list[tuple[str, Any]] = []
    for path in _spellings(name.removesuffix(".*")):
        obj = _resolve(path)
        if obj is None:
            continue
        if name.endswith(".*"):
            public = [getattr(obj, n, None) for n in dir(obj) if not n.startswith("_")]
            found += [(name, o) for o in public if callable(o)]
        elif callable(obj):
            found.append((name, obj))
    return found


def install(forbidden: Iterable[str], root: str) -> list[str]:
    """Put recording stand-ins in place of the forbidden built-ins; return those found.

    Args:
        forbidden: names as tasks.toml lists them.
        root: the submission's folder; only calls from files under it are recorded.
    """
    global _root
    _root = os.path.abspath(root)
    functions: dict[int, tuple[str, Any]] = {}
    installed = []
    libraries = set(_FRAMEWORKS)
    for name in forbidden:
        libraries |= {path.split(".")[0] for path in _spellings(name)}
        targets = _targets(name)
        if targets:
            installed.append(name)
        for label, obj in targets:
            if isinstance(obj, type):
                _wrap_class(label, obj)
            elif getattr(obj, "_autograder_original", None) is None:
                functions[id(obj)] = (label, obj)
    if functions:
        _replace_everywhere(functions, tuple(libraries))
    return installed


def _replace_everywhere(functions: dict[int, tuple[str, Any]], libraries: tuple[str, ...]) -> None:
    """Swap each function for its stand-in in every module of ``libraries`` that holds it."""
    stand_ins = {key: _wrap_function(label, obj) for key, (label, obj) in functions.items()}
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name.split(".")[0] not in libraries:
            continue
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for attr, value in list(namespace.items()):
            stand_in = stand_ins.get(id(value))
            if stand_in is not None and functions[id(value)][1] is value:
                try:
                    setattr(module, attr, stand_in)
                except (AttributeError, TypeError):
                    pass


def uses() -> list[Use]:
    """The calls recorded so far in this process."""
    return list(_records)
