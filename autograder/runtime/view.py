"""The worker's view of the disk: a new root that holds only what the submission needs.

The view is an allowlist, built by construction rather than by hiding paths: a fresh tmpfs
becomes the worker's root (``pivot_root``), and only these are mounted into it, each at its own
path so that the interpreter's absolute paths keep working:

- read-only: the interpreter's prefixes (standard library, ``bin``), every ``site-packages`` of
  the environment, the folders of editable installs (the ``autograder`` package itself, never the
  checkout around it), system folders (``/usr/{bin,lib,share,...}``, ``/lib*``, ``/bin``), the
  few files of ``/etc`` that Python, numpy, TensorFlow and PyTorch read (``ld.so.cache``, the
  time zone, ``alternatives``; ``passwd``/``group``/``hosts`` are written new, with root and
  nobody only), ``/sys`` without its submounts, and the GPU's device files when present;
- writable: the workspace (the fresh copy of release + submission), a private size-limited
  ``/tmp`` and ``/dev/shm``, and a ``/dev`` holding ``null``, ``zero``, ``full``, ``random``,
  ``urandom``;
- a fresh ``/proc`` for the worker's PID namespace, with ``/proc/sys`` and its kin read-only.

Nothing else exists in the view: no home folders, no other checkout or copy of the kit, no
submissions, no output folder. The root tmpfs itself is read-only once built.

Bubblewrap builds the same kind of root; the kit builds it itself (about forty lines of mount
calls) so that one code path runs everywhere, with no package to install on grading machines, and
is the path CI tests.

``view_paths`` lists the read-only folders for this interpreter (the grader reports them);
``enter_view`` builds the view and moves the calling process into it (root in a new mount
namespace only).
"""

from __future__ import annotations

import ctypes
import glob
import os
import platform
import stat
import sys
from pathlib import Path

__all__ = ["SYSTEM_PATHS", "ViewError", "enter_view", "mount", "open_to_others", "view_paths"]

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND = 32, 4096
MNT_DETACH = 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41, "riscv64": 41, "ppc64le": 203}

SYSTEM_PATHS = (
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libx32",
    "/usr/libexec",
    "/usr/share",
)
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/alternatives",
    "/etc/nsswitch.conf",
    "/etc/os-release",
)
ETC_WRITTEN = {
    "passwd": "root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n",
    "group": "root:x:0:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost\n::1 localhost\n",
}
DEV_FILES = ("null", "zero", "full", "random", "urandom")
DEV_LINKS = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1"}
DEV_LINKS["stderr"] = "/proc/self/fd/2"
PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs")
NEVER = ("/", "/tmp", "/dev", "/proc", "/etc", "/var/tmp", "/dev/shm")


class ViewError(OSError):
    """The view could not be built."""


def _editable_folders() -> list[str]:
    """Folders that setuptools' editable finders map package names to (loaded finders only)."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("__editable___") and name.endswith("_finder"):
            mapping = getattr(module, "MAPPING", {})
            found += [str(v) for v in mapping.values() if isinstance(v, str)]
    return found


# Where GPU machines keep the NVIDIA driver's user-space libraries and CUDA (read-only, when
# /dev/nvidia* exists): without them torch in the worker finds "no NVIDIA driver".
GPU_PATHS = ("/usr/local/nvidia", "/usr/local/cuda", "/usr/lib/x86_64-linux-gnu/nvidia")


def view_paths() -> list[str]:
    """The folders this interpreter needs, mounted read-only in the view (sorted, no nesting).

    The interpreter's prefixes, each ``site-packages`` folder on ``sys.path``, the ``autograder``
    package and editable installs' package folders, the system folders that exist, and on a GPU
    machine the driver's and CUDA's folders (``GPU_PATHS`` and ``LD_LIBRARY_PATH`` entries under
    ``/usr`` or ``/opt``). A
    ``sys.path`` entry that is none of these (a checkout added by a ``.pth`` file or
    ``PYTHONPATH``) is left out: it may hold solutions.
    """
    wanted = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    wanted.add(os.path.dirname(os.path.realpath(sys.executable)))
    wanted.add(os.path.dirname(sys.executable))
    wanted |= {p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)}
    wanted.add(str(Path(__file__).resolve().parents[1]))  # the autograder package
    wanted |= set(_editable_folders())
    wanted |= set(SYSTEM_PATHS)
    if glob.glob("/dev/nvidia*"):  # a GPU: its driver's and CUDA's libraries, wherever they are
        wanted |= set(GPU_PATHS)
        library_path = os.environ.get("LD_LIBRARY_PATH", "").split(":")
        wanted |= {p for p in library_path if p.startswith(("/usr/", "/opt/"))}
    paths = set()
    for path in wanted:
        if not os.path.exists(path):
            continue
        for form in {os.path.abspath(path), os.path.realpath(path)}:
            if form not in NEVER:
                paths.add(form)
    out: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(os.path.join(kept, "")) for kept in out):
            out.append(path)
    return out


def open_to_others(path: str) -> bool:
    """Whether ``path`` itself (not the folders above it) is readable by any user."""
    mode = os.stat(path).st_mode
    readable = bool(mode & stat.S_IROTH)
    return readable and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def mount(source: str, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    """mount(2), raising ``ViewError`` with the path and the reason when it fails."""
    result = _libc().mount(
        source.encode(),
        target.encode(),
        fstype.encode() if fstype else None,
        flags,
        data.encode() if data else None,
    )
    if result != 0:
        err = ctypes.get_errno()
        raise ViewError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _bind(source: str, target: str, *, writable: bool = False, devices: bool = False) -> None:
    """Bind ``source`` (a folder or a file) onto ``target``, read-only unless ``writable``."""
    if os.path.isdir(source) and not os.path.islink(source):
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.exists(target):
            Path(target).touch(mode=0o644)
    mount(source, target, None, MS_BIND)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if devices else MS_NODEV)
    mount("none", target, None, flags | (0 if writable else MS_RDONLY))


def _link_or_bind(path: str, new: str) -> None:
    """Put ``path`` into the new root: its symlink as a symlink (its target bound), else bound."""
    inside = new + path
    if os.path.lexists(inside):
        return
    if os.path.islink(path):
        os.makedirs(os.path.dirname(inside), mode=0o755, exist_ok=True)
        os.symlink(os.readlink(path), inside)
        real = os.path.realpath(path)
        if not os.path.lexists(new + real):
            _bind(real, new + real)
    else:
        _bind(path, inside)


def _tmpfs(target: str, size_mb: int, mode: str, *, executable: bool = True) -> None:
    os.makedirs(target, mode=0o755, exist_ok=True)
    flags = MS_NOSUID | MS_NODEV | (0 if executable else MS_NOEXEC)
    mount("tmpfs", target, "tmpfs", flags, f"size={size_mb}m,mode={mode}")


def _pivot(new: str) -> None:
    """Make ``new`` (a mount point) this process's root; the old root is detached."""
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise ViewError(0, f"pivot_root is not known on {platform.machine()}")
    libc = _libc()
    os.chdir(new)
    if libc.syscall(number, b".", b".") != 0:
        err = ctypes.get_errno()
        raise ViewError(err, f"pivot_root: {os.strerror(err)}")
    if libc.umount2(b".", MNT_DETACH) != 0:
        err = ctypes.get_errno()
        raise ViewError(err, f"detaching the old root: {os.strerror(err)}")
    os.chdir("/")


def enter_view(new: str, workspace: str, tmp_mb: int, read_only: list[str] | None = None) -> None:
    """Build the view in ``new`` (an empty folder) and make it this process's root.

    Needs a private mount namespace and the right to mount (root), and must run in the PID
    namespace whose ``/proc`` it mounts. Afterwards ``workspace`` is at its own path, writable.

    Args:
        new: an empty folder to build the view on (covered by a tmpfs first).
        workspace: the worker's folder.
        tmp_mb: size of the private ``/tmp`` and of ``/dev/shm``, MiB.
        read_only: the read-only folders; ``view_paths()`` when None.

    Raises:
        ViewError: a mount failed (the caller must not run submission code then).
    """
    workspace = os.path.realpath(workspace)
    mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=755")
    _tmpfs(new + "/tmp", tmp_mb, "1777")
    _tmpfs(new + "/dev", 1, "755", executable=False)
    for name in DEV_FILES:
        _bind(f"/dev/{name}", f"{new}/dev/{name}", writable=True, devices=True)
    for device in sorted(glob.glob("/dev/nvidia*")):  # the GPU's, when there is one
        _bind(device, new + device, writable=True, devices=True)
    for name, target in DEV_LINKS.items():
        os.symlink(target, f"{new}/dev/{name}")
    _tmpfs(new + "/dev/shm", tmp_mb, "1777")
    for path in read_only if read_only is not None else view_paths():
        _link_or_bind(path, new)
    os.makedirs(new + "/etc", mode=0o755, exist_ok=True)
    for name, text in ETC_WRITTEN.items():
        Path(new, "etc", name).write_text(text, encoding="utf-8")
    for path in ETC_FILES:
        if os.path.lexists(path):
            _link_or_bind(path, new)
    if os.path.isdir("/sys"):
        _bind("/sys", new + "/sys")
    os.makedirs(new + "/proc", mode=0o555, exist_ok=True)
    mount("proc", new + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for name in PROC_READ_ONLY:
        if os.path.exists(f"{new}/proc/{name}"):
            _bind(f"{new}/proc/{name}", f"{new}/proc/{name}")
    _bind(workspace, new + workspace, writable=True)
    mount("none", new, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _pivot(new)
    os.environ["HOME"] = "/tmp"
    os.environ["TMPDIR"] = "/tmp"
    os.chdir(workspace)
