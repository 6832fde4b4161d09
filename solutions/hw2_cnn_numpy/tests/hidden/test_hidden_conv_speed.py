"""Hidden test of task 2.7: the fast convolution must be at least 10 times faster than a plain
loop implementation, timed in the same worker process on the same inputs.

The loop baseline's source lives here, in the instructor-only tests, never in the ``autograder``
package that students install: the probe ``code.load`` executes it in the worker. Each call is
timed from the grader's side (the submission could patch the worker's clocks), the baseline and
the submission alternating, and the medians are compared."""

import statistics
import time

import numpy as np
import pytest

from autograder.authoring import assert_close, check, graded, probe, submission
from autograder.authoring.oracles.pytorch import conv2d, conv2d_grads

pytestmark = pytest.mark.hidden

conv_fast = submission("hw2_cnn_numpy.conv_fast")

SPEEDUP = 10.0
REPEATS = 5
X_SHAPE, W_SHAPE, STRIDE, PAD = (4, 3, 16, 16), (8, 3, 3, 3), (1, 1), (1, 1)

BASELINE = """
import numpy as np


def loop_forward(x, w, b, stride, pad):
    (sh, sw), (ph, pw) = stride, pad
    n_, c_, h_, w_ = x.shape
    f_, _, kh, kw = w.shape
    ho, wo = (h_ + 2 * ph - kh) // sh + 1, (w_ + 2 * pw - kw) // sw + 1
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    result = np.zeros((n_, f_, ho, wo))
    for i in range(n_):
        for k in range(f_):
            for r in range(ho):
                for s in range(wo):
                    window = padded[i, :, r * sh : r * sh + kh, s * sw : s * sw + kw]
                    result[i, k, r, s] = np.sum(window * w[k]) + b[k]
    return result, (padded, w, stride, pad, x.shape)


def loop_backward(dout, cache):
    padded, w, (sh, sw), (ph, pw), shape = cache
    f_, _, kh, kw = w.shape
    dpadded, dweights = np.zeros_like(padded), np.zeros_like(w)
    for i in range(dout.shape[0]):
        for k in range(f_):
            for r in range(dout.shape[2]):
                for s in range(dout.shape[3]):
                    g = dout[i, k, r, s]
                    window = padded[i, :, r * sh : r * sh + kh, s * sw : s * sw + kw]
                    dweights[k] += g * window
                    dpadded[i, :, r * sh : r * sh + kh, s * sw : s * sw + kw] += g * w[k]
    dinput = dpadded[:, :, ph : ph + shape[2], pw : pw + shape[3]]
    return dinput, dweights, dout.sum(axis=(0, 2, 3))


def make_runner(forward, backward, x, w, b, dout, stride, pad):
    def run(keep=False):
        out, cache = forward(x, w, b, stride, pad)
        grads = backward(dout, cache)
        return [out, *grads] if keep else 0
    return run
"""


@graded("2.7", points=10)
def test_fast_conv_is_10_times_faster_than_loops():
    rng = np.random.default_rng(330)
    x, w, b = rng.normal(size=X_SHAPE), rng.normal(size=W_SHAPE), rng.normal(size=W_SHAPE[0])
    dout = rng.normal(size=conv2d(x, w, b, STRIDE, PAD).shape)
    make_runner = probe("code.load", BASELINE, "make_runner")
    baseline = make_runner(
        probe("code.load", BASELINE, "loop_forward"),
        probe("code.load", BASELINE, "loop_backward"),
        x,
        w,
        b,
        dout,
        STRIDE,
        PAD,
    )
    candidate = make_runner(
        conv_fast.conv2d_fast_forward, conv_fast.conv2d_fast_backward, x, w, b, dout, STRIDE, PAD
    )
    out, dx, dw, db = candidate(True)
    ex, ew, eb = conv2d_grads(x, w, b, dout, STRIDE, PAD)
    where = f"x {X_SHAPE}, w {W_SHAPE}, stride 1, pad 1"
    assert_close(out, conv2d(x, w, b, STRIDE, PAD), name=f"conv2d_fast_forward output ({where})")
    for name, got, expected in (("dx", dx, ex), ("dw", dw, ew), ("db", db, eb)):
        assert_close(got, expected, name=f"conv2d_fast_backward {name} ({where})")
    # H_out and W_out each from their own pad and stride: (5 - 3) // 1 + 1 by (6 + 4 - 3) // 2 + 1
    xs, ws, bs = rng.normal(size=(2, 2, 5, 6)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    out_small, _ = conv_fast.conv2d_fast_forward(xs, ws, bs, (1, 2), (0, 2))
    assert_close(
        out_small,
        conv2d(xs, ws, bs, (1, 2), (0, 2)),
        name="conv2d_fast_forward output (x (2, 2, 5, 6), w (3, 2, 3, 3), stride (1, 2), "
        "pad (0, 2))",
    )
    baseline()  # warm up both
    times = {"baseline": [], "candidate": []}
    for _ in range(REPEATS):
        for key, run in (("baseline", baseline), ("candidate", candidate)):
            began = time.perf_counter()
            run()
            times[key].append(time.perf_counter() - began)
        if times["candidate"][-1] > times["baseline"][-1] and len(times["candidate"]) >= 2:
            break  # slower than the loops: no need to measure more
    ratio = statistics.median(times["baseline"]) / statistics.median(times["candidate"])
    check(
        ratio >= SPEEDUP,
        f"conv2d_fast_forward + conv2d_fast_backward ({where}) measured {ratio:.1f} times as "
        f"fast as a plain loop implementation (median of {len(times['candidate'])} "
        f"interleaved runs: loops {statistics.median(times['baseline']) * 1e3:.1f} ms, yours "
        f"{statistics.median(times['candidate']) * 1e3:.1f} ms); at least {SPEEDUP:g} times "
        "is needed: use im2col and one matrix product",
    )
