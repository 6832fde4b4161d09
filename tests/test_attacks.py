"""The attack corpus: submissions that try to cheat, crash or escape the grader.

Each attack replaces the fixture's ``scaler.py`` (task 1.2); ``ops.py`` (task 1.1) stays honest.
For every attack: grading finishes, task 1.2 scores 0, task 1.1 keeps its 4 points, the message
names what stopped it, and no process or cgroup of the attack is left on the machine.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from autograder.grading import collect_editable, grade
from autograder.tasks import load_tasks

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sandbox")

MARK = "agattack"  # every process an attack starts carries this word in its command line

HEAD = "import os, sys, time, subprocess, socket, threading\nimport numpy as np\n\n"
CLASS = """
class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        self.calls += 1
{body}
"""


def _apply(body: str, module: str = "") -> str:
    """A scaler.py whose ``apply`` runs ``body`` (indented 8 spaces)."""
    indented = "\n".join("        " + line for line in body.strip().splitlines())
    return HEAD + module + CLASS.format(body=indented)


WRONG = "return np.zeros_like(x)"

ATTACKS: dict[str, tuple[str, str]] = {
    # name: (scaler.py source, a phrase of the message that says what stopped it)
    "forge_results_file": (
        _apply(
            """
for path in glob.glob('/tmp/**/results.json*', recursive=True) + ['../results.jsonl']:
    try:
        open(path, 'w').write('{"score": 1000}')
    except OSError:
        pass
"""
            + WRONG,
            "import glob\n",
        ),
        "Scaler.apply(x)",
    ),
    "monkeypatch_numpy_allclose": (
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = "
        "lambda *a, **k: None\n" + _apply(WRONG),
        "Scaler.apply(x)",
    ),
    "monkeypatch_pytest_and_harness": (
        "import pytest, autograder.testing as t, autograder.plugin as p\n"
        "pytest.fail = lambda *a, **k: None\nt.assert_close = lambda *a, **k: None\n"
        "p.feedback = lambda *a, **k: ('passed', '')\n" + _apply(WRONG),
        "Scaler.apply(x)",
    ),
    "always_equal_object": (
        _apply(
            "class Eq:\n    def __eq__(self, other):\n        return True\n"
            "    def __array__(self, dtype=None, copy=None):\n        return np.ones(1)\n"
            "return Eq()"
        ),
        "expected a numpy array",
    ),
    "ndarray_subclass": (
        _apply(
            "class Sub(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
            "return np.zeros_like(x).view(Sub)"
        ),
        "expected a numpy array",
    ),
    "object_dtype_array": (
        _apply("return np.array([object()] * len(x), dtype=object)"),
        "could not be sent back",
    ),
    "deeply_nested_reply": (
        _apply("v = []\nfor _ in range(100):\n    v = [v]\nreturn v"),
        "could not be sent back",
    ),
    "garbage_on_the_channel": (
        _apply(
            """
for fd in os.listdir('/proc/self/fd'):
    try:
        if 'pipe' in os.readlink(f'/proc/self/fd/{fd}'):
            os.write(int(fd), b'garbage garbage garbage garbage')
    except OSError:
        pass
time.sleep(1)
"""
            + WRONG
        ),
        "malformed reply",
    ),
    "os_exit_zero": (_apply("os._exit(0)"), "process ended"),
    "sys_exit": (_apply("sys.exit(0)"), "SystemExit"),
    "raise_systemexit_at_import": ("raise SystemExit(0)\n", "SystemExit"),
    "keyboard_interrupt": (_apply("raise KeyboardInterrupt"), "KeyboardInterrupt"),
    "infinite_loop": (_apply("while True:\n    pass"), "wall-clock limit"),
    "memory_in_256mib_steps": (
        _apply(
            "blocks = []\nwhile True:\n    b = bytearray(256 * 1024 * 1024)\n"
            "    b[::4096] = b'x' * len(b[::4096])\n    blocks.append(b)"
        ),
        "memory limit of 1024 MiB",
    ),
    "fork_repeatedly": (
        _apply(
            f"""
while True:
    if os.fork() == 0:
        os.execvp('sleep', ['sleep', '300', '{MARK}'])
"""
        ),
        "limit of processes and threads",
    ),
    "setsid_process_outlives_worker": (
        _apply(f"subprocess.Popen(['sleep', '300', '{MARK}'], start_new_session=True)\n" + WRONG),
        "Scaler.apply(x)",
    ),
    "print_a_gigabyte": (
        _apply("chunk = 'x' * (1 << 20)\nfor _ in range(1024):\n    print(chunk)\n" + WRONG),
        "file-size limit",
    ),
    "write_a_huge_file": (
        _apply(
            "with open('big.bin', 'wb') as fh:\n    for _ in range(1024):\n"
            "        fh.write(b'0' * (1 << 20))\n" + WRONG
        ),
        "file-size limit",
    ),
    "read_and_run_the_reference": (
        _apply(
            """
import autograder
roots = [os.path.dirname(os.path.dirname(autograder.__file__)), os.environ['AGATTACK_KIT']]
found = [p for r in roots for p in glob.glob(r + '/solutions/**/*.py', recursive=True)]
for path in found:
    print(open(path).read())
    if path.endswith('fx_ops/scaler.py'):
        space = {}
        exec(open(path).read(), space)
        return space['Scaler'](self.factor).apply(x)
"""
            + WRONG,
            "import glob\n",
        ),
        "Scaler.apply(x)",
    ),
    "connect_to_local_listener": (
        _apply(
            """
try:
    port = int(os.environ.get('AGATTACK_PORT', '1'))
    socket.create_connection(('127.0.0.1', port), timeout=1).sendall(b'leak')
except OSError:
    pass
"""
            + WRONG
        ),
        "Scaler.apply(x)",
    ),
    "kill_the_parent": (
        _apply(
            "for target in (os.getppid(), -1):\n    try:\n        os.kill(target, 9)\n"
            "    except OSError:\n        pass\n    time.sleep(0.5)\n" + WRONG
        ),
        "Scaler.apply(x)",
    ),
    "change_cwd_and_sys_path": (
        _apply(WRONG, "os.chdir('/')\nsys.path[:] = ['/nonexistent']\n"),
        "Scaler.apply(x)",
    ),
    "sleeping_background_thread": (
        _apply("threading.Thread(target=time.sleep, args=(600,), daemon=False).start()\n" + WRONG),
        "Scaler.apply(x)",
    ),
}


def _orphan_cgroups() -> list[str]:
    """Worker cgroups whose grading process has ended (a grader running beside us is fine)."""
    found = glob.glob("/sys/fs/cgroup/*/autograder-*") + glob.glob("/sys/fs/cgroup/autograder-*")
    return [g for g in found if not Path(f"/proc/{Path(g).name.split('-')[1]}").exists()]


def _leftovers() -> list[str]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if MARK in cmd and "pytest" not in cmd:
                out.append(f"{entry}: {cmd}")
    return out


@pytest.fixture()
def listener(monkeypatch):
    """A TCP listener on 127.0.0.1 that records whether anything connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn.recv(100) or b"connected")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setenv("AGATTACK_PORT", str(server.getsockname()[1]))
    yield seen
    stop.set()
    thread.join()
    server.close()


def _by_task(results: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in results["tests"]:
        out[t["number"]] = out.get(t["number"], 0.0) + t["score"]
    return out


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_contained(name, fixture_kit: Path, tmp_path: Path, listener, monkeypatch):
    monkeypatch.setenv("AGATTACK_KIT", str(fixture_kit))
    source, phrase = ATTACKS[name]
    student = tmp_path / "student" / "fx_ops"
    student.mkdir(parents=True)
    shutil.copy(fixture_kit / "solutions" / "fx_ops" / "ops.py", student / "ops.py")
    (student / "scaler.py").write_text(source)
    out = tmp_path / "out" / "results.json"
    results = grade(fixture_kit, "fx_ops", student.parent, out)

    assert _by_task(results) == {"1.1": 4, "1.2": 0}, results["output"]
    outputs = [t["output"] for t in results["tests"] if t["number"] == "1.2"]
    assert any(phrase in o for o in outputs), outputs
    assert all("def test" not in o and "np.full" not in o for o in outputs)
    assert listener == [], "the submission reached a listener on 127.0.0.1"
    assert _leftovers() == []
    assert _orphan_cgroups() == [], "a cgroup of the worker was left behind"
    written = out.read_text()
    assert '"score": 1000' not in written


def test_protections_are_on_when_grading_as_root(fixture_kit: Path, tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("namespaces and cgroups need root")
    results = grade(
        fixture_kit, "fx_ops", fixture_kit / "solutions" / "fx_ops", tmp_path / "r.json"
    )
    status = results["extra_data"]["protections"]
    assert status["namespaces"] == "on" and status["cgroup"] == "on"
    assert status["view"] == "on" and status["capabilities"] == "on"
    assert status["memory"] == "cgroup"
    assert status["user"] == "on" or "not readable by other users" in status["user"]


def test_grading_with_protections_off_still_works_and_says_so(fixture_kit, tmp_path):
    results = grade(
        fixture_kit,
        "fx_ops",
        fixture_kit / "solutions" / "fx_ops",
        tmp_path / "r.json",
        sandbox=False,
    )
    assert results["score"] == results["max_score"] == 10
    assert "Protections off: namespaces off: switched off" in results["output"]
    assert set(results["extra_data"]["protections"]) >= {"namespaces", "user", "cgroup"}


def test_memory_polling_fallback_stops_a_hog(fixture_kit: Path, tmp_path: Path, monkeypatch):
    from autograder.runtime import sandbox

    monkeypatch.setattr(sandbox, "_cgroup_dirs", lambda: {})
    limits = sandbox.Limits(memory_mb=300)
    guard = sandbox.Sandbox(limits)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "b = []\nwhile True: b.append(bytearray(64 << 20)); "
            "b[-1][::4096] = b'x' * len(b[-1][::4096])",
        ]
    )
    guard.watch(proc.pid)
    assert proc.wait(timeout=60) == -9
    assert guard.out_of_memory()
    guard.close()


def _zip(path: Path, entries: dict[str, bytes], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return path


def test_zip_traversal_symlink_and_bomb_are_ignored(fixture_kit: Path, tmp_path: Path):
    assignment = load_tasks(fixture_kit / "assignments" / "fx_ops")
    honest = (fixture_kit / "solutions" / "fx_ops" / "ops.py").read_bytes()
    archive = _zip(
        tmp_path / "evil.zip",
        {
            "../../fx_ops/ops.py": b"raise SystemExit\n",
            "fx_ops/ops.py": honest,
            "fx_ops/scaler.py": b"0" * (300 << 20),
        },
        link="fx_ops/scaler.py.lnk",
    )
    assert archive.stat().st_size < 2 << 20
    found, notes = collect_editable(archive, assignment)
    assert found == {"ops.py": honest}
    assert any("scaler.py" in n and "larger than" in n for n in notes)
    results = grade(fixture_kit, "fx_ops", archive, tmp_path / "r.json")
    assert _by_task(results) == {"1.1": 4, "1.2": 0}
    assert "scaler.py" in results["output"]
    assert not (tmp_path.parent / "fx_ops").exists()


@pytest.mark.parametrize("name", ["read_and_run_the_reference", "connect_to_local_listener"])
def test_the_same_attacks_succeed_without_the_sandbox(
    name, fixture_kit, tmp_path, listener, monkeypatch
):
    """Proof that the corpus attacks for real: with the protections off they work."""
    monkeypatch.setenv("AGATTACK_KIT", str(fixture_kit))
    student = tmp_path / "student" / "fx_ops"
    student.mkdir(parents=True)
    shutil.copy(fixture_kit / "solutions" / "fx_ops" / "ops.py", student / "ops.py")
    (student / "scaler.py").write_text(ATTACKS[name][0])
    results = grade(fixture_kit, "fx_ops", student.parent, tmp_path / "r.json", sandbox=False)
    if name == "read_and_run_the_reference":
        assert _by_task(results)["1.2"] > 0
    else:
        assert listener and listener[0] == b"leak"
