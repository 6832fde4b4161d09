"""Public tests of tasks 2.2 and 2.3: conv2d_forward and conv2d_backward against PyTorch."""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check,
    check_shape,
    graded,
    numeric_grad_array,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import conv2d, conv2d_grads

conv = submission("hw2_cnn_numpy.conv")

# (N, C, H, W), (F, KH, KW), stride, pad
SHAPES = {
    "square-3x3-pad1": ((2, 3, 6, 6), (4, 3, 3), (1, 1), (1, 1)),
    "non-square-input-and-kernel": ((2, 2, 7, 5), (3, 2, 3), (1, 1), (0, 0)),
    "C1-F1-batch1": ((1, 1, 5, 6), (1, 3, 3), (1, 1), (0, 0)),
    "1x1-kernel": ((3, 4, 4, 5), (2, 1, 1), (1, 1), (0, 0)),
    "stride2-remainder": ((2, 2, 8, 7), (3, 3, 3), (2, 2), (0, 0)),
    "stride3-pad2": ((1, 3, 9, 10), (2, 3, 2), (3, 3), (2, 2)),
    "separate-stride-and-pad": ((2, 2, 7, 9), (3, 3, 2), (2, 3), (2, 1)),
}


def random_conv(shape, seed):
    (n, c, h, w), (f, kh, kw), stride, pad = SHAPES[shape]
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f)


@graded("2.2", points=7)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_conv_forward_matches_torch(shape):
    x, w, b = random_conv(shape, 220)
    stride, pad = SHAPES[shape][2:]
    out, _ = conv.conv2d_forward(x, w, b, stride, pad)
    assert_close(
        out,
        conv2d(x, w, b, stride, pad),
        name=f"conv2d_forward output ({shape}: x {x.shape}, w {w.shape}, stride {stride}, "
        f"pad {pad})",
    )


@graded("2.2", points=1)
def test_conv_forward_shape_and_dtype():
    x, w, b = random_conv("separate-stride-and-pad", 221)
    out, _ = conv.conv2d_forward(x, w, b, (2, 3), (2, 1))
    # H_out = (7 + 4 - 3) // 2 + 1 = 5, W_out = (9 + 2 - 2) // 3 + 1 = 4
    check_shape(
        out, (2, 3, 5, 4), "conv2d_forward output (H_out = (H + 2*pad_h - KH) // stride_h + 1)"
    )
    check(out.dtype == np.float64, f"conv2d_forward output: dtype {out.dtype}, expected float64")


@graded("2.3", points=7)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_conv_backward_matches_torch(shape):
    x, w, b = random_conv(shape, 230)
    stride, pad = SHAPES[shape][2:]
    out, cache = conv.conv2d_forward(x, w, b, stride, pad)
    grad_out = np.random.default_rng(231).normal(size=conv2d(x, w, b, stride, pad).shape)
    dx, dw, db = conv.conv2d_backward(grad_out, cache)
    ex, ew, eb = conv2d_grads(x, w, b, grad_out, stride, pad)
    where = f"({shape}: x {x.shape}, w {w.shape}, stride {stride}, pad {pad})"
    assert_close(dx, ex, name=f"conv2d_backward dx {where}")
    assert_close(dw, ew, name=f"conv2d_backward dw (summed over the batch) {where}")
    assert_close(db, eb, name=f"conv2d_backward db (summed over N, H_out, W_out) {where}")


@graded("2.3", points=1)
def test_conv_backward_numeric_gradients():
    seed_everything(232)
    x, w, b = np.random.randn(2, 2, 5, 4), np.random.randn(3, 2, 3, 2), np.random.randn(3)
    stride, pad = (2, 1), (1, 2)
    out, cache = conv.conv2d_forward(x, w, b, stride, pad)
    grad_out = np.random.randn(*out.shape)
    dx, dw, db = conv.conv2d_backward(grad_out, cache)

    def forward(x_, w_, b_):
        return conv.conv2d_forward(x_, w_, b_, stride, pad)[0]

    tol = {"rtol": 1e-5, "atol": 1e-7}
    assert_close(
        dx,
        numeric_grad_array(lambda v: forward(v, w, b), x, grad_out),
        name="conv2d_backward dx vs numeric",
        **tol,
    )
    assert_close(
        dw,
        numeric_grad_array(lambda v: forward(x, v, b), w, grad_out),
        name="conv2d_backward dw vs numeric",
        **tol,
    )
    assert_close(
        db,
        numeric_grad_array(lambda v: forward(x, w, v), b, grad_out),
        name="conv2d_backward db vs numeric",
        **tol,
    )
