"""Mutant and variant patches: loaded, validated, applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment.patches import PatchError, apply_patch, load_patches

EDIT = '\n[[edits]]\nfile = "m.py"\nold = "x = 1"\nnew = "x = 2"\n'


def _write(folder: Path, kind: str, body: str) -> Path:
    (folder / f"{kind}s").mkdir(parents=True, exist_ok=True)
    (folder / "m.py").write_text("x = 1\n")
    (folder / f"{kind}s" / "p.toml").write_text(body + EDIT)
    return folder


def test_variant_loses_is_optional_and_read_as_task_phrase_pairs(tmp_path: Path):
    plain = load_patches(_write(tmp_path / "a", "variant", 'how = "h"'), "variant")
    assert plain[0].loses == ()
    slow = _write(tmp_path / "b", "variant", 'how = "h"\nloses = { "2.7" = "faster" }')
    [patch] = load_patches(slow, "variant")
    assert patch.loses == (("2.7", "faster"),)
    root = apply_patch(slow, patch, tmp_path / "tree")
    assert (root / "b" / "m.py").read_text() == "x = 2\n"


@pytest.mark.parametrize(
    "kind, body, problem",
    [
        ("variant", 'how = "h"\ncolour = 1', "expected"),
        ("variant", 'how = "h"\nloses = ["2.7"]', "loses is a table"),
        ("variant", 'how = "h"\nloses = { "2.7" = "" }', "loses is a table"),
        (
            "mutant",
            'task = "1.1"\nphrase = "p"\ndescription = "d"\nloses = { "1.1" = "p" }',
            "expected",
        ),
    ],
)
def test_unknown_keys_and_malformed_loses_are_rejected(tmp_path, kind, body, problem):
    with pytest.raises(PatchError, match=problem):
        load_patches(_write(tmp_path / "a", kind, body), kind)
