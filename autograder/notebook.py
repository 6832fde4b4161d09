"""The one helper a notebook calls to make its assignment importable.

A notebook sits in its assignment's folder (``<root>/hw1_mlp_numpy/hw1_mlp_numpy.ipynb``) and
starts with::

    from autograder.notebook import use_assignment
    use_assignment("hw1_mlp_numpy")

after which ``import hw1_mlp_numpy.layers`` imports the student's own copy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["use_assignment"]


def use_assignment(name: str, start: str | Path | None = None) -> Path:
    """Put the folder above assignment ``name`` first on ``sys.path`` and return the assignment.

    Args:
        name: the assignment's package name.
        start: where to look from (the notebook's folder); the current folder by default. The
            assignment is the start folder itself, a folder ``name`` below it, or a parent.

    Raises:
        FileNotFoundError: no folder ``name`` with a tasks.toml was found.
    """
    here = Path(start or os.getcwd()).resolve()
    for folder in [here / name, here, *here.parents]:
        if folder.name == name and (folder / "tasks.toml").is_file():
            root = str(folder.parent)
            if sys.path[:1] != [root]:
                if root in sys.path:
                    sys.path.remove(root)
                sys.path.insert(0, root)
            os.environ["AUTOGRADER_SUBMISSION"] = root
            return folder
    raise FileNotFoundError(
        f"cannot find the assignment {name!r} from {here}: open the notebook from its folder"
    )
