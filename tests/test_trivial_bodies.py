"""Code that runs and computes nothing scores zero on its task.

Each case replaces every solution region of one task by a trivial body
(``autograder.mutation.trivial.KINDS``: ``return None``, zeros shaped like the first argument,
``return {}``, the first argument returned unchanged) and grades that task alone, in-process,
from one warm process per assignment. Every kind on every task was run by hand
(``benchmarks/trivial_bodies.py``; results in ``solutions/trivial-bodies-report.md``); CI runs
this fixed sample, 166 s in all on a shared 2-core machine (HW1 31 s, HW2 27 s, HW3 33 s,
HW4 35 s, the capstone 25 s, the dropout check 15 s):

- HW1 and HW2 (numpy, cheap): ``input`` on every task (in the full run before the
  fixes it kept points wherever ``zeros`` did);
- HW3: the kinds that kept points before the tests were fixed (3.2 ``input``, 3.5 ``empty``,
  3.6 ``none``) and ``input`` on 3.1, 3.3 and 3.4;
- HW4: ``input`` on 4.1, 4.4 and 4.5 (every kind scored 0 by hand; the learning task 4.6 is left
  out, its cheap ``epochs=0`` and history tests catch every kind);
- the capstone: ``input`` on 5.1 to 5.5 (the training tasks 5.6 and 5.7 left out, scored 0 by
  hand).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parent.parent

SAMPLE = {
    "hw1_mlp_numpy": [(f"1.{i}", "input") for i in range(1, 10)],
    "hw2_cnn_numpy": [(f"2.{i}", "input") for i in range(1, 9)],
    "hw3_cnn_tf": [
        ("3.1", "input"),
        ("3.2", "input"),
        ("3.3", "input"),
        ("3.4", "input"),
        ("3.5", "empty"),
        ("3.6", "none"),
    ],
    "hw4_rnn_tf": [("4.1", "input"), ("4.4", "input"), ("4.5", "input")],
    "capstone_unet_deepshape": [(f"5.{i}", "input") for i in range(1, 6)],
}


@pytest.mark.parametrize("name", list(SAMPLE))
def test_trivial_bodies_score_zero_on_their_task(name: str):
    cases = [f"{task}:{kind}" for task, kind in SAMPLE[name]]
    run = subprocess.run(
        [sys.executable, "-m", "autograder.mutation.trivial", str(KIT), name, *cases],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert rows, run.stderr[-2000:]
    kept = [(r["task"], r["kind"], r["points"], r["kept"]) for r in rows if r["points"] > 0]
    assert kept == [], "trivial bodies keep points: fix the tests named"


def test_provided_dropout_refuses_a_rate_of_one():
    """Provided code carries no points in grading (HW3's ``Dropout.__init__`` checks the rate,
    the student writes ``call``), so the kit checks it here, on the release."""
    code = (
        "from hw3_cnn_tf.dropout import Dropout\n"
        "try:\n    Dropout(1.0)\nexcept ValueError:\n    print('refused')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(KIT / "assignments")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stdout.strip().endswith("refused"), run.stderr[-2000:]
