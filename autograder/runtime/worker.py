"""The submission's side of the channel: a table of objects and a loop that serves requests.

``Handler`` runs every request on the submission's objects and answers with data or references.
In official grading it runs in a separate worker process (``python -m autograder.runtime.worker``);
for students it runs in the test's own process, behind the same encoder, so both see the same
values.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import faulthandler
import importlib
import importlib.abc
import os
import re
import sys
import time
import traceback
from typing import Any

from autograder.assignment.tasks import TASK_ID
from autograder.runtime import forbidden
from autograder.runtime.causes import Cause
from autograder.runtime.channel import ChannelError, Ref, decode, encode, read_frame, write_frame
from autograder.runtime.probes import probe_module
from autograder.runtime.sandbox import SandboxConfig, enter
from autograder.runtime.seeding import seed_local

__all__ = ["Handler", "describe_exception", "main"]

_PROBE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
_TASK_PREFIX = re.compile(rf"^{TASK_ID}\s*:")


def describe_exception(exc: BaseException, root: str | None = None) -> dict[str, Any]:
    """Summarise an exception raised by submission code as plain data.

    Args:
        exc: the exception.
        root: the submission's folder; ``where`` names the last frame inside it.

    Returns:
        A dict with ``type``, ``message``, ``where``, ``not_attempted`` (an untouched stub) and
        ``cause``: the limit that fired here (``Cause`` value: the file size, the processes), or
        None; ``refused``: the module whose earlier failed import this failure ran into, or "".
    """
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f"{os.path.basename(exc.filename)}:{exc.lineno}"
    for frame in [] if where else frames:
        inside = root is None or os.path.abspath(frame.filename).startswith(os.path.abspath(root))
        if inside and os.path.isfile(frame.filename):
            where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
    message = str(exc)
    kind = type(exc).__name__
    cause: Cause | None = None
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        kind, message = (
            "LimitExceeded",
            "the file-size limit (printed output included) was exceeded",
        )
        cause = Cause.FILE_SIZE
    elif (
        isinstance(exc, OSError)
        and exc.errno == errno.EAGAIN
        and frames
        and any(
            word in (frames[-1].line or "")
            for word in ("fork", "Popen", "Thread", "start", "spawn")
        )
    ):
        kind, message = "LimitExceeded", "the limit of processes and threads was reached"
        cause = Cause.PROCESSES
    stub = _untouched_stub(exc)
    if stub is not None:  # a framework may re-raise it with its own words around the message
        kind, message = "NotImplementedError", stub
    else:
        message = _unwrapped(exc, message)
    return {
        "type": kind,
        "message": message[:2000],
        "where": where,
        "not_attempted": stub is not None,
        "cause": None if cause is None else cause.value,
        "refused": _refused(exc),
    }


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_KERAS_WRAPPER = re.compile(r"^Exception encountered when calling (\S+?)\.?\s*$", re.M)


def _unwrapped(exc: BaseException, message: str) -> str:
    """The message a student should read: terminal colour codes removed, and for an error that
    Keras re-raised from a layer's ``call`` (a new exception of the same class whose message
    wraps the original with the call's arguments), the original message and the layer."""
    message = _ANSI.sub("", message)
    inner = exc.__context__
    wrapper = _KERAS_WRAPPER.match(message.split("\n", 1)[0])
    if wrapper and inner is not None and type(inner) is type(exc):
        return f"{_ANSI.sub('', str(inner))} (in {wrapper.group(1).rstrip('.')})"
    return message


def _untouched_stub(exc: BaseException) -> str | None:
    """The message of an untouched stub's ``NotImplementedError("<task>: ...")``, found in the
    exception or in those it was raised from or while handling (Keras re-raises an exception of
    a layer's ``call`` as a new one of the same class, its message wrapped in its own)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        if isinstance(current, NotImplementedError) and _TASK_PREFIX.match(str(current)):
            return str(current)
        current = current.__cause__ or current.__context__
    return None


class _Refused(ImportError):
    """The import of a module whose import already failed in this grading (``name``)."""


def _refused(exc: BaseException) -> str:
    """The module whose refused import ``exc`` ran into (in it or in its chain), or ``""``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        if isinstance(current, _Refused):
            return current.name or ""
        current = current.__cause__ or current.__context__
    return ""


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuses to import the modules whose import already failed in this grading."""

    def __init__(self) -> None:
        self.modules: dict[str, str] = {}

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name in self.modules:
            raise _Refused(self.modules[name], name=name)
        return None


class Handler:
    """Serves the grader's requests on the submission's objects.

    Args:
        root: the submission's folder (its package is imported from there).
        reraise: re-raise exceptions of submission code instead of answering with them (the
            in-process mode, so that a debugger stops where the student's code failed).
    """

    def __init__(self, root: str | None = None, *, reraise: bool = False) -> None:
        self.root = root
        self.reraise = reraise
        self._objects: dict[int, Any] = {}
        self._ids: dict[int, int] = {}
        self._next = 1
        self._refuse = _Refuse()

    def _to_ref(self, obj: Any) -> Ref:
        key = id(obj)
        if key in self._ids and self._objects.get(self._ids[key]) is obj:
            number = self._ids[key]
        else:
            number = self._next
            self._next += 1
            self._objects[number] = obj
            self._ids[key] = number
        return Ref(number, type(obj).__name__, callable(obj))

    def _from_ref(self, ref: Ref) -> Any:
        try:
            return self._objects[ref.id]
        except KeyError:
            raise ChannelError(f"unknown object #{ref.id}") from None

    def handle(self, body: bytes) -> bytes:
        """Answer one encoded request with one encoded reply."""
        try:
            request = decode(body, self._from_ref)
        except ChannelError as exc:
            return encode({"ok": False, "error": describe_exception(exc)})
        for number in request.get("release", ()):
            obj = self._objects.pop(number, None)
            if obj is not None:
                self._ids.pop(id(obj), None)
        try:
            value = self._run(request)
        except BaseException as exc:  # noqa: BLE001 - everything the submission raises is reported
            if self.reraise and not isinstance(exc, ChannelError):
                try:  # the plugin words it as the worker's reply would be
                    exc._autograder_origin = describe_exception(exc, self.root)  # type: ignore[attr-defined]
                except AttributeError:
                    pass
                raise
            return encode({"ok": False, "error": describe_exception(exc, self.root)})
        try:
            return encode({"ok": True, "value": value}, self._to_ref)
        except ChannelError as exc:
            error = describe_exception(exc)
            error["message"] = f"the result could not be sent back: {exc}"
            return encode({"ok": False, "error": error})

    def _forget_other_trees(self, package: str) -> None:
        """Drop a package imported earlier from another tree, so this tree's copy is imported."""
        loaded = sys.modules.get(package)
        if self.root is None or loaded is None:
            return
        where = os.path.abspath(getattr(loaded, "__file__", None) or "")
        if not where.startswith(os.path.join(self.root, "")):
            for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
                del sys.modules[name]
            importlib.invalidate_caches()

    def _import(self, name: str, poison: dict[str, str], dump_after: float | None) -> Any:
        """Import a module. ``poison`` names modules that fail at once (their import failed
        earlier); after ``dump_after`` seconds the stack is written to stderr (the grader reads
        where a slow import was)."""
        self._refuse.modules.update(poison)
        if poison and self._refuse not in sys.meta_path:
            sys.meta_path.insert(0, self._refuse)
        if dump_after:  # the grader stops a slow import; say where it was just before
            faulthandler.dump_traceback_later(dump_after, exit=False, file=sys.stderr)
        try:
            return importlib.import_module(name)
        finally:
            if dump_after:
                faulthandler.cancel_dump_traceback_later()

    def prepare(self, preload: list[str], names: list[str]) -> dict[str, Any]:
        """Import the frameworks the submission needs (before any student module, so that a
        restarted worker can be made ready ahead of time) and put recording stand-ins in place of
        the forbidden built-ins. Never fails: a framework that does not import is reported, and
        the student's own import of it fails later with the real error."""
        started = time.monotonic()
        failed = {}
        for name in preload:
            try:
                importlib.import_module(name)
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                failed[name] = f"{type(exc).__name__}: {exc}"[:500]
        installed = forbidden.install(names, self.root or os.getcwd()) if names else []
        return {
            "failed": failed,
            "installed": installed,
            "seconds": round(time.monotonic() - started, 3),
        }

    def _run(self, request: dict[str, Any]) -> Any:
        op = request.get("op")
        if op == "import":
            self._forget_other_trees(request["module"].split(".")[0])
            module = self._import(
                request["module"], request.get("poison") or {}, request.get("dump_after")
            )
            where = os.path.abspath(getattr(module, "__file__", None) or "")
            if self.root is not None and not where.startswith(os.path.join(self.root, "")):
                raise ImportError(
                    f"{request['module']} was imported from {where or 'nowhere'}, "
                    f"not from the submission in {self.root}"
                )
            return module
        if op == "getattr":
            return getattr(request["target"], request["name"])
        if op == "setattr":
            setattr(request["target"], request["name"], request["value"])
            return None
        if op == "call":
            return request["target"](*request.get("args", []), **request.get("kwargs", {}))
        if op == "getitem":
            return request["target"][request["key"]]
        if op == "setitem":
            request["target"][request["key"]] = request["value"]
            return None
        if op == "len":
            return len(request["target"])
        if op == "probe":
            name = request["name"]
            if not _PROBE_NAME.match(name):
                raise ChannelError(f"bad probe name {name!r}")
            module_name, func = name.split(".")
            module = importlib.import_module(probe_module(module_name))
            return getattr(module, func)(*request.get("args", []), **request.get("kwargs", {}))
        if op == "prepare":
            return self.prepare(request.get("preload") or [], request.get("forbidden") or [])
        if op == "forbidden_uses":
            return [dataclasses.asdict(use) for use in forbidden.uses()]
        if op == "seed":
            seed_local(request["seed"])
            return None
        if op == "ping":
            return os.getpid()
        raise ChannelError(f"unknown request {op!r}")


def main(argv: list[str] | None = None) -> None:
    """Serve requests from the grader over two inherited file descriptors until EOF."""
    parser = argparse.ArgumentParser(prog="python -m autograder.runtime.worker")
    parser.add_argument("--root", required=True)
    parser.add_argument("--fd-in", type=int, required=True)
    parser.add_argument("--fd-out", type=int, required=True)
    parser.add_argument("--sandbox", help="SandboxConfig as JSON")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    if args.sandbox:
        enter(SandboxConfig.from_json(args.sandbox), (args.fd_in, args.fd_out))
    os.chdir(root)
    sys.path[:] = [root] + [p for p in sys.path if p and os.path.abspath(p) != os.getcwd()]
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the worker never reads standard input
    handler = Handler(root)
    while True:
        try:
            body = read_frame(args.fd_in)
        except (EOFError, ChannelError):
            break
        write_frame(args.fd_out, handler.handle(body))
    os._exit(0)


if __name__ == "__main__":
    main()
