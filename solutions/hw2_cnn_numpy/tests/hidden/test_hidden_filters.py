"""Hidden tests of task 2.1: the photograph of the notebook, and a non-square kernel."""

import cv2
import numpy as np
import pytest
from sklearn.datasets import load_sample_image

from autograder.authoring import assert_close, graded, seed_everything, submission

pytestmark = pytest.mark.hidden

filters = submission("hw2_cnn_numpy.filters")

EMBOSS = np.array([[-2.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])


@graded("2.1", points=1)
def test_emboss_on_the_photograph_matches_opencv():
    image = load_sample_image("china.jpg")[100:180, 200:300].astype(np.float64) / 255.0
    expected = cv2.filter2D(image, -1, EMBOSS, borderType=cv2.BORDER_CONSTANT)
    assert_close(
        filters.apply_filter(image, EMBOSS),
        expected,
        name="apply_filter(china.jpg crop 80 x 100 x 3, emboss kernel) vs cv2.filter2D",
    )


@graded("2.1", points=1)
def test_non_square_kernel_matches_opencv():
    seed_everything(210)
    image, kernel = np.random.rand(10, 12), np.random.randn(5, 3)
    assert_close(
        filters.apply_filter(image, kernel),
        cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_CONSTANT),
        name="apply_filter(grey 10 x 12 image, random 5 x 3 kernel) vs cv2.filter2D",
    )
