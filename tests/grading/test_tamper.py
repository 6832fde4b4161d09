"""Tampering corpus: a submission tries to change the grader, the next grading or other files.

Graded on a realistic machine (this one: Python under root's home, the kit installed editable,
other copies of the kit and a copy of the reference on the disk), each attempt reports what
happened to it (``done`` or the error number), and the test asserts which protection stopped it:
the allowlist view (``EROFS``: the path is in the view, read-only; ``ENOENT``: the path does
not exist in the view), the unprivileged user (``EACCES``), the missing capabilities
(``EPERM``) or the private ``/tmp`` (the write went through, but not to the machine's ``/tmp``).
Checksums of the kit, the environment's site-packages, the submissions folder and a file in
``$HOME`` are compared before and after grading.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import site
import sys
from pathlib import Path

import pytest

from autograder.assignment.tasks import load_tasks
from autograder.grading import grade
from autograder.grading.results import task_scores

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sandbox")

KIT = Path(__file__).resolve().parents[2]
DROPPED = "/tmp/agtamper_dropped.py"  # a module a later grading might import

# Runs in the submission: each attempt returns "done", an errno name or a short finding.
TAMPER = (Path(__file__).parent / "tamper" / "tamper.py").read_text(encoding="utf-8")

FIXTURE_SCALER = (
    TAMPER
    + """
class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        raise RuntimeError("TAMPER" + json.dumps(tamper()) + "TAMPER")
"""
)

# At the end of HW1's layers.py: anything that went through stops the import (the score shows it).
HW1_PRELUDE = (
    TAMPER
    + """
_got = tamper()
_bad = {k: v for k, v in _got.items() if v == "done" and k != "drop_module_in_tmp"}
_bad.update({k: v for k, v in _got.items() if v.startswith("found")})
if _bad or not _got["privileges"].startswith("CapEff=0000000000000000 CapBnd=0000000000000000"):
    raise RuntimeError(f"tampering went through: {_got}")
"""
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path, *, hash_all: bool = True) -> dict[str, tuple]:
    """Every file under ``folder``: size, modification time and (small or top-level) content hash.

    With ``hash_all=False`` (site-packages: about 100,000 files) only top-level files, where a
    ``.pth`` takes effect, are hashed; for the rest a write shows in the size or time.
    """
    out: dict[str, tuple] = {}
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            path = Path(root, name)
            if path.is_symlink():
                out[str(path)] = ("link", os.readlink(path))
                continue
            info = path.stat()
            top = Path(root) == folder
            content = _digest(path) if (hash_all or top) and info.st_size < 1 << 22 else ""
            out[str(path)] = (info.st_size, info.st_mtime_ns, content)
    return out


def _machine(tmp_path: Path, fixture_kit: Path, monkeypatch) -> dict[str, Path]:
    """The paths the corpus aims at, with the realistic pieces laid out; env vars for the attack."""
    import autograder

    home = Path.home()
    home_file = home / f".agtamper-home-{os.getpid()}"
    home_file.write_text("a file the student must not change\n")
    copy = home / f".agtamper-copy-{os.getpid()}"
    shutil.copytree(fixture_kit / "solutions", copy / "solutions")
    submissions = tmp_path / "submissions"
    for student in ("alice", "bob"):
        shutil.copytree(fixture_kit / "solutions" / "fx_ops", submissions / student / "fx_ops")
    site_packages = Path(next(p for p in site.getsitepackages() if Path(p).is_dir()))
    paths = {
        "AGT_SITE": site_packages,
        "AGT_KIT_MODULE": Path(autograder.__file__),
        "AGT_PUBLIC_TEST": KIT / "assignments" / "hw1_mlp_numpy" / "tests" / "test_layers.py",
        "AGT_SUBMISSIONS": submissions,
        "AGT_HOME_FILE": home_file,
        "AGT_COPY": copy / "solutions" / "fx_ops" / "scaler.py",
        "AGT_CHECKOUT_SOLUTION": KIT / "solutions" / "hw1_mlp_numpy" / "layers.py",
        "AGT_DROPPED": Path(DROPPED),
    }
    assert all(p.exists() for k, p in paths.items() if k != "AGT_DROPPED"), paths
    for key, value in paths.items():
        monkeypatch.setenv(key, str(value))
    return paths


def _snapshots(paths: dict[str, Path], fixture_kit: Path) -> dict[str, dict]:
    return {
        "kit package": snapshot(paths["AGT_KIT_MODULE"].parent),
        "kit assignments": snapshot(KIT / "assignments"),
        "kit solutions": snapshot(KIT / "solutions"),
        "fixture kit": snapshot(fixture_kit),
        "site-packages": snapshot(paths["AGT_SITE"], hash_all=False),
        "submissions": snapshot(paths["AGT_SUBMISSIONS"]),
        "home file": snapshot(paths["AGT_HOME_FILE"].parent, hash_all=False),
        "reference copy": snapshot(paths["AGT_COPY"].parents[2]),
    }


@pytest.fixture()
def machine(tmp_path, fixture_kit, monkeypatch):
    Path(DROPPED).unlink(missing_ok=True)
    paths = _machine(tmp_path, fixture_kit, monkeypatch)
    yield paths
    paths["AGT_HOME_FILE"].unlink(missing_ok=True)
    shutil.rmtree(paths["AGT_COPY"].parents[2], ignore_errors=True)
    Path(DROPPED).unlink(missing_ok=True)


def _changed(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    out = []
    for name, files in before.items():
        now = after[name]
        out += [f"{name}: {p}" for p in sorted(set(files) | set(now)) if files.get(p) != now.get(p)]
    return out


def _expected(user_on: bool) -> dict[str, str]:
    """The outcome each attempt must have, by the protection that stops it."""
    view_present, view_absent = "EROFS", "ENOENT"  # in the view read-only / not in the view
    owner_write = "EACCES" if user_on else "EROFS"  # nobody is refused first; root meets EROFS
    return {
        "pth_into_site_packages": view_present,
        "append_to_kit_module": owner_write,
        "append_to_public_test": view_absent,
        "write_into_submissions": view_absent,
        "append_to_home_file": view_present,
        "read_reference_copy": view_absent,
        "read_checkout_solutions": view_absent,
        "drop_module_in_tmp": "done",  # private /tmp: checked on the machine's /tmp below
        "remount_root_writable": "EPERM",  # no capabilities
        "search_the_disk": "nothing",
    }


@pytest.mark.parametrize("worker_user", ["nobody", "keep"])
def test_tampering_is_stopped_by_the_named_protection(worker_user, machine, fixture_kit, tmp_path):
    before = _snapshots(machine, fixture_kit)
    alice = machine["AGT_SUBMISSIONS"] / "alice" / "fx_ops"
    (alice / "scaler.py").write_text(FIXTURE_SCALER)
    before["submissions"] = snapshot(machine["AGT_SUBMISSIONS"])
    out = tmp_path / "out" / "results.json"
    results = grade(fixture_kit, "fx_ops", alice.parent, out, worker_user=worker_user)

    protections = results["extra_data"]["protections"]
    assert protections["view"] == "on", protections
    user_on = protections["user"] == "on"
    assert user_on == (worker_user == "nobody"), protections
    text = next(t["output"] for t in results["tests"] if "TAMPER" in t["output"])
    got = json.loads(re.search(r"TAMPER(.*)TAMPER", text).group(1))
    privileges = got.pop("privileges")
    assert got == _expected(user_on)
    assert privileges == "CapEff=0000000000000000 CapBnd=0000000000000000 NoNewPrivs=1"
    assert not os.path.exists(DROPPED), "a file dropped in the worker's /tmp reached the machine's"
    assert _changed(before, _snapshots(machine, fixture_kit)) == []
    assert task_scores(results) == {"1.1": 4, "1.2": 0}


def test_hw1_reference_with_tampering_at_import_keeps_full_marks_and_changes_nothing(
    machine, fixture_kit, tmp_path
):
    assignment = load_tasks(KIT / "solutions" / "hw1_mlp_numpy")
    student = machine["AGT_SUBMISSIONS"] / "carol" / "hw1_mlp_numpy"
    student.mkdir(parents=True)
    for name in assignment.editable_files:
        shutil.copy(KIT / "solutions" / "hw1_mlp_numpy" / name, student / name)
    (student / "layers.py").write_text(
        (KIT / "solutions" / "hw1_mlp_numpy" / "layers.py").read_text() + HW1_PRELUDE
    )
    before = _snapshots(machine, fixture_kit)
    results = grade(KIT, "hw1_mlp_numpy", student.parent, tmp_path / "out" / "results.json")

    failed = [(t["name"], t["output"]) for t in results["tests"] if t["score"] < t["max_score"]]
    assert failed == [], failed[:3]
    assert results["extra_data"]["protections"]["view"] == "on"
    assert not os.path.exists(DROPPED)
    assert _changed(before, _snapshots(machine, fixture_kit)) == []


def test_snapshot_sees_an_append_a_new_file_and_a_same_size_rewrite(tmp_path: Path):
    (tmp_path / "a.py").write_text("x = 1\n")
    first = snapshot(tmp_path)
    stat = (tmp_path / "a.py").stat()
    (tmp_path / "a.py").write_text("x = 2\n")
    os.utime(tmp_path / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _changed({"t": first}, {"t": snapshot(tmp_path)}) == [f"t: {tmp_path / 'a.py'}"]
    (tmp_path / "b.pth").write_text("import os\n")
    assert len(_changed({"t": first}, {"t": snapshot(tmp_path, hash_all=False)})) == 2
