"""Hidden test of task 5.7: a longer training run, 8 epochs, on a GPU (``slow`` and ``gpu``:
skipped where the grading worker sees no CUDA device), configured as the public
test_learning.py otherwise.

On the CPU, 8 more epochs in every full grading (reference, variants, notebook, the 5.7 mutant)
would add about 2 minutes to the kit's CI on 2 cores, over its budget; on a GPU they take
seconds. Thresholds from benchmarks/capstone_seeds.py: 8 epochs on the CPU (the probe's one
thread, torch 2.11), seeds 0..7: masked test accuracy 0.7393 0.7238 0.7321 0.7280 0.7235 0.7384
0.7357 0.7247 (min +0.066 over the baseline 0.6574, mean +0.073, std 0.006); the threshold
+0.05 is 0.016 below the worst seed. On an H100, 5 epochs, seeds 0..2: 0.7176 0.7220 0.7188
(min +0.060); 8 epochs were not measured on a GPU.
"""

import pytest

from autograder.harness import graded, probe, submission
from autograder.oracles.deepshape import learning_accuracy
from autograder.testing import check, seed_everything

pytestmark = pytest.mark.hidden

encoding = submission("capstone_unet_deepshape.encoding")
unet = submission("capstone_unet_deepshape.unet")
losses = submission("capstone_unet_deepshape.losses")
steps = submission("capstone_unet_deepshape.steps")


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
@pytest.mark.gpu
@graded("5.7", points=1, timeout=300)
def test_unet_trained_8_epochs_on_the_gpu():
    seed_everything(977)
    if not probe("deepshape.cuda_available"):
        pytest.skip("the grading worker sees no CUDA device (is the driver outside its view?)")
    accuracy, baseline = learning_accuracy(*submitted(), epochs=SLOW_EPOCHS, seed=1, device="cuda")
    check(
        accuracy >= baseline + SLOW_MARGIN,
        f"masked test accuracy {accuracy:.4f} after {SLOW_EPOCHS} epochs on the GPU: below the "
        f"nucleotide-only baseline {baseline:.4f} + {SLOW_MARGIN}",
    )
