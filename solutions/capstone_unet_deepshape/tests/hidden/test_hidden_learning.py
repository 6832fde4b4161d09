"""Hidden tests of task 5.7: a longer training run (``slow``) and the same run on a GPU
(``gpu``, skipped without CUDA). Thresholds: see the public test_learning.py."""

import pytest

from autograder.harness import graded, submission
from autograder.oracles.deepshape import learning_accuracy
from autograder.testing import check, seed_everything

pytestmark = pytest.mark.hidden

encoding = submission("capstone_unet_deepshape.encoding")
unet = submission("capstone_unet_deepshape.unet")
losses = submission("capstone_unet_deepshape.losses")
steps = submission("capstone_unet_deepshape.steps")
GPU_MARGIN = 0.04


def submitted() -> tuple:
    return (
        encoding.pair_image,
        unet.UNet,
        losses.DeepShapeLoss,
        steps.train_step,
        steps.predict,
    )


SLOW_EPOCHS = 8
SLOW_MARGIN = 0.05


@pytest.mark.slow
@graded("5.7", points=2, timeout=300)
def test_unet_trained_longer_beats_the_baseline_by_more():
    seed_everything(976)
    accuracy, baseline = learning_accuracy(*submitted(), epochs=SLOW_EPOCHS, seed=1)
    check(
        accuracy >= baseline + SLOW_MARGIN,
        f"masked test accuracy {accuracy:.4f} after {SLOW_EPOCHS} epochs: below the "
        f"nucleotide-only baseline {baseline:.4f} + {SLOW_MARGIN}",
    )


@pytest.mark.gpu
@graded("5.7", points=1, timeout=300)
def test_unet_learns_on_the_gpu():
    seed_everything(977)
    accuracy, baseline = learning_accuracy(*submitted(), epochs=5, seed=0, device="cuda")
    check(
        accuracy >= baseline + GPU_MARGIN,
        f"masked test accuracy {accuracy:.4f} on the GPU: below the nucleotide-only baseline "
        f"{baseline:.4f} + {GPU_MARGIN}",
    )
