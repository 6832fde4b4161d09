"""Similarity between submissions: pairs whose edited code is suspiciously alike, best first.

What is compared is each submission's editable files (``tasks.toml``), file by file, with the
released stub of the same file (``assignments/<hw>/``) as starter code that never counts:
copydetect's winnowing fingerprints over code whose names, strings and comments are filtered
out (so renamed variables and reordered functions still match), minus every fingerprint of the
stub. A pair's similarity is, for each side, the share of its own non-starter code found in the
other; pairs rank by the geometric mean of the two shares.

Where the code comes from (``read_codes``):

- a submissions folder: one folder or zip per student, read like grading reads it (only the
  editable files, ``autograder.grading.intake``);
- a graded folder (``<student>/results.json``, ``gradebook.csv``): its students, whose code is
  in ``<graded>/<student>/`` when kept there, otherwise in the submissions folder given, or in
  ``submissions/`` beside the graded folder.

The page (``similarity.html``) is written here from copydetect's numbers, self-contained: the
ranked pairs, then each of the top pairs' files side by side with the matching regions marked.
"""

from __future__ import annotations

import html
import io
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.assignment.paths import ResolvedAssignment
from autograder.classroom.page import bar, page, table
from autograder.grading.intake import IntakeError, collect_editable

__all__ = [
    "FileMatch",
    "Pair",
    "SimilarityResult",
    "SimilarityError",
    "compare_submissions",
    "is_graded_folder",
    "read_codes",
    "render_similarity",
    "similarity",
]

NOISE = 25  # copydetect's defaults: matches shorter than this many filtered characters never count
GUARANTEE = 25  # ... and every match at least this long is found


class SimilarityError(RuntimeError):
    """Similarity cannot be computed; the message says why and what to do."""


@dataclass(frozen=True, eq=False)
class FileMatch:
    """The matching regions of one file in a pair.

    Attributes:
        file: the editable file (``ops.py``).
        slices_a: (2, M) starts and ends of the matching regions in ``a``'s code.
        slices_b: the same in ``b``'s code.
    """

    file: str
    slices_a: Any
    slices_b: Any


@dataclass(frozen=True, eq=False)
class Pair:
    """Two submissions and how much of each one's own code the other holds.

    Attributes:
        a: one student.
        b: the other.
        share_a: of ``a``'s non-starter code, the fraction found in ``b`` (0 to 1).
        share_b: the same for ``b``.
        tokens: filtered characters in common.
        files: the files with matching regions.
    """

    a: str
    b: str
    share_a: float
    share_b: float
    tokens: int
    files: tuple[FileMatch, ...] = field(default=())

    @property
    def score(self) -> float:
        """The pair's rank: the geometric mean of the two shares (a small submission whose few
        lines are a common idiom does not rank high; a whole copy does, renamed or not)."""
        return math.sqrt(self.share_a * self.share_b)


def _copydetect() -> Any:
    try:
        import copydetect
    except ImportError:  # an extra of the kit, for instructors
        raise SimilarityError(
            "similarity needs copydetect: pip install 'dlkit-autograder[class]' "
            "(or make install in the kit)"
        ) from None
    return copydetect


def is_graded_folder(folder: Path) -> bool:
    """Whether ``folder`` is what grade-class writes (a gradebook or results per student)."""
    folder = Path(folder)
    return (folder / "gradebook.csv").is_file() or any(
        (p / "results.json").is_file() or (p / "error.txt").is_file()
        for p in folder.iterdir()
        if p.is_dir()
    )


def _entries(folder: Path) -> dict[str, Path]:
    """A submissions folder's students: each folder or zip (hidden entries left out)."""
    found = {}
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix == ".zip":
            found[path.stem if path.suffix == ".zip" else path.name] = path
    return found


def read_codes(
    resolved: ResolvedAssignment, source: Path, submissions: Path | None = None
) -> tuple[dict[str, dict[str, str]], dict[str, str], list[str]]:
    """Each student's editable files, the released stubs, and notes on students left out.

    Args:
        resolved: the assignment (its release's stubs and the editable files' names).
        source: a submissions folder, or a graded folder (see the module's docstring).
        submissions: where a graded folder's code is, when not kept in it; by default
            ``submissions/`` beside it.

    Returns:
        student -> file -> code; file -> stub; notes.
    """
    editable = resolved.assignment.editable_files
    stubs = {
        f: (resolved.release / f).read_text(encoding="utf-8", errors="replace")
        for f in editable
        if (resolved.release / f).is_file()
    }
    source = Path(source)
    if not source.is_dir():
        raise SimilarityError(f"{source} is not a folder")
    if is_graded_folder(source):
        beside = source.resolve().parent / "submissions"
        submissions = submissions or (beside if beside.is_dir() else None)
        elsewhere = _entries(submissions) if submissions else {}
        where: dict[str, Path | None] = {}
        for folder in sorted(p for p in source.iterdir() if p.is_dir()):
            if folder.name.startswith("."):
                continue
            kept = any(any(folder.rglob(f)) for f in editable)
            where[folder.name] = folder if kept else elsewhere.get(folder.name)
    else:
        where = dict(_entries(source))
    codes: dict[str, dict[str, str]] = {}
    notes = []
    for student, path in where.items():
        if path is None:
            notes.append(f"{student}: no code in {source / student} nor in a submissions folder")
            continue
        try:
            files, _ = collect_editable(path, resolved.assignment)
        except IntakeError as exc:
            notes.append(f"{student}: {exc}")
            continue
        codes[student] = {f: data.decode("utf-8", errors="replace") for f, data in files.items()}
    return codes, stubs, notes


def compare_submissions(
    codes: dict[str, dict[str, str]],
    stubs: dict[str, str],
    *,
    noise: int = NOISE,
    guarantee: int = GUARANTEE,
) -> list[Pair]:
    """Every pair of submissions, most similar first (``Pair.score``, then tokens in common).

    Args:
        codes: student -> file -> code. A file a student did not hand in counts as its stub.
        stubs: file -> released stub, whose code never counts.
        noise: the shortest match that counts, in filtered characters.
        guarantee: every match at least this long is found (>= noise).
    """
    cd = _copydetect()
    window = max(1, guarantee - noise + 1)
    files = sorted(set(stubs) | {f for code in codes.values() for f in code})
    prints: dict[str, dict[str, Any]] = {}
    for file in files:
        stub = stubs.get(file, "")
        boiler = cd.CodeFingerprint(file, noise, 1, fp=io.StringIO(stub)).hashes
        boilerplate = sorted(boiler)
        for student, code in codes.items():
            text = code.get(file, stub)
            prints.setdefault(student, {})[file] = cd.CodeFingerprint(
                file, noise, window, boilerplate=boilerplate, fp=io.StringIO(text)
            )
    pairs = []
    for a, b in itertools.combinations(sorted(codes), 2):
        common = in_a = in_b = cover_a = cover_b = 0.0
        matches = []
        for file in files:
            fa, fb = prints[a][file], prints[b][file]
            cover_a += fa.token_coverage
            cover_b += fb.token_coverage
            tokens, (sim_a, sim_b), (slices_a, slices_b) = cd.compare_files(fa, fb)
            if tokens:
                common += tokens
                in_a += sim_a * fa.token_coverage
                in_b += sim_b * fb.token_coverage
                matches.append(FileMatch(file, slices_a, slices_b))
        share_a = in_a / cover_a if cover_a else 0.0
        share_b = in_b / cover_b if cover_b else 0.0
        pairs.append(Pair(a, b, float(share_a), float(share_b), int(common), tuple(matches)))
    pairs.sort(key=lambda p: (-p.score, -p.tokens, p.a, p.b))
    return pairs


def _highlight(code: str, slices: Any, css: str, stub: str) -> str:
    """The code as HTML, with the regions ``slices`` (2, M) marked, except the lines that are
    the stub's own (a match reaches over them, but they never count)."""
    marked = [False] * len(code)
    for start, end in zip(slices[0], slices[1], strict=True):
        marked[int(start) : int(end)] = [True] * max(0, int(end) - int(start))
    starter = {line.strip() for line in stub.splitlines() if line.strip()}
    pos = 0
    for line in code.splitlines(keepends=True):
        if line.strip() in starter:
            marked[pos : pos + len(line)] = [False] * len(line)
        pos += len(line)
    parts, pos = [], 0
    while pos < len(code):
        end = pos
        while end < len(code) and marked[end] == marked[pos]:
            end += 1
        text = html.escape(code[pos:end])
        parts.append(f'<mark class="{css}">{text}</mark>' if marked[pos] else text)
        pos = end
    return "".join(parts)


def render_similarity(
    name: str,
    pairs: list[Pair],
    codes: dict[str, dict[str, str]],
    stubs: dict[str, str],
    *,
    top: int = 20,
    notes: list[str] | tuple[str, ...] = (),
) -> str:
    """The HTML page: the ranked pairs, then the top pairs' files side by side."""
    shown = {i for i, p in enumerate(pairs) if p.files and i < top}  # ranks side by side
    rows = [
        [
            str(i + 1),
            f'<a href="#pair-{i + 1}">{html.escape(p.a)}</a>' if i in shown else html.escape(p.a),
            html.escape(p.b),
            bar(p.score, f"{100 * p.score:.0f} %"),
            f"{100 * p.share_a:.0f} %",
            f"{100 * p.share_b:.0f} %",
            str(p.tokens),
        ]
        for i, p in enumerate(pairs[: max(top * 3, 50)])
    ]
    body = [
        f"<h1>Similarity: {html.escape(name)}</h1>",
        f"<p>{len(codes)} submissions, {len(pairs)} pairs. The share of a side is how much of "
        "its own code (the starter code left out) is also in the other; a pair's score is the "
        "geometric mean of the two shares. Names, strings and comments are ignored, so renaming "
        "and reordering do not hide a copy. A high score is a reason to look, not a verdict; a "
        "high share on one side only can be a small submission that copied a part.</p>",
    ]
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        body.append(f"<details><summary>{len(notes)} left out</summary><ul>{items}</ul></details>")
    head = ["rank", "a", "b", "score", "share of a", "share of b", "in common"]
    listed = f" (the first {len(rows)})" if len(rows) < len(pairs) else ""
    body += [
        f"<h2>Pairs, most similar first{listed}</h2>",
        table(head, rows, numeric=(0, 4, 5, 6)),
        '<p class="muted">In common: characters of code with names, strings and comments '
        "filtered out.</p>",
    ]
    body.append(f"<h2>Matching regions of the top {len(shown)} pairs</h2>")
    for i, p in enumerate(pairs):
        if i not in shown:
            continue
        body.append(
            f'<details id="pair-{i + 1}"{" open" if i < 3 else ""}><summary>#{i + 1} '
            f"{html.escape(p.a)} and {html.escape(p.b)}: {100 * p.score:.0f} %</summary>"
        )
        for match in p.files:
            code_a = codes[p.a].get(match.file, stubs.get(match.file, ""))
            code_b = codes[p.b].get(match.file, stubs.get(match.file, ""))
            stub = stubs.get(match.file, "")
            left = _highlight(code_a, match.slices_a, "a", stub)
            right = _highlight(code_b, match.slices_b, "b", stub)
            body += [
                f"<h3>{html.escape(match.file)}</h3>",
                '<div class="side">',
                f"<div><b>{html.escape(p.a)}</b><pre>{left}</pre></div>",
                f"<div><b>{html.escape(p.b)}</b><pre>{right}</pre></div>",
                "</div>",
            ]
        body.append("</details>")
    return page(f"{name}: similarity", body)


@dataclass(frozen=True)
class SimilarityResult:
    """What ``similarity`` found and wrote.

    Attributes:
        pairs: every pair, most similar first.
        page: the HTML page written.
        notes: students left out, and why.
    """

    pairs: list[Pair]
    page: Path
    notes: list[str]


def similarity(
    resolved: ResolvedAssignment,
    source: Path,
    *,
    submissions: Path | None = None,
    out: Path | None = None,
    top: int = 20,
    noise: int = NOISE,
    guarantee: int = GUARANTEE,
) -> SimilarityResult:
    """Rank every pair of submissions of the assignment and write ``similarity.html``.

    Args:
        resolved: the assignment, resolved by the command.
        source: a submissions folder or a graded folder (see ``read_codes``).
        submissions: a graded folder's submissions, when not ``submissions/`` beside it.
        out: the page; ``<source>/similarity.html`` for a graded folder, else
            ``similarity.html`` in the current folder.
        top: pairs shown side by side.
        noise: the shortest match that counts (filtered characters).
        guarantee: every match at least this long is found.

    Raises:
        SimilarityError: copydetect is missing, or fewer than two submissions have code.
    """
    codes, stubs, notes = read_codes(resolved, source, submissions)
    if len(codes) < 2:
        raise SimilarityError(
            f"{len(codes)} submission(s) with code in {source}: nothing to compare"
            + (f" ({'; '.join(notes[:3])})" if notes else "")
        )
    pairs = compare_submissions(codes, stubs, noise=noise, guarantee=guarantee)
    if out is None:
        out = (
            Path(source) / "similarity.html"
            if is_graded_folder(source)
            else Path("similarity.html")
        )
    text = render_similarity(resolved.name, pairs, codes, stubs, top=top, notes=notes)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return SimilarityResult(pairs, out, notes)
