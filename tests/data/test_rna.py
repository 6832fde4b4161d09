"""Tests of autograder.data.rna: percentile binarisation, the DeepSHAPE-style FASTA pair and RDAT
parsers on files written here (one checked error for each way they can disagree), windows, and
the offline set (embedded copy, cache with its checksum, generation with ViennaRNA)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.data import rna
from autograder.data.sources import ChecksumError, DatasetNotFound


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


def test_read_reactivity_fasta(tmp_path):
    seqs = write(tmp_path / "s.fa", ">one\nACGT\nAC\n>two desc\nGGGA\n")
    react = write(tmp_path / "r.fa", ">one\n0.1\t\t0.5\tNaN\t1\t0\n>two desc\n\t0.2\t0.3\t0.4\n")
    one, two = rna.read_reactivity_fasta(seqs, react)
    assert (one.name, one.sequence, two.name, two.sequence) == ("one", "ACGUAC", "two desc", "GGGA")
    np.testing.assert_array_equal(one.reactivity, [0.1, np.nan, 0.5, np.nan, 1.0, 0.0])
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
    w = rna.windows([t, rna.Transcript("short", "ACG", np.zeros(3))], length=4, stride=3)
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
    record.write_text(json.dumps({"content_sha256": "0" * 64}))
    with pytest.raises(ChecksumError, match="content SHA-256"):
        rna.folded_rna(6, 32, 5, cache_dir=tmp_path, generate=False)
