"""Connections from the tests to the submission: in the same process, or to a worker process.

Both kinds send every request and reply through the channel's encoder, so a test sees the same
values in either mode. The worker kind enforces a wall-clock deadline per test, notices crashes,
and starts a fresh worker for the next request after either.
"""

from __future__ import annotations

import dataclasses
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

from autograder.channel import ChannelError, Ref, decode, encode, read_frame, write_frame
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.worker import Handler

__all__ = [
    "InProcessSession",
    "LimitExceeded",
    "Session",
    "SubmissionError",
    "WorkerCrashed",
    "WorkerSession",
]


STARTUP_SECONDS = 60


class SubmissionError(Exception):
    """The submission's code failed while serving a request.

    Attributes:
        type_name: the class name of the exception raised by the submission.
        message: its message.
        where: ``file:line in function`` of the last frame in the submission's files.
        not_attempted: the failure is an untouched stub.
    """

    def __init__(
        self, type_name: str, message: str, where: str = "", not_attempted: bool = False
    ) -> None:
        self.type_name = type_name
        self.message = message
        self.where = where
        self.not_attempted = not_attempted
        at = f" (at {where})" if where else ""
        super().__init__(f"{type_name}: {message}{at}")


class LimitExceeded(SubmissionError):
    """A limit (wall clock, memory, output) was exceeded; the worker was stopped."""

    def __init__(self, limit: str) -> None:
        super().__init__("LimitExceeded", limit)


class WorkerCrashed(SubmissionError):
    """The worker process ended while serving a request."""

    def __init__(self, detail: str) -> None:
        super().__init__("WorkerCrashed", detail)


class Session:
    """Base class: sends requests, turns replies into values or raised ``SubmissionError``."""

    generation = 0

    def __init__(self) -> None:
        self._released: list[int] = []
        self.deadline: float | None = None
        self.time_limit: float | None = None

    def request(self, op: str, **fields: Any) -> Any:
        """Send one request and return its decoded value."""
        from autograder.proxy import RemoteObject

        fields["op"] = op
        if self._released:
            fields["release"], self._released = self._released, []

        def to_ref(obj: Any) -> Ref:
            if isinstance(obj, RemoteObject):
                return obj._ag_ref_for(self)
            raise ChannelError(f"a {type(obj).__name__} may not be sent to the submission")

        reply = decode(self._exchange(encode(fields, to_ref)), self._wrap)
        if not isinstance(reply, dict) or "ok" not in reply:
            raise ChannelError("malformed reply from the submission")
        if reply["ok"]:
            return reply.get("value")
        error = reply.get("error") or {}
        if error.get("type") == "LimitExceeded":
            self.restart()
            raise LimitExceeded(str(error.get("message", "")))
        raise SubmissionError(
            str(error.get("type", "Error")),
            str(error.get("message", "")),
            str(error.get("where", "")),
            bool(error.get("not_attempted", False)),
        )

    def _wrap(self, ref: Ref) -> Any:
        from autograder.proxy import RemoteObject

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
    """Runs the submission in this process (students' mode; pdb stops in their code)."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = os.path.abspath(root)
        if self.root not in sys.path:
            sys.path.insert(0, self.root)
        self.handler = Handler(self.root, reraise=True)

    def _exchange(self, body: bytes) -> bytes:
        return self.handler.handle(body)


class WorkerSession(Session):
    """Runs the submission in a worker process, restarted after a crash or an exceeded limit.

    Args:
        root: the submission's folder, a fresh copy that the worker may modify.
        python: the interpreter for the worker.
    """

    def __init__(
        self, root: str, python: str | None = None, sandbox: SandboxConfig | None = None
    ) -> None:
        super().__init__()
        self.pristine = os.path.abspath(root)
        self.root = self.pristine
        self.python = python or sys.executable
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self._fd_to = self._fd_from = -1
        self._scratch = tempfile.mkdtemp(prefix="ag-worker-")
        self.sandbox_config = sandbox
        self._sandbox: Sandbox | None = None

    def _start(self) -> None:
        self.starts += 1
        self.root = os.path.join(self._scratch, f"run{self.starts}")
        shutil.copytree(self.pristine, self.root)  # each worker starts from a fresh copy
        if self.starts > 1:
            shutil.rmtree(os.path.join(self._scratch, f"run{self.starts - 1}"), ignore_errors=True)
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        log = open(os.path.join(self._scratch, "output.log"), "wb")  # noqa: SIM115
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["MPLBACKEND"] = "Agg"
        cmd = [self.python, "-m", "autograder.worker", "--root", self.root]
        cmd += ["--fd-in", str(to_r), "--fd-out", str(from_w)]
        if self.sandbox_config is not None:
            self._sandbox = Sandbox(self.sandbox_config.limits, use_cgroup=True)
            view_root = os.path.join(self._scratch, "view")  # empty; the worker builds on it
            os.makedirs(view_root, exist_ok=True)
            config = dataclasses.replace(
                self.sandbox_config,
                workspace=self.root,
                view_root=view_root,
                cgroup=tuple(str(d) for d in self._sandbox.dirs),
            )
            cmd += ["--sandbox", config.to_json()]
            for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                env.setdefault(var, "2")
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(to_r, from_w),
            start_new_session=True,
            env=env,
        )
        log.close()
        if self._sandbox is not None:
            self._sandbox.watch(self.proc.pid)
        os.close(to_r)
        os.close(from_w)
        self._fd_to, self._fd_from = to_w, from_r

    def _wait_started(self) -> None:
        ready, _, _ = select.select([self._fd_from], [], [], STARTUP_SECONDS)
        if not ready:
            self._stop()
            raise WorkerCrashed(f"the submission's process did not start in {STARTUP_SECONDS} s")

    def _wait_readable(self) -> None:
        timeout = None if self.deadline is None else self.deadline - time.monotonic()
        if timeout is not None and timeout <= 0:
            self._stop()
            raise LimitExceeded(f"the wall-clock limit of {self.time_limit:g} s was exceeded")
        ready, _, _ = select.select([self._fd_from], [], [], timeout)
        if not ready:
            self._stop()
            raise LimitExceeded(f"the wall-clock limit of {self.time_limit:g} s was exceeded")

    def _exchange(self, body: bytes) -> bytes:
        if self.proc is None:
            started = time.monotonic()
            self._start()
            try:
                write_frame(self._fd_to, encode({"op": "ping"}))
                read_frame(self._fd_from, self._wait_started)
            except (EOFError, BrokenPipeError, ChannelError):
                code = self._stop()
                raise WorkerCrashed(f"the submission's process did not start ({code})") from None
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
                raise LimitExceeded(f"the memory limit of {limit} MiB was exceeded") from None
            if no_process:
                limit = self.sandbox_config.limits.processes
                raise LimitExceeded(
                    f"the limit of {limit} processes and threads was reached (exit status {code})"
                ) from None
            if code == 128 + signal.SIGXFSZ or code == -signal.SIGXFSZ:
                limit = self.sandbox_config.limits.file_mb if self.sandbox_config else 0
                raise LimitExceeded(
                    f"the file-size limit of {limit} MiB (printed output included) was exceeded"
                ) from None
            raise WorkerCrashed(f"the submission's process ended (exit status {code})") from None
        except ChannelError as exc:
            self._stop()
            raise WorkerCrashed(f"the submission's process sent a malformed reply: {exc}") from None

    def _stop(self) -> int | None:
        """End the worker and its whole process group; return its exit status."""
        proc, self.proc = self.proc, None
        for fd in (self._fd_to, self._fd_from):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._fd_to = self._fd_from = -1
        self._released.clear()
        self.generation += 1  # objects of the ended worker are gone
        if proc is None:
            return None
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.close()
        return code

    def restart(self) -> None:
        """End the worker; the next request starts a fresh one from a fresh copy."""
        if self.proc is not None:
            self._stop()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self._scratch, ignore_errors=True)
