"""The wheel students install: the engine alone, no secret, installable, and named by handouts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import load_tasks
from autograder.release.wheel import WHEEL_NAME, build_wheel, install_line, wheel_leaks


@pytest.fixture(scope="module")
def wheel(kit_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built and leak-checked against the kit's own five assignments."""
    return build_wheel(kit_root, tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_engine_and_nothing_of_the_solutions(wheel: Path):
    assert wheel.name == WHEEL_NAME
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read("dlkit_autograder-0.1.0.dist-info/entry_points.txt").decode()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"autograder", "dlkit_autograder-0.1.0.dist-info"}
    engine = ("cli.py", "grading/plugin.py", "integrations/notebook.py", "runtime/probes/")
    for module in engine:
        assert any(n.startswith(f"autograder/{module}") for n in names)
    assert "autograder/topics/deepshape/embedded/folded_L64_n600_seed0.npz" in names
    assert "autograder = autograder.cli:main" in entry_points
    assert "autograder = autograder.grading.plugin" in entry_points  # pytest11: the plugin


def test_the_wheels_leak_check_finds_a_hidden_test_line(fixture_kit: Path, tmp_path: Path):
    hidden = fixture_kit / "solutions" / "fx_ops" / "tests" / "hidden" / "test_hidden_ops.py"
    line = next(x for x in hidden.read_text().splitlines() if "1e300" in x)
    bad = tmp_path / WHEEL_NAME
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("autograder/oracles/extra.py", f"def f():\n{line}\n")
    leaks = wheel_leaks(bad, fixture_kit / "solutions")
    assert len(leaks) == 1 and leaks[0].startswith(f"{WHEEL_NAME}/autograder/oracles/extra.py:2")


def test_every_handout_and_the_readme_name_the_wheel_with_the_assignments_extras(kit_root: Path):
    lines = {}
    for name in assignment_names(kit_root / "solutions"):
        assignment = load_tasks(kit_root / "solutions" / name)
        lines[name] = install_line(assignment.extras)
        assert lines[name] in (kit_root / "solutions" / name / "README.md").read_text(), name
        assert lines[name] in (kit_root / "README.md").read_text(), name
    assert lines["hw2_cnn_numpy"] == f'pip install "{WHEEL_NAME}[torch,opencv]"'
    assert "dlkit-autograder[" not in (kit_root / "README.md").read_text()  # on no index


def _third_party(env: Path) -> Path:
    """A folder of links to this environment's packages, without the kit's editable install."""
    site = Path(sysconfig.get_paths()["purelib"])
    env.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("__editable__", "dlkit_autograder", "autograder")):
            continue
        if entry.suffix != ".pth":
            (env / entry.name).symlink_to(entry)
    return env


def test_the_wheel_installs_in_a_fresh_environment_and_checks_a_skeleton(
    wheel: Path, fixture_kit: Path, tmp_path: Path
):
    """The handout's line, in a new virtual environment that sees this one's third-party
    packages (no download) but not the kit's checkout; then ``autograder check``."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "third_party.pth").write_text(f"{_third_party(tmp_path / 'third')}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUTOGRADER_KIT")}
    env |= {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    work = tmp_path / "student"
    work.mkdir()
    (work / WHEEL_NAME).symlink_to(wheel)
    pip = [python, "-m", "pip"]  # this environment's pip, seen through the link folder
    line = install_line(("torch",)).removeprefix("pip ").replace('"', "").split()
    done = subprocess.run(pip + line, cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    where = subprocess.run(
        [python, "-c", "import autograder; print(autograder.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    shutil.copytree(fixture_kit / "assignments" / "fx_ops", work / "fx_ops")
    check = subprocess.run(
        [venv / "bin" / "autograder", "check", "fx_ops"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1, check.stdout + check.stderr
    assert "not attempted" in check.stdout and "0 / 2" in check.stdout, check.stdout
