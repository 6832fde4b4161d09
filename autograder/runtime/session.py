"""Connections from the tests to the submission: in the same process, or to a worker process.

Both kinds send every request and reply through the channel's encoder, so a test sees the same
values in either mode. The worker kind enforces a wall-clock deadline per test, notices crashes,
and starts a fresh worker for the next request after either.

The current session (``set_session``, ``current_session``) is the one that proxies of the
submission's modules talk to: the pytest plugin installs it, a notebook may too.
"""

from __future__ import annotations

import dataclasses
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from autograder.runtime.causes import Cause
from autograder.runtime.channel import (
    ChannelError,
    Ref,
    decode,
    encode,
    read_frame,
    write_frame,
)
from autograder.runtime.errors import (
    GradingTimeUsedUp,
    ImportTimeLimit,
    LimitExceeded,
    SubmissionError,
    WorkerCrashed,
    error_from,
    limit_message,
)
from autograder.runtime.forbidden import Use
from autograder.runtime.remote import RemoteObject
from autograder.runtime.sandbox import Sandbox, SandboxConfig
from autograder.runtime.threads import thread_env
from autograder.runtime.worker import Handler

__all__ = [
    "ImportFailure",
    "InProcessSession",
    "Session",
    "WorkerSession",
    "current_session",
    "set_session",
    "slow_import_message",
]


STARTUP_SECONDS = 60
_FRAME = re.compile(r'File "([^"\n]+\.py)", line (\d+) in ')


@dataclasses.dataclass(frozen=True)
class ImportFailure:
    """A student module whose import failed; later tests that need it fail at once with it.

    Attributes:
        module: the dotted module name.
        error: the failure, as the first test that imported the module saw it.
        seconds: how long the import ran before it failed or was stopped.
        because: the module whose failed import this one ran into (it imports it), if any.
    """

    module: str
    error: SubmissionError
    seconds: float
    because: str = ""

    @property
    def file(self) -> str:
        """The module's file name, e.g. ``layers.py``."""
        return self.module.rsplit(".", 1)[-1] + ".py"


def slow_import_message(module: str, limit: float) -> str:
    """What a student reads when importing ``module`` outlasted ``limit`` seconds."""
    file = module.rsplit(".", 1)[-1] + ".py"
    return limit_message(Cause.IMPORT_LIMIT, file=file, limit=limit)


class Session:
    """Base class: sends requests, turns replies into values or raised ``SubmissionError``."""

    generation = 0

    def __init__(self, import_limit: float | None = None) -> None:
        self._released: list[int] = []
        self.deadline: float | None = None
        self.time_limit: float | None = None
        self.import_limit = import_limit
        self.import_failures: dict[str, ImportFailure] = {}
        self.preload: tuple[str, ...] = ()
        self.forbidden: tuple[str, ...] = ()

    def prepare(self, preload: tuple[str, ...] = (), forbidden: tuple[str, ...] = ()) -> None:
        """Set what every submission process does before it imports student code: import the
        frameworks in ``preload`` and record calls of the ``forbidden`` built-ins. Call it before
        the first request."""
        self.preload, self.forbidden = tuple(preload), tuple(forbidden)

    def forbidden_uses(self) -> list[Use]:
        """The forbidden built-ins the submission called in its current process."""
        if not self.forbidden:
            return []
        return [Use(**row) for row in self.request("forbidden_uses")]

    def import_module(self, module: str) -> Any:
        """Import a student module (a proxy comes back); a failure is remembered for good.

        The first import of a module runs under ``import_limit``; if it fails (it raised, crashed
        or outlasted the limit), every later import of it, and of modules that import it, fails
        at once with the first failure instead of running the module again.
        """
        known = self.import_failures.get(module)
        if known is not None:
            raise known.error
        poison = {name: f.error.message for name, f in self.import_failures.items()}
        started = time.monotonic()
        try:
            return self._import(module, poison)
        except SubmissionError as exc:
            if isinstance(exc, GradingTimeUsedUp):
                raise  # the budget ran out: not the module's fault
            message = exc.message
            if exc.cause is not Cause.IMPORT_LIMIT and not exc.refused:  # those name the import
                message = f"importing {module} failed: {message}"
            error = (
                LimitExceeded(message, exc.cause)
                if isinstance(exc, LimitExceeded)
                else SubmissionError(exc.type_name, message, exc.where, cause=exc.cause)
            )
            because = exc.refused if exc.refused in poison else ""
            self.import_failures[module] = ImportFailure(
                module, error, round(time.monotonic() - started, 1), because
            )
            raise error from None

    def _import(self, module: str, poison: dict[str, str]) -> Any:
        return self.request("import", module=module, poison=poison)

    def request(self, op: str, **fields: Any) -> Any:
        """Send one request and return its decoded value."""
        fields["op"] = op
        if self._released:
            fields["release"], self._released = self._released, []

        def to_ref(obj: Any) -> Ref:
            if isinstance(obj, RemoteObject):
                return obj._ag_ref_for(self)
            raise ChannelError(f"a {type(obj).__name__} may not be sent to the submission")

        body = self._exchange(encode(fields, to_ref))
        try:
            reply = decode(body, self._wrap)
            if not isinstance(reply, dict) or "ok" not in reply:
                raise ChannelError("it is not a reply")
        except ChannelError as exc:
            self.restart()
            raise WorkerCrashed(f"the submission's process sent a malformed reply: {exc}") from None
        if reply["ok"]:
            return reply.get("value")
        error = error_from(reply.get("error") or {})
        if isinstance(error, LimitExceeded):
            self.restart()
            raise self._worded(error)
        raise error

    def _worded(self, error: LimitExceeded) -> LimitExceeded:
        """A limit the submission's process reported, in the grader's words where it knows the
        limit's value."""
        return error

    def _wrap(self, ref: Ref) -> Any:
        return RemoteObject(self, self.generation, ref)

    def release(self, generation: int, number: int) -> None:
        """Forget a remote object (sent along with the next request)."""
        if generation == self.generation:
            self._released.append(number)

    def start_test(self, time_limit: float | None) -> None:
        """Start a test's wall-clock budget."""
        self.time_limit = time_limit
        self.deadline = None if time_limit is None else time.monotonic() + time_limit

    def end_test(self) -> None:
        """End the test's budget."""
        self.deadline = None

    def _exchange(self, body: bytes) -> bytes:
        raise NotImplementedError

    def restart(self) -> None:
        """Start the submission afresh before the next request (a no-op in-process)."""

    def close(self) -> None:
        """Release every resource of the session."""


class InProcessSession(Session):
    """Runs the submission in this process (students' mode; pdb stops in their code).

    Args:
        root: the folder the submission's package is imported from.
        import_limit: seconds after which a slow first import is reported.
        stop_slow_imports: stop such an import (raising into it) instead of printing a message
            and waiting; for notebook cells, which have a time limit of their own.
    """

    def __init__(
        self, root: str, import_limit: float | None = None, stop_slow_imports: bool = False
    ) -> None:
        super().__init__(import_limit)
        self.root = os.path.abspath(root)
        if self.root not in sys.path:
            sys.path.insert(0, self.root)
        self.handler = Handler(self.root, reraise=True)
        self.stop_slow_imports = stop_slow_imports
        self._prepared = False

    def _exchange(self, body: bytes) -> bytes:
        return self.handler.handle(body)

    def _import(self, module: str, poison: dict[str, str]) -> Any:
        if not self._prepared and (self.preload or self.forbidden):
            self._prepared = True
            self.handler.prepare(list(self.preload), list(self.forbidden))
        limit = self.import_limit
        if limit is None:
            return super()._import(module, poison)
        message = slow_import_message(module, limit)
        main = threading.current_thread() is threading.main_thread()
        if self.stop_slow_imports and main and hasattr(signal, "setitimer"):

            def stop(signum: int, frame: Any) -> None:
                raise ImportTimeLimit(message)

            previous = signal.signal(signal.SIGALRM, stop)
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                return super()._import(module, poison)
            except ImportTimeLimit:
                raise LimitExceeded(message, Cause.IMPORT_LIMIT) from None
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        note = (
            f"autograder: importing {module.rsplit('.', 1)[-1]}.py has taken {limit:g} s so far: "
            "is a training run or a loop left at module level? Still waiting (Ctrl-C stops)."
        )
        # the process's own stderr: pytest's capture of sys.stderr would hold it back
        timer = threading.Timer(limit, lambda: print(note, file=sys.__stderr__, flush=True))
        timer.daemon = True
        timer.start()
        try:
            return super()._import(module, poison)
        finally:
            timer.cancel()


@dataclasses.dataclass
class _Process:
    """One started worker: its process, pipes, sandbox, folder and log."""

    proc: subprocess.Popen
    fd_to: int
    fd_from: int
    sandbox: Sandbox | None
    root: str
    log: str
    prepared: bool  # a prepare request was sent after the ping


class WorkerSession(Session):
    """Runs the submission in a worker process, restarted after a crash or an exceeded limit.

    When the session preloads a framework (``prepare``), a spare worker is kept ready: it starts
    from its own fresh copy and imports the framework (never student code) while the current
    worker serves tests, so a restart after a failing test costs no framework import.

    Args:
        root: the submission's folder, a fresh copy that the worker may modify.
        python: the interpreter for the worker.
        spare: keep a spare worker ready when something is preloaded.
    """

    def __init__(
        self,
        root: str,
        python: str | None = None,
        sandbox: SandboxConfig | None = None,
        import_limit: float | None = None,
        spare: bool = True,
    ) -> None:
        super().__init__(import_limit)
        self.pristine = os.path.abspath(root)
        self.root = self.pristine
        self.python = python or sys.executable
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self._fd_to = self._fd_from = -1
        self._scratch = tempfile.mkdtemp(prefix="ag-worker-")
        self._log = os.path.join(self._scratch, "output.log")
        self.sandbox_config = sandbox
        self._sandbox: Sandbox | None = None
        self.use_spare = spare
        self._spare: _Process | None = None
        self._ended: list[str] = []  # folders of ended workers, removed at the next start
        self.budget: float | None = None
        self.budget_end: float | None = None
        self._import_deadline: float | None = None
        self._importing = ""

    def set_budget(self, seconds: float) -> None:
        """Start the submission's grading-time budget: no request is served past its end."""
        self.budget = seconds
        self.budget_end = time.monotonic() + seconds

    def budget_used_up(self) -> bool:
        """Whether the grading-time budget has run out."""
        return self.budget_end is not None and time.monotonic() >= self.budget_end

    def prewarm(self) -> None:
        """Start the first worker now (it imports the preloaded frameworks while the caller goes
        on); the first request then finds it ready."""
        if self.proc is None and self._spare is None:
            self._spare = self._spawn()

    def _worded(self, error: LimitExceeded) -> LimitExceeded:
        limits = self.sandbox_config.limits if self.sandbox_config else None
        if limits is None:
            return error
        value = {Cause.FILE_SIZE: limits.file_mb, Cause.PROCESSES: limits.processes}
        if error.cause not in value:
            return error
        return LimitExceeded(limit_message(error.cause, limit=value[error.cause]), error.cause)

    def forbidden_uses(self) -> list[Use]:
        if self.proc is None:  # no process: nothing ran since the last restart
            return []
        return super().forbidden_uses()

    def _import(self, module: str, poison: dict[str, str]) -> Any:
        if self.import_limit is None:
            return super()._import(module, poison)
        self._importing = module
        saved = self.deadline
        started = time.monotonic()
        self._import_deadline = started + self.import_limit
        self.deadline = None
        try:
            return self.request(
                "import", module=module, poison=poison, dump_after=self._dump_after()
            )
        finally:
            self._import_deadline, self._importing = None, ""
            if saved is not None:  # the import's time is not the test's time
                self.deadline = saved + time.monotonic() - started
            else:
                self.deadline = None

    def _dump_after(self) -> float:
        """When the worker writes where it is, shortly before the import limit stops it."""
        return max(0.5, self.import_limit - min(1.0, self.import_limit / 10))

    def _limit(self) -> tuple[float | None, Callable[[], LimitExceeded]]:
        """The deadline that applies to the pending request, and the error when it passes (made
        after the worker is stopped)."""
        found: list[tuple[float, Callable[[], LimitExceeded]]] = []
        if self._import_deadline is not None:
            message = slow_import_message(self._importing, self.import_limit or 0)
            found.append(
                (
                    self._import_deadline,
                    lambda: LimitExceeded(message + self._where_it_hung(), Cause.IMPORT_LIMIT),
                )
            )
        elif self.deadline is not None:
            message = limit_message(Cause.TIME_LIMIT, limit=self.time_limit or 0)
            found.append((self.deadline, lambda: LimitExceeded(message, Cause.TIME_LIMIT)))
        if self.budget_end is not None:
            found.append((self.budget_end, lambda: GradingTimeUsedUp(self.budget or 0)))
        if not found:
            return None, lambda: LimitExceeded("", Cause.TIME_LIMIT)
        return min(found, key=lambda pair: pair[0])

    def _spawn(self) -> _Process:
        """Start a worker on a fresh copy and send it its first requests (not read yet)."""
        self.starts += 1
        root = os.path.join(self._scratch, f"run{self.starts}")
        shutil.copytree(self.pristine, root)  # each worker starts from a fresh copy
        log_path = os.path.join(self._scratch, f"output{self.starts}.log")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        log = open(log_path, "wb")  # noqa: SIM115
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["MPLBACKEND"] = "Agg"
        cmd = [self.python, "-m", "autograder.runtime.worker", "--root", root]
        cmd += ["--fd-in", str(to_r), "--fd-out", str(from_w)]
        sandbox = None
        if self.sandbox_config is not None:
            sandbox = Sandbox(self.sandbox_config.limits, use_cgroup=True)
            view_root = os.path.join(self._scratch, f"view{self.starts}")  # the worker builds on it
            os.makedirs(view_root, exist_ok=True)
            config = dataclasses.replace(
                self.sandbox_config,
                workspace=root,
                view_root=view_root,
                cgroup=tuple(str(d) for d in sandbox.dirs),
            )
            cmd += ["--sandbox", config.to_json()]
            for var, value in thread_env(2).items():  # unless the grader gave it its share
                env.setdefault(var, value)
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(to_r, from_w),
            start_new_session=True,
            env=env,
        )
        log.close()
        if sandbox is not None:
            sandbox.watch(proc.pid)
        os.close(to_r)
        os.close(from_w)
        worker = _Process(proc, to_w, from_r, sandbox, root, log_path, False)
        try:
            write_frame(to_w, encode({"op": "ping"}))
            if self.preload or self.forbidden:
                request = {"op": "prepare", "preload": self.preload, "forbidden": self.forbidden}
                write_frame(to_w, encode(request))
                worker.prepared = True
        except (BrokenPipeError, ChannelError):
            pass  # it ended at once: reading its reply says so
        return worker

    def _adopt(self, worker: _Process) -> None:
        """Make ``worker`` the current one and read the replies to its first requests."""
        self.proc, self._fd_to, self._fd_from = worker.proc, worker.fd_to, worker.fd_from
        self._sandbox, self.root, self._log = worker.sandbox, worker.root, worker.log
        for folder in self._ended:
            shutil.rmtree(folder, ignore_errors=True)
        self._ended.clear()
        try:
            read_frame(self._fd_from, self._wait_started)
            if worker.prepared:
                read_frame(self._fd_from, self._wait_started)
        except (EOFError, BrokenPipeError, ChannelError):
            code = self._stop()
            raise WorkerCrashed(f"the submission's process did not start ({code})") from None

    def _wait_started(self) -> None:
        ready, _, _ = select.select([self._fd_from], [], [], STARTUP_SECONDS)
        if not ready:
            self._stop()
            raise WorkerCrashed(f"the submission's process did not start in {STARTUP_SECONDS} s")

    def _wait_readable(self) -> None:
        deadline, error = self._limit()
        timeout = None if deadline is None else deadline - time.monotonic()
        if timeout is None or timeout > 0:
            ready, _, _ = select.select([self._fd_from], [], [], timeout)
            if ready:
                return
        self._stop()
        raise error()

    def _where_it_hung(self) -> str:
        """`` (it was at layers.py:12)``: the worker's last dump of its stack, in the student's
        files (written by the worker itself, so only a file name and a line number are taken)."""
        try:
            with open(self._log, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - 65536))
                tail = log.read().decode(errors="replace")
        except OSError:
            return ""
        dump = tail.rsplit("Thread 0x", 1)[-1] if "Thread 0x" in tail else tail
        dump = dump.rsplit("Stack (most recent call first)", 1)[-1]
        for path, line in _FRAME.findall(dump):
            if path.startswith(os.path.join(self.root, "")):
                return f" (it was at {os.path.basename(path)}:{line})"
        return ""

    def _exchange(self, body: bytes) -> bytes:
        if self.proc is None:
            started = time.monotonic()
            worker, self._spare = self._spare, None
            self._adopt(worker if worker is not None else self._spawn())
            if self.use_spare and self.preload:
                self._spare = self._spawn()  # made ready while this one serves
            if self.deadline is not None:  # starting the worker is not the test's time
                self.deadline += time.monotonic() - started
        try:
            write_frame(self._fd_to, body)
            return read_frame(self._fd_from, self._wait_readable)
        except (EOFError, BrokenPipeError):
            out_of_memory = self._sandbox is not None and self._sandbox.out_of_memory()
            no_process = self._sandbox is not None and self._sandbox.hit_process_limit()
            code = self._stop()
            if out_of_memory:
                limit = self.sandbox_config.limits.memory_mb
                message = limit_message(Cause.MEMORY, limit=limit)
                raise LimitExceeded(message, Cause.MEMORY) from None
            if no_process:
                limit = self.sandbox_config.limits.processes
                message = limit_message(Cause.PROCESSES, limit=limit)
                raise LimitExceeded(f"{message} (exit status {code})", Cause.PROCESSES) from None
            if code == 128 + signal.SIGXFSZ or code == -signal.SIGXFSZ:
                limit = self.sandbox_config.limits.file_mb if self.sandbox_config else 0
                raise LimitExceeded(
                    limit_message(Cause.FILE_SIZE, limit=limit), Cause.FILE_SIZE
                ) from None
            raise WorkerCrashed(f"the submission's process ended (exit status {code})") from None
        except ChannelError as exc:
            self._stop()
            raise WorkerCrashed(f"the submission's process sent a malformed reply: {exc}") from None

    @staticmethod
    def _end(proc: subprocess.Popen, fds: tuple[int, int], sandbox: Sandbox | None) -> int | None:
        """Close a worker's pipes, kill its process group and release its sandbox."""
        for fd in fds:
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        if sandbox is not None:
            sandbox.close()
        return code

    def _stop(self) -> int | None:
        """End the current worker and its whole process group; return its exit status."""
        proc, self.proc = self.proc, None
        fds = (self._fd_to, self._fd_from)
        self._fd_to = self._fd_from = -1
        self._released.clear()
        self.generation += 1  # objects of the ended worker are gone
        if proc is None:
            return None
        sandbox, self._sandbox = self._sandbox, None
        code = self._end(proc, fds, sandbox)
        if self.root != self.pristine:
            self._ended.append(self.root)
        return code

    def restart(self) -> None:
        """End the worker; the next request starts a fresh one from a fresh copy (or takes the
        spare, already started from one)."""
        if self.proc is not None:
            self._stop()

    def close(self) -> None:
        self._stop()
        spare, self._spare = self._spare, None
        if spare is not None:
            self._end(spare.proc, (spare.fd_to, spare.fd_from), spare.sandbox)
        shutil.rmtree(self._scratch, ignore_errors=True)


_current: Session | None = None


def set_session(session: Session | None) -> None:
    """Install the session that proxies talk to (the plugin does this; so can a notebook)."""
    global _current
    if _current is not None and _current is not session:
        _current.close()
    _current = session


def current_session() -> Session:
    """The active session; without one, an in-process session on the current folder's parent."""
    global _current
    if _current is None:
        _current = InProcessSession(os.environ.get("AUTOGRADER_SUBMISSION", os.getcwd()))
    return _current
