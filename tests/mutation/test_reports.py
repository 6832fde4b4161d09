"""The mutation reports of the five assignments (``solutions/<hw>/mutation-report.md``).

A full run takes 5 to 25 minutes an assignment (the times are in each report), too long for CI.
So CI checks that each report still describes the mutants the reference makes today (a changed
solution region changes them: run ``autograder mutate`` again) and that every task reaches 95 %,
and grades a fixed sample of operator mutants again, each on its own task (``SAMPLE``), so that
a weakened test shows here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import load_tasks
from autograder.mutation.equivalent import load_equivalent
from autograder.mutation.report import REPORT_FILE
from autograder.mutation.run import all_mutants

KIT = Path(__file__).resolve().parents[2]
NAMES = assignment_names(KIT / "solutions")
ROW = re.compile(r"^\| (\d+\.\d+) \| .* \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+) % \|$")

# A few operator mutants per assignment, on tasks whose tests run in seconds where there is a
# choice: for HW2 to the capstone, survivors of a first run that a test added for them now
# catches (issue 26); for HW1, two of the conventions its tests were made to state.
SAMPLE = {
    "hw1_mlp_numpy": (
        "optim.py:57:drop_conversion:0",  # the momentum buffer aliases the gradient (1.7)
        "losses.py:54:keyword:0",  # the softmax shift by each column's maximum (1.5)
    ),
    "hw2_cnn_numpy": (
        "conv.py:74:delete:0",  # the forward returns no cache (2.2)
        "conv_fast.py:46:swap_args:5",  # W_out with stride and pad exchanged (2.7)
    ),
    "hw3_cnn_tf": (
        "models.py:50:swap_args:0",  # Conv2D(3, filters[0]): the kernel shape check (3.3)
        "training.py:63:kwarg_value:0",  # EarlyStopping mode "min": Keras's stopping rule (3.5)
        "training.py:93:drop_kwarg:0",  # layer(h) in training mode by default (3.6)
    ),
    "hw4_rnn_tf": (
        "classifier.py:77:binop:0",  # logits minus b_out: a bias away from zero (4.5)
    ),
    "capstone_unet_deepshape": (
        "encoding.py:51:drop_conversion:0",  # pair_image of float64 codes is float64 (5.1)
        "metrics.py:26:compare:1",  # a logit of exactly 0 predicts 1 (5.6)
    ),
}


def report_rows(text: str) -> dict[str, tuple[int, int, int, int, float]]:
    """Task id -> (mutants, killed, equivalent, survived, score %) of a report's table."""
    rows = {}
    for line in text.splitlines():
        match = ROW.match(line.strip())
        if match:
            task, *numbers, score = match.groups()
            rows[task] = (*(int(n) for n in numbers), float(score))
    return rows


@pytest.mark.parametrize("name", NAMES)
def test_the_report_describes_todays_mutants_and_every_task_reaches_95_percent(name: str):
    solution = KIT / "solutions" / name
    report = solution / REPORT_FILE
    assert report.exists(), f"no {REPORT_FILE} for {name}: run autograder mutate {name}"
    rows = report_rows(report.read_text(encoding="utf-8"))
    assignment = load_tasks(solution)
    mutants = all_mutants(solution, assignment.tasks)
    made = Counter(m.task for m in mutants)
    equivalent = load_equivalent(solution)
    stale = sorted(set(equivalent) - {m.id for m in mutants})
    assert stale == [], f"equivalent.toml lists mutants no longer made: {stale}"
    for task in assignment.tasks:
        assert task.id in rows, f"{name}'s report has no row for task {task.id}"
        count, killed, listed, survived, score = rows[task.id]
        assert count == made[task.id], (
            f"{name} {task.id}: the report counts {count} mutants, the reference makes "
            f"{made[task.id]} today: run autograder mutate {name} again"
        )
        assert listed == sum(1 for m in mutants if m.task == task.id and m.id in equivalent)
        assert killed + listed + survived == count
        assert score >= 95.0, f"{name} {task.id}: {score} % of its mutants killed, below 95 %"


SAMPLED = [(name, mutant) for name, ids in SAMPLE.items() for mutant in ids]


@pytest.mark.parametrize("name, mutant", SAMPLED, ids=[f"{n}-{m}" for n, m in SAMPLED])
def test_a_fixed_sample_of_operator_mutants_is_still_killed(name: str, mutant: str):
    """Graded in a process of its own (the mutation run forks from a warm interpreter), without
    the reference run: the kit's other tests grade the reference at full marks."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from autograder.assignment.paths import resolve_assignment\n"
        "from autograder.mutation.run import run_mutants\n"
        "run = run_mutants(resolve_assignment(Path(sys.argv[1]), sys.argv[2]),"
        " ids=(sys.argv[3],), jobs=1, reference=False)\n"
        "print(json.dumps([[o.mutant.id, o.killed] for o in run.outcomes]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(KIT), name, mutant],
        capture_output=True,
        text=True,
        cwd=KIT,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcomes == [[mutant, True]], f"{mutant} of {name} keeps full marks again"
