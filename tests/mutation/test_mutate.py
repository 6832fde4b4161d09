"""``autograder mutate`` on the fixture assignment: every mutant made, graded, scored, reported.

The operators themselves are checked on a small module written here; the whole run goes through
the command on a copy of the fixture kit, once as it is (every non-equivalent mutant killed) and
once with a test weakened on purpose (the mutants it no longer catches survive, as diffs).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from autograder.mutation import make_mutants

AG = [sys.executable, "-m", "autograder.cli"]

MODULE = """\
import numpy as np


def f(x, y):
    out = None
    # TODO(1.1): everything the operators change.
    ### BEGIN SOLUTION
    s = np.sum(x.T, axis=1, keepdims=True) - 1
    if x[0, 0] > 0.5:
        out = -s
    out = np.maximum(x, y) * 2.0
    ### END SOLUTION
    return out


def g(x):
    return x + 1
"""


def test_every_operator_changes_one_node_inside_the_region_only():
    mutants = make_mutants(MODULE, "m.py")
    by_operator = {}
    for m in mutants:
        by_operator.setdefault(m.operator, []).append(m)
        assert m.task == "1.1" and 8 <= m.line <= 11
        assert "return x + 1" in m.text  # outside the region: never changed
    changed = {m.id: m.diff.splitlines()[-1].strip() for m in mutants}
    assert changed["m.py:8:keyword:0"] == "+    s = np.sum(x.T, axis=0, keepdims=True) - 1"
    assert changed["m.py:8:keyword:1"] == "+    s = np.sum(x.T, axis=1, keepdims=False) - 1"
    assert changed["m.py:8:drop_T:0"] == "+    s = np.sum(x, axis=1, keepdims=True) - 1"
    assert changed["m.py:8:binop:0"] == "+    s = np.sum(x.T, axis=1, keepdims=True) + 1"
    assert changed["m.py:8:constant:0"] == "+    s = np.sum(x.T, axis=1, keepdims=True) - 0"
    assert changed["m.py:9:compare:0"] == "+    if x[0, 0] >= 0.5:"
    assert changed["m.py:9:compare:1"] == "+    if x[0, 0] < 0.5:"
    assert changed["m.py:10:drop_minus:0"] == "+        out = s"
    assert changed["m.py:11:swap_args:0"] == "+    out = np.maximum(y, x) * 2.0"
    assert changed["m.py:11:constant:0"] == "+    out = np.maximum(x, y) * 4.0"
    assert changed["m.py:9:delete:0"] == "+    pass"
    assert set(by_operator) == {
        "binop",
        "compare",
        "constant",
        "keyword",
        "delete",
        "swap_args",
        "drop_minus",
        "drop_T",
        "drop_kwarg",  # the operators of library calls: tests/mutation/test_operators.py
    }
    assert len({m.text for m in mutants}) == len(mutants)  # no duplicates


def _mutate(kit: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*AG, "mutate", "fx_ops", "--kit", str(kit), *args],
        capture_output=True,
        text=True,
        cwd=kit,
    )


def test_mutate_kills_every_mutant_of_the_fixture_and_reports_it(own_fixture_kit: Path):
    done = _mutate(own_fixture_kit, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    report = (own_fixture_kit / "solutions" / "fx_ops" / "mutation-report.md").read_text()
    assert "| 1.1 | Add arrays | 2 | 1 | 1 | 0 | 100.0 % |" in report
    assert "| 1.2 | Scaler | 5 | 5 | 0 | 0 | 100.0 % |" in report
    assert "`ops.py:19:swap_args:0` (1.1): np.add is commutative" in report
    assert "None: every non-equivalent mutant loses points" in report


def test_a_weakened_test_lets_a_mutant_survive(own_fixture_kit: Path):
    tests = own_fixture_kit / "solutions" / "fx_ops" / "tests"
    for path in (tests / "test_ops.py", tests / "hidden" / "test_hidden_ops.py"):
        text = path.read_text()
        weakened = "\n".join(line for line in text.splitlines() if "s.calls ==" not in line)
        assert weakened != text
        # and a test that writes into its working folder, as a checkpoint or a log does
        weakened = weakened.replace(
            "    s = scaler.Scaler(2.5)\n",
            '    s = scaler.Scaler(2.5)\n    open("left-by-a-test.txt", "w").close()\n',
        )
        path.write_text(weakened + "\n")
    done = _mutate(own_fixture_kit, "--task", "1.2")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "scaler.py:23:delete:0 (1.2): SURVIVED" in done.stdout
    assert "scaler.py:24:binop:0 (1.2): killed" in done.stdout
    assert "| 1.2 | Scaler | 5 | 2 | 0 | 3 | 40.0 % |" in done.stdout
    assert "-        self.calls += 1\n+        pass" in done.stdout
    assert not (own_fixture_kit / "solutions" / "fx_ops" / "mutation-report.md").exists()
    # each mutant's run works in the tree it grades (as an official grading's worker does), so
    # files its tests write neither land where mutate was started nor meet the next mutant's run
    assert not list(own_fixture_kit.rglob("left-by-a-test.txt"))
