"""A class of twelve: the local pool and a Dask LocalCluster agree; statuses; resume; interrupts.

The class (fixture assignment ``fx_ops``, 10 points): the reference as a folder and as a zip, the
skeleton, both mutants, the variant, one module of each, a submission whose code raises, one
that crashes its worker, one that hangs under the fixture's 4 s limit, and an unreadable zip.
"""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.paths import resolve_assignment
from autograder.assignment.tasks import load_tasks
from autograder.classroom.backends import DaskBackend, LocalBackend
from autograder.classroom.pool import MissingRequirements, Outcome, grade_class

FILES = ("ops.py", "scaler.py")


def _submit(dest: Path, student: str, sources: dict[str, bytes]) -> None:
    folder = dest / student / "fx_ops"
    folder.mkdir(parents=True)
    for name, data in sources.items():
        (folder / name).write_bytes(data)


def _sources(tree: Path) -> dict[str, bytes]:
    return {f: (tree / f).read_bytes() for f in FILES}


def make_class(kit: Path, dest: Path) -> Path:
    """Twelve submissions of fx_ops in ``dest``; see the module's docstring."""
    solution, release = kit / "solutions" / "fx_ops", kit / "assignments" / "fx_ops"
    reference, skeleton = _sources(solution), _sources(release)
    _submit(dest, "reference", reference)
    _submit(dest, "skeleton", skeleton)
    _submit(dest, "only-ops", {**skeleton, "ops.py": reference["ops.py"]})
    _submit(dest, "only-scaler", {**skeleton, "scaler.py": reference["scaler.py"]})
    for kind in ("mutant", "variant"):
        for patch in load_patches(solution, kind):
            root = apply_patch(solution, patch, dest.parent / f"patched-{patch.name}")
            _submit(dest, f"{kind}-{patch.name}", _sources(root / "fx_ops"))
    ops = reference["ops.py"].decode()
    scaler = reference["scaler.py"].decode()
    raises = ops.replace("out = np.add(a, b)", "raise ValueError('no adding today')")
    _submit(dest, "raises", {"ops.py": raises.encode(), "scaler.py": reference["scaler.py"]})
    crash = ops.replace("out = np.add(a, b)", "import os; os._exit(3)")
    _submit(dest, "crashes", {"ops.py": crash.encode(), "scaler.py": reference["scaler.py"]})
    hang = scaler.replace("out = self.factor * x", "while True:\n            pass")
    _submit(dest, "hangs", {"ops.py": reference["ops.py"], "scaler.py": hang.encode()})
    with zipfile.ZipFile(dest / "zipped.zip", "w") as archive:
        for name, data in reference.items():
            archive.writestr(f"fx_ops/{name}", data)
    (dest / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    assert len(list(dest.iterdir())) == 12
    return dest


def _gradebook(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def klass(fixture_kit: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_class(fixture_kit, tmp_path_factory.mktemp("class") / "submissions")


@pytest.fixture(scope="module")
def by_pool(fixture_kit: Path, klass: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pool") / "graded"
    grade_class(
        resolve_assignment(fixture_kit, "fx_ops"),
        klass,
        out,
        backend=LocalBackend(2),
        progress=False,
    )
    return out


def test_the_class_gets_its_statuses_and_reasons(by_pool: Path):
    rows = {r["student"]: r for r in _gradebook(by_pool / "gradebook.csv")}
    assert len(rows) == 12
    assert (rows["reference"]["total"], rows["reference"]["status"]) == ("10", "graded")
    assert (rows["zipped"]["total"], rows["skeleton"]["total"]) == ("10", "0")
    assert (rows["only-ops"]["1.1"], rows["only-ops"]["1.2"]) == ("4", "0")
    assert (rows["only-scaler"]["1.1"], rows["only-scaler"]["1.2"]) == ("0", "6")
    assert rows["variant-add_loop"]["total"] == "10"
    assert rows["mutant-add_subtracts"]["1.1"] == "0" and rows["mutant-add_subtracts"]["1.2"] == "6"
    assert rows["raises"]["status"] == "graded" and rows["raises"]["1.1"] == "0"
    assert rows["crashes"]["status"] == "crashed" and rows["crashes"]["1.2"] == "6"
    assert "exit status 3" in rows["crashes"]["reason"]
    assert rows["hangs"]["status"] == "timed_out" and rows["hangs"]["1.1"] == "4"
    assert "wall-clock limit of 4 s" in rows["hangs"]["reason"]
    assert (rows["broken"]["status"], rows["broken"]["total"]) == ("unreadable", "")
    assert "not a readable zip" in rows["broken"]["reason"]
    assert {r["max_score"] for r in rows.values() if r["status"] != "unreadable"} == {"10"}
    results = json.loads((by_pool / "reference" / "results.json").read_text())
    assert set(results["extra_data"]["fingerprints"]) == {"submission", "tests"}


def test_a_dask_local_cluster_gives_the_same_gradebook(
    fixture_kit: Path, klass: Path, by_pool: Path, tmp_path: Path
):
    pytest.importorskip("distributed")
    out = tmp_path / "graded"
    grade_class(
        resolve_assignment(fixture_kit, "fx_ops"),
        klass,
        out,
        backend=DaskBackend("local", 2),
        progress=False,
    )
    assert (out / "gradebook.csv").read_text() == (by_pool / "gradebook.csv").read_text()
    for student in ("reference", "hangs", "crashes"):
        ours = json.loads((by_pool / student / "results.json").read_text())
        theirs = json.loads((out / student / "results.json").read_text())
        untimed = [(t["name"], t["score"], t["output"]) for t in ours["tests"]]
        assert untimed == [(t["name"], t["score"], t["output"]) for t in theirs["tests"]]


def test_resume_regrades_what_changed_only(fixture_kit: Path, klass: Path, by_pool: Path, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "graded"
    shutil.copytree(klass, subs)
    shutil.copytree(by_pool, out)
    written = {p: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    for path in subs.rglob("*"):  # unpacked again: new mtimes, same content
        path.touch()
    scaler = subs / "skeleton" / "fx_ops" / "scaler.py"
    scaler.write_bytes((klass / "reference" / "fx_ops" / "scaler.py").read_bytes())
    results = grade_class(resolve_assignment(fixture_kit, "fx_ops"), subs, out, progress=False)
    regraded = sorted(r.student for r in results if not r.cached)
    assert regraded == ["broken", "skeleton"]  # unreadable ones are read again, cheaply
    assert {r.student: r.results["score"] for r in results if r.results}["skeleton"] == 6
    for path, mtime in written.items():
        if path.parent.name != "skeleton":
            assert path.stat().st_mtime_ns == mtime, path


def test_changed_tests_regrade_everyone(own_fixture_kit: Path, klass: Path, by_pool, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "graded"
    subs.mkdir()
    for student in ("reference", "skeleton"):
        shutil.copytree(klass / student, subs / student)
        shutil.copytree(by_pool / student, out / student)
    hidden = own_fixture_kit / "solutions" / "fx_ops" / "tests" / "hidden" / "test_hidden_ops.py"
    hidden.write_text(hidden.read_text() + "\n# a comment changes the tests' fingerprint\n")
    results = grade_class(resolve_assignment(own_fixture_kit, "fx_ops"), subs, out, progress=False)
    assert [(r.student, r.cached) for r in results] == [("reference", False), ("skeleton", False)]


def _cli(kit: Path, subs: Path, out: Path) -> list[str]:
    cli = [sys.executable, "-m", "autograder.cli", "grade-class", "--kit", str(kit)]
    return cli + ["fx_ops", str(subs), "--out", str(out), "--jobs", "1"]


def test_an_interrupted_class_run_resumes_without_regrading(
    fixture_kit: Path, klass: Path, by_pool: Path, tmp_path: Path
):
    subs, out = tmp_path / "subs", tmp_path / "graded"
    shutil.copytree(klass, subs)
    proc = subprocess.Popen(
        _cli(fixture_kit, subs, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/results.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Run the same command again" in err
    finished = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/results.json")}
    assert 3 <= len(finished) < 11
    assert not list(out.rglob("*.part"))
    first = {r["student"]: r["status"] for r in _gradebook(out / "gradebook.csv")}
    assert len(first) == 12 and "interrupted" in first.values()
    again = subprocess.run(
        _cli(fixture_kit, subs, out), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    for student, mtime in finished.items():
        assert (out / student / "results.json").stat().st_mtime_ns == mtime, student
    assert (out / "gradebook.csv").read_text() == (by_pool / "gradebook.csv").read_text()


def test_missing_requirements_stop_the_class_unless_allowed(kit_lacking_sst: Path, tmp_path):
    subs = tmp_path / "subs"
    _submit(subs, "reference", _sources(kit_lacking_sst / "solutions" / "fx_ops"))
    with pytest.raises(MissingRequirements) as refused:
        grade_class(
            resolve_assignment(kit_lacking_sst, "fx_ops"), subs, tmp_path / "out", progress=False
        )
    told = str(refused.value)
    assert "lacks sst" in told and "test_scaler_counts_every_call" in told
    assert "3 points" in told and "--allow-missing" in told
    assert not (tmp_path / "out").exists()
    said: list[str] = []
    (result,) = grade_class(
        resolve_assignment(kit_lacking_sst, "fx_ops"),
        subs,
        tmp_path / "out",
        progress=False,
        allow_missing=True,
        report=said.append,
    )
    assert any("lacks sst" in line for line in said)
    assert result.status is Outcome.GRADED
    assert (result.results["score"], result.results["max_score"]) == (7, 10)
    (missing,) = [t for t in result.results["tests"] if t["score"] < t["max_score"]]
    assert missing["output"].startswith("Not graded: this test needs the Stanford Sentiment")
    assert "fault of the grading set-up" in missing["output"]


def _fashion_missing_here() -> str | None:
    from autograder.data.sources import idx_dataset_missing

    return idx_dataset_missing("fashion-mnist")


def test_dask_workers_without_data_get_what_hw1_needs_from_the_job(kit_root: Path, tmp_path):
    """A Dask worker whose data search path holds nothing (no cache, no Debian folder) grades
    HW1's reference at 100/100: the Fashion-MNIST files travel with the job. Where this machine
    lacks them too, grade-class refuses and names the data set."""
    distributed = pytest.importorskip("distributed")
    name = "hw1_mlp_numpy"
    reference = kit_root / "solutions" / name
    subs = tmp_path / "subs" / "reference" / name
    subs.mkdir(parents=True)
    for module in load_tasks(reference).editable_files:
        shutil.copy(reference / module, subs / module)
    bare = {"AUTOGRADER_DATA_PATH": "", "AUTOGRADER_DATA_DIR": str(tmp_path / "no-data")}
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, env=bare
    ) as cluster:
        with distributed.Client(cluster) as client:
            assert client.submit(_fashion_missing_here, pure=False).result() is not None
        backend = DaskBackend(cluster.scheduler_address)
        if _fashion_missing_here() is not None:
            with pytest.raises(MissingRequirements, match="lacks fashion-mnist"):
                grade_class(
                    resolve_assignment(kit_root, name),
                    tmp_path / "subs",
                    tmp_path / "out",
                    backend=backend,
                )
            return
        results = grade_class(
            resolve_assignment(kit_root, name),
            tmp_path / "subs",
            tmp_path / "out",
            backend=backend,
            progress=False,
        )
    (result,) = results
    graded = json.loads((tmp_path / "out" / "reference" / "results.json").read_text())
    fashion = [t for t in graded["tests"] if "fashion" in t["name"]]
    assert fashion and all(t["score"] == t["max_score"] for t in fashion), fashion
    assert graded["score"] == graded["max_score"] == 100, result
