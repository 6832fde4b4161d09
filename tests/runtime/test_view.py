"""The allowlist view: what it holds, what it leaves out, and how grading goes without it."""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path

import pytest

import autograder
from autograder.runtime import sandbox, view
from autograder.runtime.sandbox import SandboxConfig, probe_protections
from autograder.runtime.session import WorkerSession

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sandbox")

KIT = Path(__file__).resolve().parents[2]
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the view needs root")


def test_view_paths_hold_the_interpreter_and_packages_but_not_the_checkout():
    paths = view.view_paths()
    package = str(Path(autograder.__file__).resolve().parent)

    def covered(path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in paths)

    assert covered(package) and covered(os.path.realpath(sys.executable))
    assert all(covered(p) for p in site.getsitepackages() if os.path.isdir(p))
    assert all(covered(p) for p in ("/usr/lib", "/usr/bin") if os.path.isdir(p))
    for outside in (KIT, KIT / "solutions", KIT / "tests", Path.home(), Path("/tmp")):
        assert not covered(str(outside)), outside
    nested = [(a, b) for a in paths for b in paths if a != b and b.startswith(a + "/")]
    assert nested == []


@ROOT_ONLY
def test_worker_sees_only_the_view(tmp_path: Path):
    package = tmp_path / "peek"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import os\n"
        "def listing(path):\n"
        "    return sorted(os.listdir(path)) if os.path.isdir(path) else None\n"
        "def where():\n"
        "    return os.getcwd()\n"
    )
    status = probe_protections()
    config = SandboxConfig(workspace="", user=status["user"] == "on")
    session = WorkerSession(str(tmp_path), sandbox=config)
    try:
        peek = session.request("import", module="peek")
        assert peek.listing(str(KIT)) == ["autograder"] or ".venv" in peek.listing(str(KIT))
        assert "solutions" not in (peek.listing(str(KIT)) or [])
        workspace = peek.where()
        assert peek.listing(workspace) == ["peek"]
        assert peek.listing(str(tmp_path)) is None  # the grader's copy, not the worker's
        under_tmp = {Path(p).parts[2] for p in view.view_paths() if p.startswith("/tmp/")}
        assert set(peek.listing("/tmp")) == {Path(workspace).parts[2]} | under_tmp
        assert set(peek.listing("/dev")) >= {"null", "zero", "urandom", "shm"}
        assert set(peek.listing("/etc")) >= {"passwd", "group", "hosts"}
        assert peek.listing(str(Path.home())) != sorted(os.listdir(Path.home()))
    finally:
        session.close()


@ROOT_ONLY
def test_without_pivot_root_the_view_is_reported_off_and_workers_still_run(
    tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(view, "SYS_PIVOT_ROOT", {})
    status = probe_protections()
    assert status["view"].startswith("off: the view could not be built")
    assert "pivot_root is not known" in status["view"]
    (tmp_path / "plain.py").write_text("VALUE = 3\n")
    session = WorkerSession(str(tmp_path), sandbox=SandboxConfig(workspace="", view=False))
    try:
        assert session.request("import", module="plain").VALUE == 3
    finally:
        session.close()


def test_user_is_refused_when_a_view_folder_is_closed(monkeypatch):
    if os.geteuid() != 0 or probe_protections()["view"] != "on":
        pytest.skip("needs root and the view")
    closed = str(Path(sandbox.__file__).resolve().parents[1])  # the autograder package
    monkeypatch.setattr(sandbox, "open_to_others", lambda path: path != closed)
    status = probe_protections()
    assert status["user"].startswith(f"off: {closed} is not readable by other users")
    assert "uid 0 in the read-only view, without capabilities" in status["user"]


def test_a_gpu_machine_shows_the_driver_libraries(tmp_path, monkeypatch):
    from autograder.runtime import view

    driver = tmp_path / "nvidia" / "lib64"
    driver.mkdir(parents=True)
    monkeypatch.setattr(view, "GPU_PATHS", (str(tmp_path / "nvidia"),))
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/agtest-missing:/home/student/lib")
    monkeypatch.setattr(view.glob, "glob", lambda pattern: [])
    assert str(tmp_path / "nvidia") not in view.view_paths()
    monkeypatch.setattr(view.glob, "glob", lambda pattern: ["/dev/nvidia0"])
    paths = view.view_paths()
    assert str(tmp_path / "nvidia") in paths
    assert not any(p.startswith("/home/") for p in paths)
