"""A command resolves its assignment once: one ``resolve_assignment`` and one read of tasks.toml
in the command's process, whatever it calls below (the requirements check, each grading, the
fingerprint, the gradebook, the score table). The gradings' worker processes are their own."""

from __future__ import annotations

import shutil
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import autograder.assignment.paths as paths
import autograder.assignment.tasks as tasks
from autograder.cli import main

COUNTED = {"resolve_assignment": paths.resolve_assignment, "load_tasks": tasks.load_tasks}


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each function of ``COUNTED`` is called, wherever a module imported it."""
    seen: Counter[str] = Counter()

    def counting(name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            seen[name] += 1
            return function(*args, **kwargs)

        return wrapper

    for module in [m for n, m in sys.modules.items() if n.startswith("autograder")]:
        for name, function in COUNTED.items():
            if getattr(module, name, None) is function:
                monkeypatch.setattr(module, name, counting(name, function))
    return seen


@pytest.fixture()
def keep_sigterm():
    """The commands make SIGTERM an interrupt; this test's process gets its handler back."""
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def test_grade_class_resolves_its_assignment_once(
    fixture_kit: Path, tmp_path: Path, calls: Counter[str], keep_sigterm
):
    subs = tmp_path / "submissions"
    shutil.copytree(fixture_kit / "solutions" / "fx_ops", subs / "reference" / "fx_ops")
    shutil.copytree(fixture_kit / "assignments" / "fx_ops", subs / "skeleton" / "fx_ops")
    args = ["grade-class", "fx_ops", str(subs), "--out", str(tmp_path / "graded")]
    done = CliRunner().invoke(main, [*args, "--kit", str(fixture_kit), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    assert "10/10" in done.output and "0/10" in done.output  # both were graded here
    assert (tmp_path / "graded" / "gradebook.csv").is_file()
    assert calls == {"resolve_assignment": 1, "load_tasks": 1}


def test_grade_resolves_its_assignment_once(
    fixture_kit: Path, tmp_path: Path, calls: Counter[str], keep_sigterm
):
    source = fixture_kit / "solutions" / "fx_ops"
    args = ["grade", "fx_ops", str(source), "--out", str(tmp_path / "results.json")]
    done = CliRunner().invoke(main, [*args, "--kit", str(fixture_kit)])
    assert done.exit_code == 0, done.output
    assert "score 10 / 10" in done.output
    assert calls == {"resolve_assignment": 1, "load_tasks": 1}
