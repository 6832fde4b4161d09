"""Gradings that share a machine share its cores: each one's numerical libraries get their part.

Both the tests' process and the submission's worker must see the count (the oversubscribed
case ran two HW1 gradings 7 times slower each); the pool gives each of its gradings an equal
part of the cores, a Dask task the part of its host's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import autograder.classroom.backends as backends
from autograder.assignment.paths import resolve_assignment
from autograder.classroom.backends import LocalBackend, host_slots
from autograder.grading.run import run_tests
from autograder.runtime.threads import THREAD_VARIABLES, available_cores, share, thread_env

SEEN = """
import os

from autograder.authoring import graded, submission

ops = submission("fx_ops.ops")
NAMES = {names!r}


@graded("1.1", points=1)
def test_the_tests_and_the_worker_see_the_thread_count():
    here = {{n: os.environ.get(n) for n in NAMES}}
    there = ops.threads_seen(NAMES)
    assert here == there == dict.fromkeys(NAMES, "3"), f"tests {{here}}; worker {{there}}"
"""

PROBE = """

def threads_seen(names):
    import os

    return {n: os.environ.get(n) for n in names}
"""


def test_share_gives_each_grading_an_equal_part_and_at_least_one():
    assert share(1, cores=2) == 2 and share(2, cores=2) == 1 and share(3, cores=2) == 1
    assert share(4, cores=16) == 4 and share(0, cores=8) == 8
    assert 1 <= share(1) == available_cores()
    assert thread_env(3) == dict.fromkeys(THREAD_VARIABLES, "3")
    assert {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"} <= set(
        THREAD_VARIABLES
    )
    with pytest.raises(ValueError, match="at least 1"):
        thread_env(0)


def test_the_tests_process_and_the_sandboxed_worker_get_the_count(
    own_fixture_kit: Path, tmp_path: Path
):
    solution = own_fixture_kit / "solutions" / "fx_ops"
    (solution / "tests" / "test_threads_seen.py").write_text(
        SEEN.format(names=list(THREAD_VARIABLES))
    )
    root = tmp_path / "submission"
    shutil.copytree(own_fixture_kit / "assignments" / "fx_ops", root / "fx_ops")
    for toml in own_fixture_kit.glob("*/fx_ops/tasks.toml"):  # task 1.1 has one point more
        toml.write_text(toml.read_text().replace("points = 4", "points = 5"))
    ops = solution / "ops.py"
    (root / "fx_ops" / "ops.py").write_text(ops.read_text() + PROBE)

    run = run_tests(solution / "tests", root, tmp_path / "r.jsonl", tasks=("1.1",), threads=3)

    row = next(r for r in run.rows if "thread_count" in r.nodeid)
    assert row.score == row.max_score == 1, row.output
    assert run.protections["namespaces"] == "on"  # the worker's own default would be 2


def test_the_pool_hands_each_grading_its_share(monkeypatch, fixture_kit: Path):
    seen = []

    def fake_grade(*args, threads=None, **kwargs):
        seen.append(threads)
        return {"score": 0}

    monkeypatch.setattr(backends, "grade_submission", fake_grade)
    done = {}
    jobs = [(f"s{i}", ({}, [], {})) for i in range(3)]
    fx_ops = resolve_assignment(fixture_kit, "fx_ops")
    LocalBackend(2).run(fx_ops, jobs, lambda student, out: done.update({student: out}))
    assert len(done) == 3 and seen == [share(2)] * 3
    assert LocalBackend(1).threads == available_cores()
    assert LocalBackend(2, threads=5).threads == 5


def test_dask_tasks_share_their_hosts_cores():
    workers = {
        "tcp://10.0.0.1:1": {"host": "10.0.0.1", "nthreads": 1},
        "tcp://10.0.0.1:2": {"host": "10.0.0.1", "nthreads": 1},
        "tcp://10.0.0.2:1": {"host": "10.0.0.2", "nthreads": 4},
    }
    client = SimpleNamespace(scheduler_info=lambda: {"workers": workers})
    assert host_slots(client) == {"10.0.0.1": 2, "10.0.0.2": 4}


def _environment_after_leaving() -> tuple[str | None, str | None]:
    import os

    before = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    backends._leave_nanny_environment()
    return before, os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_gradings_on_dask_do_not_inherit_the_nannys_allocator_setting():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        before, after = client.submit(_environment_after_leaving).result()
    assert before is not None and after is None  # the nanny set it; the gradings go without
