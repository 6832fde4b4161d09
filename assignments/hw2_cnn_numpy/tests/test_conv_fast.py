"""Public tests of task 2.7: im2col and col2im against torch's unfold and fold, and the fast
convolution against PyTorch. (Its speed is graded by a hidden test: at least 10 times faster than
a plain loop implementation.)"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.authoring import assert_close, graded, submission
from autograder.authoring.oracles.pytorch import conv2d, conv2d_grads

conv_fast = submission("hw2_cnn_numpy.conv_fast")

# (N, C, H, W), (F, KH, KW), stride, pad
SHAPES = {
    "3x3-pad1": ((2, 3, 6, 6), (4, 3, 3), (1, 1), (1, 1)),
    "non-square-stride-pad": ((2, 2, 7, 9), (3, 3, 2), (2, 3), (2, 1)),
    "C1-F1-1x1": ((1, 1, 4, 5), (1, 1, 1), (1, 1), (0, 0)),
}


@graded("2.7", points=3)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_im2col_and_col2im_match_unfold_and_fold(shape):
    (n, c, h, w), (_, kh, kw), stride, pad = SHAPES[shape]
    x = np.random.default_rng(320).normal(size=(n, c, h, w))
    expected = F.unfold(torch.from_numpy(x), (kh, kw), stride=stride, padding=pad).numpy()
    assert_close(
        conv_fast.im2col(x, (kh, kw), stride, pad),
        expected,
        name=f"im2col ({shape}), rows in (channel, kernel row, kernel column) order",
    )
    cols = np.random.default_rng(321).normal(size=expected.shape)
    folded = F.fold(torch.from_numpy(cols), (h, w), (kh, kw), stride=stride, padding=pad)
    assert_close(
        conv_fast.col2im(cols, (n, c, h, w), (kh, kw), stride, pad),
        folded.numpy(),
        name=f"col2im ({shape})",
    )


@graded("2.7", points=3)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_fast_conv_matches_torch(shape):
    (n, c, h, w), (f, kh, kw), stride, pad = SHAPES[shape]
    rng = np.random.default_rng(322)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f)
    out, cache = conv_fast.conv2d_fast_forward(x, wt, b, stride, pad)
    expected = conv2d(x, wt, b, stride, pad)
    assert_close(out, expected, name=f"conv2d_fast_forward output ({shape})")
    grad_out = rng.normal(size=expected.shape)
    dx, dw, db = conv_fast.conv2d_fast_backward(grad_out, cache)
    ex, ew, eb = conv2d_grads(x, wt, b, grad_out, stride, pad)
    assert_close(dx, ex, name=f"conv2d_fast_backward dx ({shape})")
    assert_close(dw, ew, name=f"conv2d_fast_backward dw ({shape})")
    assert_close(db, eb, name=f"conv2d_fast_backward db ({shape})")
