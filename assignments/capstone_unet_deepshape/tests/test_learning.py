"""Public test of task 5.7: the U-Net learns reactivity beyond what the nucleotide alone tells.

Data: the kit's embedded set (``autograder.data.rna.folded_rna(600, 64, 0)``: 600 random
sequences of 64 nucleotides folded with ViennaRNA, binarised by percentiles), the first 480 to
train, the last 120 to test. The baseline predicts the majority label of each nucleotide on the
training set's known positions: masked accuracy BASELINE on the test windows. The submission's
``UNet(16, base=8, depth=2)`` is trained EPOCHS epochs with ``DeepShapeLoss(model, alpha=0.1)``,
Adam(lr=3e-3), mini-batches of 16, through its own ``pair_image``, ``train_step`` and
``predict``; the grader computes the masked accuracy of its test logits.

THRESHOLDS
"""

from autograder.harness import graded, submission
from autograder.oracles.deepshape import learning_accuracy
from autograder.testing import (  # one name a line: see README, leak check
    check,
    seed_everything,
)

encoding = submission("capstone_unet_deepshape.encoding")
unet = submission("capstone_unet_deepshape.unet")
losses = submission("capstone_unet_deepshape.losses")
steps = submission("capstone_unet_deepshape.steps")

EPOCHS = 5
MARGIN = 0.04  # over the nucleotide-only baseline


@graded("5.7", points=8, timeout=240)
def test_unet_beats_the_nucleotide_baseline():
    seed_everything(575)
    accuracy, baseline = learning_accuracy(
        encoding.pair_image,
        unet.UNet,
        losses.DeepShapeLoss,
        steps.train_step,
        steps.predict,
        epochs=EPOCHS,
        seed=0,
    )
    check(
        accuracy >= baseline + MARGIN,
        f"masked test accuracy {accuracy:.4f} of UNet(16, 8, 2) trained {EPOCHS} epochs: below "
        f"the nucleotide-only baseline {baseline:.4f} + {MARGIN}",
    )
