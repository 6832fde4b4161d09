"""The attack corpus: submissions that try to cheat, crash or escape the grader.

Each attack (a file in ``attacks/``) replaces the fixture's ``scaler.py`` (task 1.2); ``ops.py``
(task 1.1) stays honest.
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

from autograder.assignment.tasks import load_tasks
from autograder.grading import grade
from autograder.grading.intake import collect_editable
from autograder.grading.results import task_scores

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sandbox")

MARK = "agattack"  # every process an attack starts carries this word in its command line

ATTACK_DIR = Path(__file__).parent / "attacks"


def _load_attacks() -> dict[str, tuple[str, str]]:
    """name -> (scaler.py source, a phrase of the message that says what stopped it).

    Each file of ``attacks/`` is one submission's ``scaler.py``; its first line is
    ``# phrase: <phrase>``.
    """
    attacks = {}
    for path in sorted(ATTACK_DIR.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        first = source.splitlines()[0]
        assert first.startswith("# phrase: "), path
        attacks[path.stem] = (source, first.removeprefix("# phrase: "))
    return attacks


ATTACKS = _load_attacks()


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

    assert task_scores(results) == {"1.1": 4, "1.2": 0}, results["output"]
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
    assert task_scores(results) == {"1.1": 4, "1.2": 0}
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
        assert task_scores(results)["1.2"] > 0
    else:
        assert listener and listener[0] == b"leak"


# The whole corpus replayed inside a TensorFlow submission: HW3's skeleton with the attack in
# dropout.py, whose Dropout.call runs Scaler.apply (the worker has imported TensorFlow and Keras
# first, and a spare worker is kept ready beside it).
TF_DROPOUT = """

import keras
import numpy as np


class Dropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x, training=False):
        return Scaler(2.0).apply(np.asarray(x))
"""
TF_TEST = """
import numpy as np

from autograder.authoring import graded, submission

dropout = submission("hw3_cnn_tf.dropout")


@graded("3.2", points=14)
def test_dropout_runs():  # the honest Scaler(2.0).apply doubles its input
    out = dropout.Dropout(0.5)(np.ones((4, 4), dtype="float32"), training=True)
    assert np.array_equal(out, np.full((4, 4), 2.0))
"""


@pytest.fixture(scope="module")
def tf_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HW3 with one public test of 3.2, 10 s per test and 1024 MiB (so the attacks end soon)."""
    pytest.importorskip("tensorflow")
    kit = tmp_path_factory.mktemp("tf-kit")
    kit_root = Path(__file__).resolve().parents[2]
    for tree in ("solutions", "assignments"):
        shutil.copytree(kit_root / tree / "hw3_cnn_tf", kit / tree / "hw3_cnn_tf")
        tests = kit / tree / "hw3_cnn_tf" / "tests"
        shutil.rmtree(tests)
        tests.mkdir()
        (tests / "test_attack.py").write_text(TF_TEST)
        toml = kit / tree / "hw3_cnn_tf" / "tasks.toml"
        text = toml.read_text().replace("time_limit = 120.0", "time_limit = 10.0")
        toml.write_text(text.replace("memory_mb = 4096", "memory_mb = 1024"))
    return kit


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_inside_a_tensorflow_submission_is_contained(
    name, tf_kit, tmp_path, listener, monkeypatch
):
    monkeypatch.setenv("AGATTACK_KIT", str(tf_kit))
    source, _ = ATTACKS[name]
    student = tmp_path / "student" / "hw3_cnn_tf"
    student.mkdir(parents=True)
    (student / "dropout.py").write_text(source + TF_DROPOUT)
    results = grade(tf_kit, "hw3_cnn_tf", student.parent, tmp_path / "out" / "results.json")

    assert results["score"] == 0 and results["max_score"] == 14, results["output"]
    assert listener == [], "the submission reached a listener on 127.0.0.1"
    assert _leftovers() == []
    assert _orphan_cgroups() == [], "a cgroup of the worker was left behind"
    assert '"score": 1000' not in (tmp_path / "out" / "results.json").read_text()
