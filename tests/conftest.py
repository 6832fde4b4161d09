"""Shared fixtures of the kit's own tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.release import release

KIT = Path(__file__).resolve().parent.parent
FIXTURE_KIT = Path(__file__).resolve().parent / "fixtures" / "kit"


@pytest.fixture(scope="session")
def kit_root() -> Path:
    """The kit's own root folder."""
    return KIT


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
