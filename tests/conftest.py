"""Shared fixtures of the kit's own tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from autograder.grading import grade
from autograder.release import release
from autograder.runtime.threads import THREAD_VARIABLES, share

try:  # pytest 9 keeps a node's id in ``_id`` (see pytest_collection_modifyitems)
    from _pytest.nodeid import coerce_node_id
except ImportError:  # earlier pytest: ``_nodeid``, a plain string
    coerce_node_id = None

KIT = Path(__file__).resolve().parent.parent
FIXTURE_KIT = Path(__file__).resolve().parent / "fixtures" / "kit"

# The tests run in pytest-xdist workers (`make test`: two), each grading in processes of its own.
# Modules whose tests share a module fixture stay in one worker, as do the tests that share the
# session's graded references; test_assignments.py's other tests (each a grading of its own) are
# dealt out one by one.
SPREAD = {"tests/test_assignments.py"}


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker, give every grading it starts its share of the cores: two workers'
    BLAS and TensorFlow pools as large as the machine, spinning on the same two cores, are many
    times slower than one (``autograder.runtime.threads``)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers > 1:
        for var in THREAD_VARIABLES:
            os.environ.setdefault(var, str(share(workers)))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test's group for ``--dist loadgroup``, written into its id as pytest-xdist does
    (``<id>@<group>``, which is how its scheduler reads groups): with pytest 9, whose nodes
    keep their id in ``_id``, xdist 3.8's own step (``item._nodeid = ...``) changes nothing,
    and every test was dealt out alone: both workers graded the references and built the
    nbgrader course, and two attack tests watched each other's processes."""
    if not getattr(config.option, "loadgroup", False):  # set by xdist for --dist loadgroup only
        return
    for item in items:
        path = item.nodeid.split("::")[0]
        if "graded_reference" in getattr(item, "fixturenames", ()):
            group = "graded-reference"
        elif path not in SPREAD:
            group = path
        else:
            continue
        if "@" not in item.nodeid:
            grouped = f"{item.nodeid}@{group}"
            if coerce_node_id is not None:
                item._id = coerce_node_id(grouped)
            else:
                item._nodeid = grouped


@pytest.fixture(scope="session")
def kit_root() -> Path:
    """The kit's own root folder."""
    return KIT


@pytest.fixture(scope="session")
def graded_reference(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict]:
    """``graded_reference(name)``: the results.json of ``autograder grade`` of assignment
    ``name``'s reference solution in this kit, graded once per session (all five take about
    4 minutes on 2 cores) and shared by the tests that need it."""
    graded: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in graded:
            out = tmp_path_factory.mktemp(f"reference-{name}") / "results.json"
            graded[name] = grade(KIT, name, KIT / "solutions" / name, out)
        return graded[name]

    return get


@pytest.fixture(scope="session")
def fixture_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the two-task fixture kit with its release generated (shared, read-only)."""
    root = tmp_path_factory.mktemp("fixture-kit")
    shutil.copytree(FIXTURE_KIT / "solutions", root / "solutions")
    release(root)
    return root


@pytest.fixture()
def own_fixture_kit(tmp_path: Path, fixture_kit: Path) -> Path:
    """A private copy of the released fixture kit that a test may modify."""
    root = tmp_path / "kit"
    shutil.copytree(fixture_kit, root)
    return root


@pytest.fixture()
def kit_lacking_sst(own_fixture_kit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private fixture kit whose hidden 3-point test of task 1.2
    (``test_scaler_counts_every_call``) needs the SST data set, on a machine without it."""
    hidden = own_fixture_kit / "solutions" / "fx_ops" / "tests" / "hidden" / "test_hidden_ops.py"
    text = hidden.read_text()
    assert '@graded("1.2", points=3)' in text
    text = text.replace('@graded("1.2", points=3)', '@requires("sst")\n@graded("1.2", points=3)')
    hidden.write_text("from autograder.authoring import requires\n" + text)
    monkeypatch.setenv("AUTOGRADER_DATA_DIR", str(tmp_path / "no-data"))
    return own_fixture_kit
