"""Hidden test of task 5.7: a longer training run of 8 epochs (``slow``), configured as the public
test_learning.py otherwise (mini-batches of 4, Adam(lr=5e-3), BatchNorm re-estimated). Like it,
it trains on a CUDA device when the grading worker's PyTorch sees one and on the CPU otherwise,
with the same points and threshold on both, and records which in its row of results.json
(``extra_data.device``). No graded test needs a GPU: a CPU grader can earn every point.

``slow`` is a label, not a switch: the kit's CI and every full grading run this test, on the CPU
there, 80 to 110 s of training on one thread of a 2-core CPU shared with other work (2 runs side
by side; 8 epochs of 480 windows at about 10 ms a window on an idle core). Measured with
benchmarks/capstone_seeds.py (reference solution, training seeds 0..7, the probe's one thread,
torch 2.13, CPU), 8 epochs, masked test accuracy
0.7601 0.7530 0.7512 0.7640 0.7643 0.7643 0.7509 0.7646 (over the baseline 0.6574: min +0.094,
mean +0.102, max +0.107, std 0.006; AUROC 0.826 to 0.847). The threshold, the baseline + 0.06,
is 0.034 below the CPU's worst seed (nearly 6 standard deviations). It was the threshold of the
former GPU-only test, set when an H100 trained with mini-batches of 16 and gave what the CPU
gave; with mini-batches of 4 the GPU run has not been measured (no GPU was at hand), and the
0.034 is left for cuDNN's other order of sums. The former CPU threshold, + 0.07, was 0.024
below the worst seed; one threshold for both devices is the lower one.
"""

import pytest

from autograder.authoring import graded, seed_everything, submission
from autograder.topics.deepshape.oracle import check_unet_learning

pytestmark = pytest.mark.hidden

encoding = submission("capstone_unet_deepshape.encoding")
unet = submission("capstone_unet_deepshape.unet")
losses = submission("capstone_unet_deepshape.losses")
steps = submission("capstone_unet_deepshape.steps")

SLOW_EPOCHS = 8
SLOW_MARGIN = 0.06  # over the nucleotide-only baseline, on the CPU and on a GPU


@pytest.mark.slow
@graded("5.7", points=2, timeout=300)
def test_unet_trained_8_epochs_beats_the_baseline_further():
    seed_everything(977)
    check_unet_learning(
        encoding, unet, losses, steps, epochs=SLOW_EPOCHS, seed=1, margin=SLOW_MARGIN
    )
