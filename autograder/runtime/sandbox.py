"""Isolation of the submission's worker process (Linux), each protection checked and reported.

The grader side (``Sandbox``) makes a cgroup for the worker's whole process tree (memory and
process limits, and a reliable way to end every process in it), or falls back to polling the
tree's resident memory every 20 ms. The worker side (``enter``) runs before any submission code:

- new mount, network and PID namespaces; in the mount namespace the worker moves into the
  allowlist view of ``autograder.runtime.view`` (read-only interpreter, packages and system folders;
  writable workspace and private ``/tmp``; nothing else of the disk exists);
- a tiny init as PID 1 of the new namespace, so that when the worker ends every process it left
  (even one in a new session) ends with it, and the grader's processes are invisible;
- resource limits: file size (which also caps the captured output), core dumps, open files;
  the kernel's out-of-memory killer prefers the worker;
- no privilege: an empty capability bounding set, no capabilities, ``no_new_privs``; and an
  unprivileged user (``nobody``) when the interpreter is readable for it (in the view, the
  folders above the interpreter are the view's own, open to everyone).

Protections that the machine does not allow are switched off and named in ``report()``.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.runtime.view import ViewError, enter_view, mount, open_to_others, view_paths

__all__ = ["Limits", "Sandbox", "SandboxConfig", "enter", "probe_protections", "remove_cgroups"]

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAPABILITY_VERSION_3 = 0x20080522
NOBODY = 65534
CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    """Limits on the worker's whole process tree.

    Attributes:
        memory_mb: resident memory, MiB.
        processes: processes and threads together.
        file_mb: largest file the worker may write, MiB; its printed output goes to a file too.
        open_files: open file descriptors per process.
        tmp_mb: size of the worker's private ``/tmp`` (and of ``/dev/shm``), MiB.
    """

    memory_mb: int = 3072
    processes: int = 512
    file_mb: int = 64
    open_files: int = 1024
    tmp_mb: int = 512


@dataclass(frozen=True)
class SandboxConfig:
    """What the worker applies to itself before running submission code.

    Attributes:
        workspace: the worker's folder (stays visible and writable).
        namespaces: new mount, network and PID namespaces.
        view: move into the allowlist view (needs ``namespaces``).
        view_root: an empty folder the view is built on (the session's).
        user: switch to the unprivileged user ``nobody``.
        limits: the limits.
        cgroup: the cgroup folders (one per controller) to join, if any.
    """

    workspace: str
    namespaces: bool = True
    view: bool = True
    view_root: str = ""
    user: bool = False
    limits: Limits = field(default_factory=Limits)
    cgroup: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The config as JSON, for the worker's command line."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SandboxConfig:
        """Read a config written by ``to_json``."""
        data = json.loads(text)
        data["limits"] = Limits(**data["limits"])
        data["cgroup"] = tuple(data["cgroup"])
        return cls(**data)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _reachable_by_others(path: Path) -> bool:
    """Whether every folder above ``path`` can be entered, and the path read, by any user."""
    path = path.resolve()
    for folder in [*reversed(path.parents)]:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return open_to_others(str(path))


def _cgroup_dirs() -> dict[str, Path]:
    """Writable cgroup roots by controller: v1 ``memory``/``pids`` or v2 ``unified``."""
    found = {}
    for name in ("memory", "pids"):
        folder = CGROUP_ROOT / name
        if (folder / "cgroup.procs").exists() and os.access(folder, os.W_OK):
            found[name] = folder
    if not found and (CGROUP_ROOT / "cgroup.controllers").exists():
        controllers = (CGROUP_ROOT / "cgroup.controllers").read_text().split()
        if "memory" in controllers and os.access(CGROUP_ROOT, os.W_OK):
            found["v2"] = CGROUP_ROOT
    return found


def _try_in_namespaces(view: bool) -> str:
    """Try the namespaces (and the view) in a throwaway process tree: "" or the failure."""
    scratch = tempfile.mkdtemp(prefix="ag-probe-")
    stage, workspace = os.path.join(scratch, "view"), os.path.join(scratch, "work")
    os.mkdir(stage)
    os.mkdir(workspace)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _check(_libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
            inner = os.fork()  # the first process of the new PID namespace
            if inner:
                _, code = os.waitpid(inner, 0)
                os._exit(os.waitstatus_to_exitcode(code))
            mount("none", "/", None, MS_REC | MS_PRIVATE)
            if view:
                enter_view(stage, workspace, 1)
                if os.path.exists(stage) or not os.path.isdir(workspace):
                    raise ViewError(0, "the view shows the wrong folders")
            os._exit(0)
        except OSError as exc:
            os.write(write_end, str(exc).encode()[:500])
            os._exit(1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        reason = pipe.read().decode(errors="replace")
    _, code = os.waitpid(pid, 0)
    shutil.rmtree(scratch, ignore_errors=True)
    return "" if os.waitstatus_to_exitcode(code) == 0 else reason or f"exit status {code}"


def probe_protections() -> dict[str, str]:
    """Which protections this machine allows: name -> "on" or "off: <reason>"."""
    status = {}
    if not sys.platform.startswith("linux"):
        off = "off: not Linux"
        return dict.fromkeys(["namespaces", "view", "user", "capabilities", "cgroup"], off) | {
            "memory": "polling"
        }
    failure = _try_in_namespaces(view=False)
    status["namespaces"] = (
        "on" if not failure else f"off: unshare is not permitted here ({failure})"
    )
    if failure:
        status["view"] = "off: needs the namespaces"
    else:
        failure = _try_in_namespaces(view=True)
        status["view"] = "on" if not failure else f"off: the view could not be built ({failure})"
    python = os.path.realpath(sys.executable)
    if os.geteuid() != 0:
        status["user"] = "off: the grader does not run as root"
    elif status["view"] == "on":
        closed = [p for p in [*view_paths(), python] if not open_to_others(p)]
        status["user"] = (
            "on"
            if not closed
            else f"off: {closed[0]} is not readable by other users; the worker runs as uid 0 "
            "in the read-only view, without capabilities"
        )
    elif not _reachable_by_others(Path(python)):
        status["user"] = f"off: the interpreter {python} is not reachable for an unprivileged user"
    else:
        status["user"] = "on"
    status["capabilities"] = "on" if os.geteuid() == 0 else "on (no_new_privs; none to drop)"
    groups = _cgroup_dirs()
    status["cgroup"] = "on" if groups else "off: no writable cgroup"
    status["memory"] = "cgroup" if groups else "polling"
    return status


class Sandbox:
    """The grader's side of one worker's isolation: its cgroup or the polling fallback.

    Args:
        limits: the limits.
        use_cgroup: make a cgroup (when the machine allows it).
    """

    def __init__(self, limits: Limits, use_cgroup: bool = True) -> None:
        self.limits = limits
        self.dirs: list[Path] = []
        self.memory_exceeded = False
        self._poller: threading.Thread | None = None
        self._stop_poll = threading.Event()
        if use_cgroup:
            name = f"autograder-{os.getpid()}-{id(self):x}-{time.monotonic_ns()}"
            for controller, root in _cgroup_dirs().items():
                folder = root / name
                folder.mkdir()
                self.dirs.append(folder)
                limit = limits.memory_mb * 1024 * 1024
                if controller == "memory":
                    (folder / "memory.limit_in_bytes").write_text(str(limit))
                    try:
                        (folder / "memory.memsw.limit_in_bytes").write_text(str(limit))
                    except OSError:
                        pass
                elif controller == "pids":
                    (folder / "pids.max").write_text(str(limits.processes))
                else:
                    (folder / "memory.max").write_text(str(limit))
                    (folder / "memory.swap.max").write_text("0")
                    (folder / "pids.max").write_text(str(limits.processes))

    @property
    def uses_cgroup(self) -> bool:
        """Whether the worker's tree is in a cgroup."""
        return bool(self.dirs)

    def watch(self, pid: int) -> None:
        """Without a cgroup: poll the resident memory of ``pid``'s tree, kill it over the limit."""
        if self.uses_cgroup:
            return
        self._stop_poll.clear()
        self.memory_exceeded = False

        def poll() -> None:
            limit = self.limits.memory_mb * 1024 * 1024
            while not self._stop_poll.wait(0.02):
                tree = _tree(pid)
                if not tree:
                    return
                if sum(_rss(p) for p in tree) > limit:
                    self.memory_exceeded = True
                    for p in tree:
                        try:
                            os.kill(p, signal.SIGKILL)
                        except OSError:
                            pass
                    return

        self._poller = threading.Thread(target=poll, daemon=True)
        self._poller.start()

    def out_of_memory(self) -> bool:
        """Whether the tree was stopped for exceeding the memory limit."""
        if self.memory_exceeded:
            return True
        for folder in self.dirs:
            control = folder / "memory.oom_control"
            events = folder / "memory.events"
            text = control.read_text() if control.exists() else ""
            text += events.read_text() if events.exists() else ""
            for line in text.splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
            failcnt = folder / "memory.failcnt"
            if failcnt.exists() and int(failcnt.read_text()) > 0 and not _procs(folder):
                return True
        return False

    def hit_process_limit(self) -> bool:
        """Whether the tree was refused a new process or thread by the cgroup's limit."""
        for folder in self.dirs:
            events = folder / "pids.events"
            if events.exists():
                for line in events.read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "max" and int(value) > 0:
                        return True
        return False

    def kill_all(self) -> None:
        """End every process of the tree (those that left the process group too)."""
        self._stop_poll.set()
        for _ in range(50):
            pids = [p for folder in self.dirs for p in _procs(folder)]
            if not pids:
                break
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)

    def close(self) -> None:
        """End the tree and remove the cgroup."""
        self.kill_all()
        for folder in self.dirs:
            for _ in range(250):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    for p in _procs(folder):
                        try:
                            os.kill(p, signal.SIGKILL)
                        except OSError:
                            pass
                    time.sleep(0.02)
        self.dirs = []


def remove_cgroups(owner: int) -> None:
    """End the processes of, and remove, every cgroup that process ``owner`` made for workers."""
    for root in _cgroup_dirs().values():
        for folder in root.glob(f"autograder-{owner}-*"):
            guard = Sandbox.__new__(Sandbox)
            guard.dirs, guard.memory_exceeded = [folder], False
            guard._stop_poll = threading.Event()
            guard.close()


def _procs(folder: Path) -> list[int]:
    try:
        return [int(x) for x in (folder / "cgroup.procs").read_text().split()]
    except OSError:
        return []


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid not in out and (pid == root and Path(f"/proc/{pid}").exists() or pid != root):
            out.append(pid)
            todo += children.get(pid, [])
    return out


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def enter(config: SandboxConfig, keep_fds: tuple[int, ...]) -> None:
    """Apply the sandbox to this (the worker's) process, before any submission code runs.

    With namespaces, this process becomes a shim that waits for the namespace's init, which waits
    for the worker; only the worker returns from this function.
    """
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the worker ends if the grader dies
    if os.getppid() == 1:
        os._exit(1)
    for folder in config.cgroup:
        Path(folder, "cgroup.procs").write_text(str(os.getpid()))
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")
    except OSError:
        pass
    limits = config.limits
    if config.namespaces:
        _check(_libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
        _become_init_then_worker()
        mount("none", "/", None, MS_REC | MS_PRIVATE)
        if config.view:
            enter_view(config.view_root, config.workspace, limits.tmp_mb)
        else:
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
    file_bytes = limits.file_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    if config.user:
        for root, dirs, files in os.walk(config.workspace):
            for name in [root, *[os.path.join(root, n) for n in dirs + files]]:
                os.chown(name, NOBODY, NOBODY, follow_symlinks=False)
        counted = any(Path(c).parent in (CGROUP_ROOT, CGROUP_ROOT / "pids") for c in config.cgroup)
        if not counted:  # RLIMIT_NPROC counts every process of the uid, other workers' too
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    _drop_privileges(config.user)
    del keep_fds


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_privileges(user: bool) -> None:
    """Empty the capability bounding set, set no_new_privs, then become ``nobody`` (``user``)
    or keep the uid with no capabilities; checked in ``/proc/self/status`` afterwards."""
    libc = _libc()
    was_root = os.geteuid() == 0
    if was_root:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
        for cap in range(last + 1):
            _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"dropping capability {cap}")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if user:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    else:
        header, data = _CapHeader(CAPABILITY_VERSION_3, 0), (_CapData * 2)()
        _check(libc.capset(ctypes.byref(header), data), "capset")
    status = dict(
        line.split(":\t", 1) for line in Path("/proc/self/status").read_text().splitlines()
    )
    held = [k for k in ("CapEff", "CapPrm", "CapInh", "CapAmb") if int(status[k], 16)]
    if was_root and int(status["CapBnd"], 16):
        held.append("CapBnd")
    if held or status.get("NoNewPrivs", "").strip() != "1":
        raise OSError(f"privileges remain after dropping them: {', '.join(held) or 'NoNewPrivs'}")


def _become_init_then_worker() -> None:
    """Fork twice: this process waits (shim), the first child is PID 1, the second works on."""
    libc = _libc()
    shim_child = os.fork()
    if shim_child:
        _wait_and_exit(shim_child)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    worker = os.fork()
    if worker:
        _wait_and_exit(worker)  # PID 1: when it exits, the kernel ends the whole namespace
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _wait_and_exit(child: int) -> None:
    """Reap children until ``child`` ends, then exit with its status (signals as 128 + n)."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(1)
        if pid == child:
            if os.WIFSIGNALED(status):
                os._exit(128 + os.WTERMSIG(status))
            os._exit(os.WEXITSTATUS(status))
