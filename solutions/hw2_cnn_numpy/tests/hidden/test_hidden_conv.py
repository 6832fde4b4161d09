"""Hidden tests of tasks 2.2 and 2.3: more shapes, large padding and strides, repeated calls."""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, submission
from autograder.authoring.oracles.pytorch import conv2d, conv2d_grads

pytestmark = pytest.mark.hidden

conv = submission("hw2_cnn_numpy.conv")

# (N, C, H, W), (F, KH, KW), stride, pad
SHAPES = {
    "pad3-kernel5": ((2, 2, 6, 7), (3, 5, 5), (1, 1), (3, 3)),
    "stride3-1x1": ((2, 3, 7, 8), (4, 1, 1), (3, 3), (0, 0)),
    "kernel-as-large-as-input": ((3, 2, 4, 5), (2, 4, 5), (1, 1), (0, 0)),
    "tall-kernel-wide-stride": ((1, 1, 9, 9), (2, 4, 1), (1, 3), (0, 2)),
    "batch1-many-filters": ((1, 3, 5, 5), (7, 3, 3), (2, 2), (1, 1)),
    "overlap-stride2-kernel4": ((2, 2, 10, 9), (3, 4, 4), (2, 2), (1, 0)),
}


def random_conv(shape, seed):
    (n, c, h, w), (f, kh, kw), _, _ = SHAPES[shape]
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f)


@graded("2.2", points=6)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_conv_forward_more_shapes(shape):
    x, w, b = random_conv(shape, 240)
    stride, pad = SHAPES[shape][2:]
    out, cache = conv.conv2d_forward(x, w, b, stride, pad)
    assert_close(
        out,
        conv2d(x, w, b, stride, pad),
        name=f"conv2d_forward output ({shape}, stride {stride}, pad {pad})",
    )
    assert cache is not None, (
        "conv2d_forward returns (out, cache): cache keeps what conv2d_backward needs, not None"
    )


@graded("2.3", points=6)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_conv_backward_more_shapes(shape):
    x, w, b = random_conv(shape, 250)
    stride, pad = SHAPES[shape][2:]
    grad_out = np.random.default_rng(251).normal(size=conv2d(x, w, b, stride, pad).shape)
    ex, ew, eb = conv2d_grads(x, w, b, grad_out, stride, pad)
    for call in (1, 2):  # a second call gives the same gradients (nothing accumulates)
        _, cache = conv.conv2d_forward(x, w, b, stride, pad)
        dx, dw, db = conv.conv2d_backward(grad_out, cache)
        where = f"({shape}, stride {stride}, pad {pad}, call {call})"
        assert_close(dx, ex, name=f"conv2d_backward dx {where}")
        assert_close(dw, ew, name=f"conv2d_backward dw {where}")
        assert_close(db, eb, name=f"conv2d_backward db {where}")
