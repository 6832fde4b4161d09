"""Public tests of task 5.1: one-hot codes and the pairwise image against a channel-by-channel
construction (autograder.topics.deepshape.oracle)."""

import numpy as np

from autograder.authoring import assert_close, check, check_shape, graded, submission
from autograder.topics.deepshape.oracle import one_hot, pair_image

encoding = submission("capstone_unet_deepshape.encoding")


def random_codes(n: int, length: int, seed: int) -> np.ndarray:
    """One-hot codes of random sequences over ACGUN (N rows are zeros)."""
    rng = np.random.default_rng(seed)
    return np.stack([one_hot("".join(rng.choice(list("ACGUN"), size=length))) for _ in range(n)])


@graded("5.1", points=2)
def test_one_hot_bases_in_order():
    got = encoding.one_hot("ACGU")
    check_shape(got, (4, 4), name="one_hot('ACGU')")
    assert_close(got, one_hot("ACGU"), name="one_hot('ACGU') (rows A, C, G, U; columns A, C, G, U)")


@graded("5.1", points=1)
def test_one_hot_reads_t_as_u_and_other_letters_as_zeros():
    # "ß" and "ﬆ" upper-case to two letters ("SS", "ST"): still one row each, of zeros
    sequence = "gAtßTNcx-Uﬆa"
    got = encoding.one_hot(sequence)
    check_shape(got, (len(sequence), 4), name=f"one_hot({sequence!r}) (one row per character)")
    assert_close(
        got,
        one_hot(sequence),
        name=f"one_hot({sequence!r}) (T is U, lower case allowed, N and others all zeros)",
    )


@graded("5.1", points=4)
def test_pair_image_matches_channel_by_channel_construction():
    codes = random_codes(3, 9, 510)
    got = encoding.pair_image(codes)
    check_shape(got, (3, 16, 9, 9), name="pair_image of codes (3, 9, 4)")
    assert_close(
        got,
        pair_image(codes),
        name="pair_image (channel 4*a + b at (i, j) is onehot(s_i)[a] * onehot(s_j)[b])",
    )


@graded("5.1", points=2)
def test_pair_image_of_one_pair_of_bases():
    codes = one_hot("GC")[None]  # G at i = 0, C at j = 1: channel 4*2 + 1 = 9 at (0, 1)
    got = encoding.pair_image(codes)
    expected = np.zeros((1, 16, 2, 2), dtype=np.float32)
    expected[0, 9, 0, 1] = expected[0, 6, 1, 0] = expected[0, 10, 0, 0] = expected[0, 5, 1, 1] = 1
    assert_close(
        got,
        expected,
        name="pair_image of 'GC' (channel 4*a + b: G-C at (0, 1) is channel 9, C-G at (1, 0) "
        "channel 6)",
    )


@graded("5.1", points=1)
def test_pair_image_is_float32_and_symmetric_under_swapping_bases():
    codes = random_codes(2, 8, 511).astype(np.float64)  # any one-hot codes: float32 out
    got = encoding.pair_image(codes)
    check(
        got.dtype == np.float32,
        f"pair_image of float64 codes returned {got.dtype}, expected float32 (the U-Net "
        "computes in float32)",
    )
    swapped = got.reshape(2, 4, 4, 8, 8).transpose(0, 2, 1, 4, 3).reshape(2, 16, 8, 8)
    assert_close(got, swapped, name="pair_image: channel 4*a + b at (i, j) vs 4*b + a at (j, i)")
