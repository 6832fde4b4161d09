"""Fixtures of the class tests: submissions of the fixture kit's ``fx_ops``, a thorough one
(alice), a copy of it with every name changed and its functions reordered (bob), and two honest
ones that keep the provided code and solve the tasks in their own way (carol, dave); and a page
loaded in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

_STUB = re.compile(r"^( *)raise NotImplementedError\(.*\)$", re.M)

THOROUGH_HELPERS = [
    '''def _check_same_shape(left, right):
    """Both arrays as float64, after checking that their shapes agree."""
    if left.shape != right.shape:
        raise ValueError(f"shapes differ: {left.shape} and {right.shape}")
    if left.dtype != np.float64 or right.dtype != np.float64:
        left, right = left.astype(np.float64), right.astype(np.float64)
    return left, right
''',
    '''def _add_rows(left, right):
    """Element by element, row after row."""
    result = np.empty_like(left)
    for row in range(left.shape[0]):
        for col in range(left.shape[1]):
            result[row, col] = left[row, col] + right[row, col]
    return result
''',
]

THOROUGH_ADD = """\
a, b = _check_same_shape(a, b)
if a.ndim == 2 and a.size < 10000:
    out = _add_rows(a, b)
else:
    out = np.add(a, b)
"""

THOROUGH_APPLY = """\
if not isinstance(x, np.ndarray):
    x = np.asarray(x, dtype=np.float64)
self.calls = self.calls + 1
scaled = np.zeros_like(x)
for index in range(x.shape[0]):
    scaled[index] = self.factor * x[index]
out = scaled
"""

# the copy's new names; its helpers come in the other order, after the provided function
RENAMES = {
    "_check_same_shape": "_validate",
    "_add_rows": "_loop_sum",
    "left": "p",
    "right": "q",
    "result": "acc",
    "row": "i",
    "col": "j",
    "scaled": "res",
    "index": "k",
    "shapes differ": "mismatch",
}

HONEST = {
    "carol": (
        'assert a.shape == b.shape, "a and b must have the same shape"\nout = a + b\n',
        "self.calls += 1\nout = x * self.factor\n",
    ),
    "dave": (
        "out = np.add(a, b, dtype=np.float64)\n",
        "out = np.multiply(x, self.factor)\nself.calls = self.calls + 1\n",
    ),
}


def _fill(stub: str, code: str) -> str:
    """The stub with its ``raise NotImplementedError`` replaced by ``code``, indented alike."""
    match = _STUB.search(stub)
    assert match, "no stub to fill"
    indent = match.group(1)
    body = "".join(indent + line + "\n" if line else "\n" for line in code.splitlines())
    return stub[: match.start()] + body.rstrip("\n") + stub[match.end() :]


def _rename(code: str) -> str:
    for old, new in RENAMES.items():
        code = re.sub(rf"\b{re.escape(old)}\b" if old.isidentifier() else re.escape(old), new, code)
    return code


def write_class(release: Path, dest: Path) -> dict[str, Path]:
    """Write the four students' folders under ``dest``; returns student -> folder."""
    ops = (release / "ops.py").read_text(encoding="utf-8")
    scaler = (release / "scaler.py").read_text(encoding="utf-8")
    head, provided = ops.split("\n\n\ndef add(", 1)
    thorough_ops = "\n\n\n".join([head, *THOROUGH_HELPERS]) + "\n\ndef add(" + provided
    files = {
        "alice": (_fill(thorough_ops, THOROUGH_ADD), _fill(scaler, THOROUGH_APPLY)),
    }
    reordered = "\n\n".join(_rename(h) for h in reversed(THOROUGH_HELPERS))  # _loop_sum first
    copied = _fill(ops, _rename(THOROUGH_ADD)).rstrip("\n") + "\n\n\n" + reordered
    files["bob"] = (copied, _fill(scaler, _rename(THOROUGH_APPLY)))
    for student, (add, apply) in HONEST.items():
        files[student] = (_fill(ops, add), _fill(scaler, apply))
    folders = {}
    for student, (ops_code, scaler_code) in files.items():
        folder = dest / student
        folder.mkdir(parents=True)
        (folder / "ops.py").write_text(ops_code, encoding="utf-8")
        (folder / "scaler.py").write_text(scaler_code, encoding="utf-8")
        folders[student] = folder
    return folders


@pytest.fixture(scope="module")
def class_folder(fixture_kit: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A submissions folder of the four students (read-only)."""
    dest = tmp_path_factory.mktemp("class") / "submissions"
    write_class(fixture_kit / "assignments" / "fx_ops", dest)
    return dest


CHROMIUM = next(
    (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
    None,
)


@pytest.fixture()
def chromium(tmp_path: Path) -> Callable[[Path], dict[str, str]]:
    """Load a page from disk in headless Chromium; returns its ``<body>``'s attributes (the
    page's probe sets ``data-loaded``, ``data-errors``, ``data-images``). Skips without
    Chromium (``make test`` installs Debian's package as root)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium (Debian package chromium)")

    def load(path: Path) -> dict[str, str]:
        dom = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--no-first-run",
                f"--user-data-dir={tmp_path / 'chromium-profile'}",
                "--dump-dom",
                path.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        ).stdout
        body = re.search(r"<body([^>]*)>", dom)
        assert body, dom[:500]
        return dict(re.findall(r'([\w-]+)="([^"]*)"', body.group(1)))

    return load
