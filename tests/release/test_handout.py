"""The handout's generated parts: the task table and the not-allowed list agree with tasks.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import load_tasks
from autograder.cli import main
from autograder.release.build import release, update_handouts
from autograder.release.errors import ReleaseError
from autograder.release.handout import check_handout, forbidden_list, generated_part

PART = "<!-- BEGIN GENERATED forbidden -->\n<!-- END GENERATED forbidden -->\n"


def _forbid(kit: Path, default: str, own: str) -> Path:
    """fx_ops with a default forbidden list and task 1.2's own entries; returns its folder."""
    src = kit / "solutions" / "fx_ops"
    toml = (src / "tasks.toml").read_text()
    toml = toml.replace("memory_mb = 1024\n", f"memory_mb = 1024\nforbidden = {default}\n")
    toml = toml.replace('names = ["Scaler"]\n', f'names = ["Scaler"]\nforbidden = {own}\n')
    (src / "tasks.toml").write_text(toml)
    return src


def test_every_handout_of_the_kit_agrees_with_its_tasks_toml(kit_root: Path):
    for name in assignment_names(kit_root / "solutions"):
        check_handout(load_tasks(kit_root / "solutions" / name))


def test_hw3s_handout_lists_every_forbidden_entry_and_allows_no_stateless_dropout(kit_root):
    text = (kit_root / "solutions" / "hw3_cnn_tf" / "README.md").read_text()
    part = text.split("<!-- BEGIN GENERATED forbidden")[1].split("<!-- END GENERATED")[0]
    for name in (
        "tf.nn.experimental.stateless_dropout",
        "tf.nn.batch_norm_with_global_normalization",
    ):
        assert f"`{name}`" in part
    assert "A stateless op is fine" not in text


def test_hw4s_tasks_inherit_one_default_list(kit_root: Path):
    hw4 = load_tasks(kit_root / "solutions" / "hw4_rnn_tf")
    assert len(hw4.forbidden) == 12 and "keras.layers.LSTM" in hw4.forbidden
    assert all(task.forbidden == hw4.forbidden for task in hw4.tasks)
    assert (
        "forbidden"
        not in (kit_root / "solutions" / "hw4_rnn_tf" / "tasks.toml")
        .read_text()
        .split("[[tasks]]", 1)[1]
    )
    assert forbidden_list(hw4).startswith("- every task (`cells.py`, `rnn.py`")


def test_forbidden_entries_without_a_list_in_the_handout_stop_the_release(own_fixture_kit):
    _forbid(own_fixture_kit, '["scipy.special.softmax"]', '["numpy.multiply"]')
    with pytest.raises(ReleaseError, match="no not-allowed list") as refused:
        release(own_fixture_kit)
    assert "numpy.multiply, scipy.special.softmax" in str(refused.value)


def test_a_mismatch_stops_the_release_naming_the_entries(own_fixture_kit: Path):
    src = _forbid(own_fixture_kit, '["scipy.special.softmax"]', '["numpy.multiply"]')
    readme = src / "README.md"
    readme.write_text(readme.read_text() + "\nNot allowed:\n\n" + PART)
    assert update_handouts(own_fixture_kit) == [readme]
    assert update_handouts(own_fixture_kit) == []  # nothing left to rewrite
    part = readme.read_text().split("<!-- BEGIN GENERATED forbidden")[1]
    assert "- every task (`ops.py`, `scaler.py`): `scipy.special.softmax`" in part
    assert "- 1.2 (`scaler.py`): `numpy.multiply`" in part
    release(own_fixture_kit)  # in agreement now
    # tasks.toml forbids one more thing: the handout omits it
    toml = (src / "tasks.toml").read_text()
    (src / "tasks.toml").write_text(
        toml.replace('["numpy.multiply"]', '["numpy.multiply", "numpy.dot"]')
    )
    with pytest.raises(ReleaseError, match=r"task 1.2: tasks.toml forbids numpy.dot, which"):
        release(own_fixture_kit)
    # the handout names something tasks.toml does not forbid
    (src / "tasks.toml").write_text(toml)
    readme.write_text(
        readme.read_text().replace("`numpy.multiply`", "`numpy.multiply`, `numpy.add`")
    )
    with pytest.raises(
        ReleaseError, match=r"task 1.2: the handout's not-allowed list names numpy.add"
    ):
        release(own_fixture_kit)


def test_a_hand_edited_generated_part_is_out_of_date(own_fixture_kit: Path):
    src = own_fixture_kit / "solutions" / "fx_ops"
    assignment = load_tasks(src)
    readme = src / "README.md"
    readme.write_text(f"# Fixture\n\n{generated_part('tasks', assignment)}\n\n{PART}")
    update_handouts(own_fixture_kit)
    assert "- nothing: no library function is forbidden" in readme.read_text()
    check_handout(assignment)
    readme.write_text(readme.read_text().replace("Total: 10 points.", "Total: 10 points!"))
    with pytest.raises(ReleaseError, match="'tasks' is out of date"):
        check_handout(assignment)


def test_release_handouts_rewrites_and_refuses_with_check(own_fixture_kit: Path):
    src = _forbid(own_fixture_kit, "[]", '["numpy.multiply"]')
    (src / "README.md").write_text((src / "README.md").read_text() + "\n" + PART)
    kit = ["--kit", str(own_fixture_kit)]
    runner = CliRunner()
    done = runner.invoke(main, ["release", "--no-wheel", *kit])
    assert done.exit_code == 2 and "numpy.multiply, which the handout" in done.output
    done = runner.invoke(main, ["release", "--handouts", "--check", *kit])
    assert done.exit_code == 2 and "--check only checks" in done.output
    done = runner.invoke(main, ["release", "--handouts", "--no-wheel", *kit])
    assert done.exit_code == 0, done.output
    assert "rewrote the generated parts of" in done.output
    assert "- 1.2 (`scaler.py`): `numpy.multiply`" in (src / "README.md").read_text()
