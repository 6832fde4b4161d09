"""Tests of autograder.topics.deepshape.data: percentile binarisation, the DeepSHAPE-style FASTA
pair and RDAT parsers on files written here (one checked error for each way they can disagree),
windows, and the offline set (embedded copy, cache with its checksum, generation with ViennaRNA)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.data.sources import ChecksumError, DatasetNotFound
from autograder.topics.deepshape import data as rna


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_binarise_sets_quarters_by_percentile_and_keeps_nan():
    r = np.array([0.0, 0.1, np.nan, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    out = rna.binarise(r)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[[0, 1]], [0, 0])
    np.testing.assert_array_equal(out[[7, 8]], [1, 1])
    assert np.isnan(out[[2, 3, 4, 5, 6]]).all()


def test_binarise_of_too_few_known_values_is_all_nan():
    assert np.isnan(rna.binarise(np.array([np.nan, 0.3, np.nan]))).all()
    with pytest.raises(ValueError, match="quantile"):
        rna.binarise(np.zeros(8), quantile=0.6)


def test_binarise_labels_a_quarter_each_way_when_zeros_tie():
    """The published in vivo test transcript 1:4909576-5070285: 40 of its 67 values are exactly
    0, so its lower quartile is 0. Of the zeros, floor(67 / 4) = 16 are labelled 0, always the
    same ones; the labelled positions are half positive; ties at 1.0 are handled alike."""
    r = np.array([float(v) for v in SHORT[0][2]])
    assert (r == 0).sum() == 40 and np.quantile(r, 0.25) == 0.0
    out = rna.binarise(r)
    assert (out == 0).sum() == (out == 1).sum() == 16
    assert (r[out == 0] == 0).all() and (r[out == 1] >= np.sort(r)[-16]).all()
    np.testing.assert_array_equal(out, rna.binarise(r), strict=True)  # reproducible
    assert not np.array_equal(out, rna.binarise(r, seed=1), equal_nan=True)  # ties by the seed
    ones = np.r_[np.full(10, 1.0), np.linspace(0.1, 0.5, 10)]
    assert ((rna.binarise(ones) == 1).sum(), (rna.binarise(ones) == 0).sum()) == (5, 5)


def test_binarise_without_ties_is_the_percentile_rule():
    """Distinct values (the kit's folded RNAs): the lowest and highest floor(n / 4) of n, the
    same positions as the percentiles of the shipped set's 56 known values per window."""
    rng = np.random.default_rng(3)
    for n in (8, 9, 56, 61):
        r = rng.random(n)
        out, order = rna.binarise(r), np.argsort(r)
        k = n // 4
        assert set(np.flatnonzero(out == 0)) == set(order[:k])
        assert set(np.flatnonzero(out == 1)) == set(order[n - k :])
    data = rna.folded_rna(600, 64, 0, generate=False)
    again = np.stack([rna.binarise(r) for r in data.reactivity])
    np.testing.assert_array_equal(again, data.targets)


# Two records of the DeepSHAPE repository's in vivo test files (OrensteinLab/DeepSHAPE,
# partial_data/4_in_vivo/test/sequences4.txt and annotations4.txt), as published: header, the
# sequence, and the values as written there.
SHORT = [
    (
        "1:4909576-5070285",
        "AGCTGGATGCAATGAGCACCAACAGCAAGCAGAGGAGAATCTCAGGGAAGATCTTTGCTTGGACACC",
        ["0.0"] * 37
        + "0.015 0.0 0.162 0.077 0.514 0.276 0.133 0.171 0.128 0.345 1.0 0.316 0.263 0.988 "
        "1.0 1.0 0.768 0.909 0.37 0.0 1.0 0.859 0.4 0.533 1.0 1.0 0.0 0.081 0.594 0.279".split(),
    ),
    (
        "1:5644645-5644745",
        "CCACAAGGGGCCTTTTCCCCTTGATCACTAATTGAGAAAATGCCTTACAGTTGGATCTCATG",
        "0.006 0.0 0.064 0.083 0.009 0.0 0.0 0.021 0.017 0.019 0.22 0.149 0.813 0.372 0.056 "
        "0.228 0.0 0.005 0.013 0.005 0.0 0.015 0.097 0.074 0.133 0.0 0.005 0.158 0.05 0.065 "
        "0.245 0.036 0.0 0.002 0.46 0.189 0.714 0.031 0.013 0.057 0.162 0.107 0.851 0.349 0.6 "
        "0.516 0.42 0.176 0.283 0.321 0.433 0.238 0.132 0.754 1.0 1.0 0.471 0.89 0.319 0.801 "
        "1.0 0.364".split(),
    ),
]


def write_published(folder: Path, records=SHORT) -> tuple[Path, Path]:
    """The pair of files laid out byte for byte as the published ones: CRLF line ends, a
    '>name' line, then one line with a tab before every value (so it starts with a tab)."""
    folder.mkdir(parents=True, exist_ok=True)
    seqs, values = folder / "sequences4.txt", folder / "annotations4.txt"
    seqs.write_bytes(b"".join(f">{h}\r\n{s}\r\n".encode() for h, s, _ in records))
    lines = (f">{h}\r\n" + "".join(f"\t{v}" for v in vs) + "\r\n" for h, _, vs in records)
    values.write_bytes("".join(lines).encode())
    return seqs, values


def test_the_published_layout_reads_one_value_per_nucleotide(tmp_path):
    seqs, values = write_published(tmp_path)
    assert values.read_bytes().count(b"\r\n\t") == 2  # every value line starts with a tab
    first, second = rna.read_reactivity_fasta(seqs, values)
    assert (first.name, len(first.sequence), len(first.reactivity)) == (SHORT[0][0], 67, 67)
    assert (second.name, len(second.sequence), len(second.reactivity)) == (SHORT[1][0], 62, 62)
    assert not np.isnan(first.reactivity).any()  # the leading tab is no missing value
    assert first.reactivity[37] == 0.015 and second.reactivity[0] == 0.006
    assert second.sequence.startswith("CCACAAGGGG") and "T" not in second.sequence


def test_the_published_layout_mismatch_names_the_record_and_both_counts(tmp_path):
    header, sequence, vs = SHORT[1]
    seqs, values = write_published(tmp_path, [(header, sequence[:-1], vs)])
    with pytest.raises(rna.RNADataError) as info:
        rna.read_reactivity_fasta(seqs, values)
    assert f"record '{header}': 62 values for a sequence of 61 nucleotides" in str(info.value)


def test_exponents_and_real_missing_values_in_the_published_layout(tmp_path):
    seqs = write(tmp_path / "s.fa", ">a\r\nACGUA\r\n")
    react = tmp_path / "r.fa"
    react.write_bytes(b">a\r\n\t0.1\t\t3.33333E-4\tNaN\t1.0\r\n")
    (a,) = rna.read_reactivity_fasta(seqs, react)
    np.testing.assert_array_equal(a.reactivity, [0.1, np.nan, 3.33333e-4, np.nan, 1.0])


def test_read_reactivity_fasta(tmp_path):
    seqs = write(tmp_path / "s.fa", ">one\nACGT\nAC\n>two desc\nGGGA\n")
    react = write(tmp_path / "r.fa", ">one\n0.1\t\t0.5\tNaN\t1\t0\n>two desc\n\t\t0.2\t0.3\t0.4\n")
    one, two = rna.read_reactivity_fasta(seqs, react)
    assert (one.name, one.sequence, two.name, two.sequence) == ("one", "ACGUAC", "two desc", "GGGA")
    np.testing.assert_array_equal(one.reactivity, [0.1, np.nan, 0.5, np.nan, 1.0, 0.0])
    # the leading tab separates; the empty field after it is the unknown first value
    np.testing.assert_array_equal(two.reactivity, [np.nan, 0.2, 0.3, 0.4])


@pytest.mark.parametrize(
    "reactivity, message",
    [
        (">one\n0.1\t0.2\n", "holds 1 records"),
        (">one\n0.1\t0.2\n>two\n0.1\n", "record 'two': 1 values for a sequence of 2"),
        (">one\n0.1\t1.5\n>two\n0\t0\n", "record 'one': value 2 is 1.5, outside [0, 1]"),
        (">one\n0.1\tx\n>two\n0\t0\n", "record 'one': value 2 'x' is not a number"),
        (">one\n0.1\t0.2\n>three\n0\t0\n", "record 'three': expected the header 'two'"),
    ],
    ids=["unequal-counts", "length", "out-of-range", "not-a-number", "other-header"],
)
def test_read_reactivity_fasta_errors_name_file_and_record(tmp_path, reactivity, message):
    seqs = write(tmp_path / "s.fa", ">one\nAC\n>two\nGU\n")
    react = write(tmp_path / "r.fa", reactivity)
    with pytest.raises(rna.RNADataError) as info:
        rna.read_reactivity_fasta(seqs, react)
    assert message in str(info.value)
    assert str(tmp_path) in str(info.value)


def test_read_fasta_errors(tmp_path):
    with pytest.raises(rna.RNADataError, match="before the first header"):
        rna.read_fasta(write(tmp_path / "a.fa", "ACGU\n>x\nA\n"))
    with pytest.raises(rna.RNADataError, match="'x': the header is repeated"):
        rna.read_fasta(write(tmp_path / "b.fa", ">x\nA\n>x\nC\n"))


RDAT = """RDAT_VERSION 0.34
NAME test construct
SEQUENCE GGAAACUUCG
OFFSET 10
SEQPOS 13 14 15 16
ANNOTATION chemical:1M7
REACTIVITY:1 0.5 1.2 -0.1 0.0
REACTIVITY:2 0.1 0.2 0.3 0.4
"""


def test_read_rdat_places_values_by_seqpos_and_offset(tmp_path):
    first, second = rna.read_rdat(write(tmp_path / "x.rdat", RDAT))
    assert first.sequence == "GGAAACUUCG" and first.name == "test construct (REACTIVITY:1)"
    expected = np.full(10, np.nan)
    expected[2:6] = [0.5, 1.2, -0.1, 0.0]
    np.testing.assert_array_equal(first.reactivity, expected)
    np.testing.assert_array_equal(second.reactivity[2:6], [0.1, 0.2, 0.3, 0.4])


def test_read_rdat_errors(tmp_path):
    short = RDAT.replace("REACTIVITY:2 0.1 0.2 0.3 0.4", "REACTIVITY:2 0.1 0.2")
    with pytest.raises(rna.RNADataError, match=r"REACTIVITY:2\): 2 values for 4 SEQPOS"):
        rna.read_rdat(write(tmp_path / "a.rdat", short))
    outside = RDAT.replace("SEQPOS 13 14 15 16", "SEQPOS 13 14 15 21")
    with pytest.raises(rna.RNADataError, match="SEQPOS 21 is outside the sequence of length 10"):
        rna.read_rdat(write(tmp_path / "b.rdat", outside))
    with pytest.raises(rna.RNADataError, match="no SEQUENCE line"):
        rna.read_rdat(write(tmp_path / "c.rdat", "NAME x\nREACTIVITY:1 0.1\n"))


def test_windows_stride_last_window_and_per_transcript_binarisation():
    r = np.linspace(0, 1, 10)
    t = rna.Transcript("t", "ACGUACGUAC", r)
    w = rna.windows([t], length=4, stride=3)
    assert list(w.sequences) == ["ACGU", "UACG", "GUAC"]  # starts 0, 3 and the end-aligned 6
    whole = rna.binarise(r)
    np.testing.assert_array_equal(w.targets[0], whole[0:4])
    np.testing.assert_array_equal(w.targets[2], whole[6:10])
    assert w.targets.shape == (3, 4) and w.bpp.shape == (0, 4, 4)


def test_embedded_set_loads_with_its_checksum():
    data = rna.folded_rna(600, 64, 0, generate=False)
    assert data.sequences.shape == (600,) and data.targets.shape == (600, 64)
    assert set(np.unique(data.targets[~np.isnan(data.targets)])) == {0.0, 1.0}
    assert np.isnan(data.targets[:, : rna.END_MASK]).all()
    assert rna.content_sha256(data.arrays()) == rna.EMBEDDED[(600, 64, 0)]


def test_missing_set_without_generation_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetNotFound, match="not found"):
        rna.folded_rna(7, 16, 3, cache_dir=tmp_path, generate=False)


def test_generation_is_deterministic_cached_and_checked(tmp_path):
    pytest.importorskip("RNA")
    first = rna.folded_rna(6, 32, 5, cache_dir=tmp_path, progress=False)
    again = rna.generate_folded_rna(6, 32, 5, progress=False)
    assert rna.content_sha256(first.arrays()) == rna.content_sha256(again.arrays())
    assert first.bpp.shape == (6, 32, 32)
    np.testing.assert_allclose(first.bpp, first.bpp.transpose(0, 2, 1))
    np.testing.assert_allclose(first.unpaired, 1 - first.bpp.sum(axis=2), atol=1e-5)
    record = tmp_path / "folded_L32_n6_seed5.npz.sha256"
    assert json.loads(record.read_text())["content_sha256"] == rna.content_sha256(first.arrays())
    cached = rna.folded_rna(6, 32, 5, cache_dir=tmp_path, generate=False)
    np.testing.assert_array_equal(cached.targets, first.targets)
    record.write_text(json.dumps({"content_sha256": "0" * 64, "labels": rna.LABELS}))
    with pytest.raises(ChecksumError, match="content SHA-256"):
        rna.folded_rna(6, 32, 5, cache_dir=tmp_path, generate=False)
    # a set labelled by an earlier rule is not used: it is generated again
    record.write_text(json.dumps({"content_sha256": "0" * 64}))
    with pytest.raises(DatasetNotFound, match="labelled by another rule"):
        rna.folded_rna(6, 32, 5, cache_dir=tmp_path, generate=False)
    regenerated = rna.folded_rna(6, 32, 5, cache_dir=tmp_path, progress=False)
    assert json.loads(record.read_text())["labels"] == rna.LABELS
    np.testing.assert_array_equal(regenerated.targets, first.targets)


def test_a_transcript_shorter_than_the_window_is_padded_with_unknowns(tmp_path):
    """The published in vivo test set's 62-nt transcript in windows of 64: one window, two N
    and two NaN targets at its end, its own labels (binarised over the 62 values) before."""
    transcripts = rna.read_reactivity_fasta(*write_published(tmp_path))
    cut = rna.windows(transcripts, length=64, stride=32)
    assert list(cut.sequences) == [
        transcripts[0].sequence[:64],
        transcripts[0].sequence[3:67],
        transcripts[1].sequence + "NN",
    ]
    short = cut.targets[2]
    np.testing.assert_array_equal(short[:62], rna.binarise(transcripts[1].reactivity))
    assert np.isnan(short[62:]).all() and np.isnan(cut.reactivity[2, 62:]).all()
    labelled = short[~np.isnan(short)]
    assert len(labelled) == 2 * (62 // 4) and labelled.mean() == 0.5
