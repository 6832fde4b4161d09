"""RNA SHAPE reactivity data for the capstone: sequences folded with ViennaRNA, and real files.

Offline data (:func:`folded_rna`): random sequences, each folded with ViennaRNA's partition
function (``viennarna`` on PyPI, module ``RNA``). The unpaired probability of each nucleotide,
``1 - sum_j P_ij``, plus Gaussian noise is its reactivity; reactivities are binarised per
transcript by percentiles as SHAPE pipelines do (the top quarter 1, the bottom quarter 0, the
middle NaN) and the first and last ``END_MASK`` positions are NaN (primer sites). The set is
deterministic given its seed and cached as ``.npz`` with a recorded SHA-256 under
``datasets/cache/rna/``. One small set ships with the kit (``embedded/``), so tests and the
notebook run without ViennaRNA.

Real data: DeepSHAPE-style pairs of files (:func:`read_reactivity_fasta`), a FASTA file of
sequences beside a file with the same headers whose sequence lines hold tab-separated
reactivities in [0, 1], and RDAT files of the RNA Mapping Database (:func:`read_rdat`). Long
transcripts become windows of length L (:func:`windows`), binarised per transcript by rank, ties
in a fixed order (:func:`binarise`); shorter ones one window padded with unknowns.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from autograder.data.sources import ChecksumError, DatasetNotFound, default_cache_dir

__all__ = [
    "BASES",
    "END_MASK",
    "EMBEDDED",
    "LABELS",
    "FoldedRNA",
    "RNADataError",
    "Transcript",
    "binarise",
    "content_sha256",
    "fold",
    "folded_rna",
    "generate_folded_rna",
    "read_fasta",
    "read_rdat",
    "read_reactivity_fasta",
    "windows",
]

BASES = "ACGU"
END_MASK = 4  # positions masked (NaN) at each end of a window
NOISE = 0.15  # standard deviation of the noise added to the unpaired probability
BPP_KEPT = 16  # base-pair probability matrices kept (the first sequences), for plots
_EMBEDDED_DIR = Path(__file__).resolve().parent / "embedded"

# (n, length, seed) -> SHA-256 of the content (content_sha256) of the set shipped in embedded/.
# Rebuilt by ``python -m autograder.topics.deepshape.data --embedded`` (ViennaRNA 2.8.0 made
# this one).
EMBEDDED: dict[tuple[int, int, int], str] = {
    (600, 64, 0): "caa2280a0042165fb0e1951b5cff44336e7681540cdbe2e0fdcee5660934e831",
}


class RNADataError(ValueError):
    """A reactivity or sequence file is malformed; the message names the file and the record."""


@dataclass(frozen=True, eq=False)
class FoldedRNA:
    """A set of RNA windows with binarised reactivities.

    Attributes:
        sequences: (N,) strings of length L over ACGU.
        reactivity: (N, L) float32, the noisy unpaired probability (NaN where unknown).
        targets: (N, L) float32, 1 reactive, 0 unreactive, NaN unknown.
        unpaired: (N, L) float32, ViennaRNA's unpaired probability (NaN for real data).
        bpp: (K, L, L) float32 base-pair probabilities of the first K sequences (K may be 0).
    """

    sequences: np.ndarray
    reactivity: np.ndarray
    targets: np.ndarray
    unpaired: np.ndarray
    bpp: np.ndarray

    def __len__(self) -> int:
        return len(self.sequences)

    def subset(self, index: np.ndarray | slice) -> FoldedRNA:
        """The windows at ``index`` (bpp kept only when ``index`` is a slice from 0)."""
        keep = self.bpp[index] if isinstance(index, slice) else self.bpp[:0]
        return FoldedRNA(
            self.sequences[index],
            self.reactivity[index],
            self.targets[index],
            self.unpaired[index],
            keep,
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """The fields as a dict of arrays, as saved in the ``.npz``."""
        return {
            "sequences": self.sequences,
            "reactivity": self.reactivity,
            "targets": self.targets,
            "unpaired": self.unpaired,
            "bpp": self.bpp,
        }


@dataclass(frozen=True)
class Transcript:
    """One transcript of a real data file: its name, sequence and reactivities (NaN unknown)."""

    name: str
    sequence: str
    reactivity: np.ndarray


def content_sha256(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the names, dtypes, shapes and bytes of ``arrays`` (sorted by name): the same
    however the ``.npz`` was compressed."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


# The labelling rule of generated sets, recorded beside each: a set cached under another rule is
# generated again (the percentile rule before it labelled one position more or less at some L).
LABELS = "rank-quarters-ties-seeded"


def binarise(reactivity: np.ndarray, quantile: float = 0.25, seed: int = 0) -> np.ndarray:
    """Binarise one transcript's reactivities by rank: its lowest quarter 0, its highest 1.

    Of the n known values, exactly ``k = floor(quantile * n)`` become 0 (the lowest) and ``k``
    become 1 (the highest); the others are NaN (not labelled), as are the unknown positions.
    Equal values are ranked in a fixed pseudo-random order (``numpy.random.default_rng(seed)``),
    so where more positions tie at a boundary than fit in the quarter, some of them (the same
    ones every time) are labelled and the rest are not. Published SHAPE data have many exact
    zeros (13 to 41 % of a transcript in DeepSHAPE's files, more than a quarter in most): there
    the 0 class is ``k`` of the zeros, not all of them, and the labelled positions stay half 0,
    half 1. Values without ties (the kit's folded RNAs) are labelled as by their percentiles.

    Args:
        reactivity: (L,) reals, NaN where unknown.
        quantile: the fraction set to 0 (lowest) and to 1 (highest), in (0, 0.5].
        seed: the order of equal values.

    Returns:
        (L,) float32: 0, 1 or NaN.

    Raises:
        ValueError: ``quantile`` outside (0, 0.5].
    """
    if not 0.0 < quantile <= 0.5:
        raise ValueError(f"quantile must be in (0, 0.5], got {quantile}")
    r = np.asarray(reactivity, dtype=np.float64)
    out = np.full(r.shape, np.nan, dtype=np.float32)
    known = np.flatnonzero(~np.isnan(r))
    k = math.floor(quantile * len(known) + 1e-9)
    if k == 0:
        return out
    ties = np.random.default_rng(seed).random(len(known))
    order = known[np.lexsort((ties, r[known]))]  # ascending; equal values in the drawn order
    out[order[:k]] = 0.0
    out[order[len(known) - k :]] = 1.0
    return out


def fold(sequence: str) -> np.ndarray:
    """Base-pair probabilities of ``sequence`` from ViennaRNA's partition function, (L, L)
    symmetric float64.

    Raises:
        ImportError: ViennaRNA is not installed (``pip install viennarna``).
    """
    try:
        import RNA
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ImportError(
            "Folding RNA needs ViennaRNA: pip install viennarna (or use the kit's embedded set)"
        ) from exc
    compound = RNA.fold_compound(sequence)
    _, mfe = compound.mfe()
    compound.exp_params_rescale(mfe)
    compound.pf()
    bpp = np.array(compound.bpp(), dtype=np.float64)[1:, 1:]  # 1-based, upper triangle
    return bpp + bpp.T


def generate_folded_rna(n: int, length: int, seed: int, progress: bool = True) -> FoldedRNA:
    """Generate ``n`` random windows of ``length`` nucleotides, folded with ViennaRNA.

    Deterministic given ``seed`` (and the ViennaRNA version). About 10 ms a sequence at L=64 and
    40 ms at L=128 on one core.
    """
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length))
    noise = rng.normal(0.0, NOISE, size=(n, length))
    sequences = np.array(["".join(BASES[c] for c in row) for row in codes])
    unpaired = np.empty((n, length), dtype=np.float32)
    bpp = np.empty((min(n, BPP_KEPT), length, length), dtype=np.float32)
    for i in tqdm(range(n), desc=f"folding {n} RNAs (L={length})", disable=not progress):
        p = fold(str(sequences[i]))
        unpaired[i] = np.clip(1.0 - p.sum(axis=1), 0.0, 1.0)
        if i < len(bpp):
            bpp[i] = p
    reactivity = (unpaired + noise).astype(np.float32)
    reactivity[:, :END_MASK] = np.nan
    reactivity[:, length - END_MASK :] = np.nan
    targets = np.stack([binarise(r) for r in reactivity])
    return FoldedRNA(sequences, reactivity, targets, unpaired, bpp)


def _load_npz(path: Path) -> FoldedRNA:
    with np.load(path, allow_pickle=False) as z:
        return FoldedRNA(
            **{k: z[k] for k in ("sequences", "reactivity", "targets")},
            unpaired=z["unpaired"],
            bpp=z["bpp"],
        )


def folded_rna(
    n: int = 600,
    length: int = 64,
    seed: int = 0,
    *,
    cache_dir: str | Path | None = None,
    generate: bool = True,
    progress: bool = True,
) -> FoldedRNA:
    """The offline data set: ``n`` windows of ``length`` folded with ViennaRNA, from the kit's
    embedded copy, else the cache, else generated (and cached) when ``generate``.

    Args:
        n: number of windows.
        length: window length L.
        seed: the generator's seed.
        cache_dir: where the ``.npz`` and its ``.sha256`` are kept; ``datasets/cache/rna`` in a
            checkout (see ``autograder.data.default_cache_dir``).
        generate: generate it when no copy is found (needs ViennaRNA).
        progress: show a progress bar while generating.

    Raises:
        ChecksumError: a copy does not match its recorded SHA-256.
        DatasetNotFound: no copy and ``generate`` is false, or ViennaRNA is missing.
    """
    name = f"folded_L{length}_n{n}_seed{seed}.npz"
    embedded = _EMBEDDED_DIR / name
    if embedded.is_file() and (n, length, seed) in EMBEDDED:
        data = _load_npz(embedded)
        _verify(data, EMBEDDED[(n, length, seed)], embedded)
        return data
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir("rna")
    path, record = folder / name, folder / (name + ".sha256")
    recorded = json.loads(record.read_text()) if path.is_file() and record.is_file() else None
    if recorded is not None and recorded.get("labels") == LABELS:
        data = _load_npz(path)
        _verify(data, recorded["content_sha256"], path)
        return data
    if not generate:
        stale = f" (labelled by another rule: {recorded.get('labels')!r})" if recorded else ""
        raise DatasetNotFound(f"{path} not found{stale}; call folded_rna(..., generate=True)")
    try:
        data = generate_folded_rna(n, length, seed, progress=progress)
    except ImportError as exc:
        raise DatasetNotFound(
            f"{name} is neither embedded nor in {folder}, and generating it needs ViennaRNA: "
            "pip install viennarna"
        ) from exc
    folder.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part.npz")
    np.savez_compressed(part, **data.arrays())
    part.replace(path)
    digest = content_sha256(data.arrays())
    record.write_text(json.dumps({"content_sha256": digest, "labels": LABELS}) + "\n")
    return data


def _verify(data: FoldedRNA, expected: str, path: Path) -> None:
    digest = content_sha256(data.arrays())
    if digest != expected:
        raise ChecksumError(
            f"{path}: content SHA-256 {digest}, expected {expected}; the file is damaged or "
            "another version. Delete it and it will be generated again."
        )


# --- real data -------------------------------------------------------------------------------


def read_fasta(path: str | Path) -> list[tuple[str, str]]:
    """Records of a FASTA file as (header without ``>``, sequence with lines joined).

    Raises:
        RNADataError: text before the first header, or an empty or repeated header.
    """
    path = Path(path)
    records: list[tuple[str, list[str]]] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith(">"):
            header = line[1:].strip()
            if not header:
                raise RNADataError(f"{path}, line {number}: empty header")
            if any(header == h for h, _ in records):
                raise RNADataError(f"{path}, record {header!r}: the header is repeated")
            records.append((header, []))
        elif line.strip():
            if not records:
                raise RNADataError(f"{path}, line {number}: sequence before the first header")
            records[-1][1].append(line.strip())
    return [(h, "".join(parts)) for h, parts in records]


def _values(text: str, path: Path, header: str) -> np.ndarray:
    """The values of one line: tab-separated fields, one per nucleotide. A tab at the start of
    the line separates nothing from the first value (DeepSHAPE's files, and its writer, put a tab
    before every value); an empty field elsewhere, or ``NaN``, is an unknown value."""
    fields = text.split("\t")
    if text.startswith("\t"):
        fields = fields[1:]
    out = []
    for k, field in enumerate(fields):
        field = field.strip()
        if field == "" or field.lower() == "nan":
            out.append(math.nan)
            continue
        try:
            v = float(field)
        except ValueError:
            raise RNADataError(
                f"{path}, record {header!r}: value {k + 1} {field!r} is not a number"
            ) from None
        if not 0.0 <= v <= 1.0:
            raise RNADataError(f"{path}, record {header!r}: value {k + 1} is {v}, outside [0, 1]")
        out.append(v)
    return np.array(out, dtype=np.float64)


def read_reactivity_fasta(
    sequence_file: str | Path, reactivity_file: str | Path
) -> list[Transcript]:
    """Read a DeepSHAPE-style pair: sequences (FASTA) and reactivities under the same headers.

    The layout of the DeepSHAPE repository's files (OrensteinLab/DeepSHAPE, ``partial_data/``:
    ``sequences3.txt`` with ``annotations3.txt`` in vitro, ``sequences4.txt`` with
    ``annotations4.txt`` in vivo): each record is a ``>name`` line and one line of values, one per
    nucleotide, each value preceded by a tab (so every value line starts with a tab), in [0, 1],
    written as ``0.0``, ``0.27`` or ``3.33333E-4``; lines end with CRLF or LF. A line without the
    leading tab is read the same way. An empty field after the first tab, or ``NaN``, is an
    unknown value (the published files have none: every position is measured, and 13 to 41 % of
    the values are exactly 0). T is read as U.

    Raises:
        RNADataError: the files hold different numbers of records or headers, a record's number
            of values differs from its sequence's length, or a value is not a number in [0, 1].
            The message names the file and the record.
    """
    sequence_file, reactivity_file = Path(sequence_file), Path(reactivity_file)
    sequences = read_fasta(sequence_file)
    values = []
    header = None
    for number, line in enumerate(
        reactivity_file.read_text(encoding="utf-8").splitlines(), start=1
    ):
        if line.startswith(">"):
            header = line[1:].strip()
            values.append((header, None))
        elif line.strip("\n\r") and line.strip(" \r"):
            if header is None or values[-1][1] is not None:
                raise RNADataError(
                    f"{reactivity_file}, line {number}: a line of values without its header"
                )
            values[-1] = (header, line.rstrip("\r\n"))
    if len(values) != len(sequences):
        raise RNADataError(
            f"{reactivity_file} holds {len(values)} records, {sequence_file} holds "
            f"{len(sequences)}: the files must list the same transcripts"
        )
    out = []
    for (name, sequence), (other, text) in zip(sequences, values, strict=True):
        if name != other:
            raise RNADataError(
                f"{reactivity_file}, record {other!r}: expected the header {name!r} of "
                f"{sequence_file} at this place"
            )
        r = _values(text or "", reactivity_file, name)
        if len(r) != len(sequence):
            raise RNADataError(
                f"{reactivity_file}, record {name!r}: {len(r)} values for a sequence of "
                f"{len(sequence)} nucleotides in {sequence_file}"
            )
        out.append(Transcript(name, sequence.upper().replace("T", "U"), r))
    return out


def read_rdat(path: str | Path) -> list[Transcript]:
    """Read the reactivities of an RDAT file (RNA Mapping Database, versions 0.2x to 0.4x).

    Uses ``NAME``, ``SEQUENCE`` (or per-construct ``SEQUENCE:k``), ``OFFSET``, ``SEQPOS`` and
    ``REACTIVITY:k`` lines (older files: ``VERSION``, ``AREA_PEAK:k``); other lines are ignored.
    Value k of a REACTIVITY line belongs to nucleotide ``SEQPOS[k] - OFFSET`` (1-based);
    nucleotides without a value are NaN. Raw reactivities are kept (not clipped to [0, 1]).

    Raises:
        RNADataError: no sequence, a REACTIVITY line whose count differs from SEQPOS, a SEQPOS
            outside the sequence, or a value that is not a number; the message names the file
            and the data line.
    """
    path = Path(path)
    name, sequence, offset, seqpos = path.stem, "", 0, None
    sequences: dict[str, str] = {}
    rows: list[tuple[str, list[str]]] = []
    for line in path.read_text().splitlines():
        fields = line.split()
        if not fields:
            continue
        key, rest = fields[0], fields[1:]
        if key == "NAME":
            name = " ".join(rest)
        elif key == "SEQUENCE":
            sequence = "".join(rest)
        elif key.startswith("SEQUENCE:"):
            sequences[key.split(":", 1)[1]] = "".join(rest)
        elif key == "OFFSET":
            offset = int(rest[0])
        elif key == "SEQPOS":
            seqpos = [int("".join(c for c in f if c.isdigit() or c == "-")) for f in rest]
        elif key.startswith(("REACTIVITY:", "AREA_PEAK:")):
            rows.append((key.split(":", 1)[1], rest))
    out = []
    for index, values in rows:
        seq = sequences.get(index, sequence).upper().replace("T", "U")
        record = f"{name} (REACTIVITY:{index})"
        if not seq:
            raise RNADataError(f"{path}, record {record}: no SEQUENCE line")
        positions = seqpos if seqpos is not None else list(range(offset + 1, offset + 1 + len(seq)))
        if len(values) != len(positions):
            raise RNADataError(
                f"{path}, record {record}: {len(values)} values for {len(positions)} SEQPOS"
            )
        r = np.full(len(seq), np.nan)
        for pos, text in zip(positions, values, strict=True):
            i = pos - offset - 1
            if not 0 <= i < len(seq):
                raise RNADataError(
                    f"{path}, record {record}: SEQPOS {pos} is outside the sequence of length "
                    f"{len(seq)} (OFFSET {offset})"
                )
            try:
                r[i] = float(text)
            except ValueError:
                raise RNADataError(f"{path}, record {record}: {text!r} is not a number") from None
        out.append(Transcript(name if len(rows) == 1 else record, seq, r))
    return out


def windows(transcripts: list[Transcript], length: int, stride: int | None = None) -> FoldedRNA:
    """Cut transcripts into windows of ``length`` with ``stride`` (``length`` by default),
    binarising each whole transcript's reactivities first (:func:`binarise`).

    The last window of a transcript is aligned to its end. A transcript shorter than ``length``
    gives one window, padded at its end with ``N`` (an all-zero one-hot) and unknown (NaN)
    reactivities and targets, which the masked loss and metrics ignore.
    """
    stride = stride or length
    seqs, targets, reactivity = [], [], []
    for t in transcripts:
        labels = binarise(t.reactivity)
        n = len(t.sequence)
        if n < length:
            pad = length - n
            seqs.append(t.sequence + "N" * pad)
            targets.append(np.concatenate([labels, np.full(pad, np.nan, np.float32)]))
            reactivity.append(np.concatenate([t.reactivity, np.full(pad, np.nan)]))
            continue
        starts = list(range(0, n - length + 1, stride))
        if starts[-1] != n - length:
            starts.append(n - length)
        for s in starts:
            seqs.append(t.sequence[s : s + length])
            targets.append(labels[s : s + length])
            reactivity.append(t.reactivity[s : s + length])
    n = len(seqs)
    return FoldedRNA(
        np.array(seqs, dtype=f"<U{length}"),
        np.array(reactivity, dtype=np.float32).reshape(n, length),
        np.array(targets, dtype=np.float32).reshape(n, length),
        np.full((n, length), np.nan, dtype=np.float32),
        np.zeros((0, length, length), dtype=np.float32),
    )


if __name__ == "__main__":  # rebuild the embedded set: python -m autograder.topics.deepshape.data
    data = generate_folded_rna(600, 64, 0)
    _EMBEDDED_DIR.mkdir(exist_ok=True)
    np.savez_compressed(_EMBEDDED_DIR / "folded_L64_n600_seed0.npz", **data.arrays())
    print(content_sha256(data.arrays()))
