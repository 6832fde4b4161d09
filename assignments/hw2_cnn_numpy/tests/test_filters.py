"""Public tests of task 2.1: image filters with conv2d_forward against OpenCV's filter2D.

OpenCV is run on float64 input with ``borderType=cv2.BORDER_CONSTANT`` (zero padding): its
default border reflects, and uint8 output would clip. The emboss kernel is asymmetric, so a true
convolution (a flipped kernel) fails."""

import cv2
import numpy as np
import pytest

from autograder.authoring import assert_close, graded, seed_everything, submission

filters = submission("hw2_cnn_numpy.filters")

KERNELS = {
    "edge": np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]]),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "emboss": np.array([[-2.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 1.0, 2.0]]),
}


def opencv_filter(image, kernel):
    """cv2.filter2D with zero padding on float64: a cross-correlation centred on each pixel."""
    return cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_CONSTANT)


@graded("2.1", points=3)
@pytest.mark.parametrize("kernel", list(KERNELS))
def test_filter_grey_image_matches_opencv(kernel):
    seed_everything(200)
    image = np.random.rand(11, 14)
    assert_close(
        filters.apply_filter(image, KERNELS[kernel]),
        opencv_filter(image, KERNELS[kernel]),
        name=f"apply_filter(grey 11 x 14 image, {kernel} kernel) vs cv2.filter2D",
    )


@graded("2.1", points=1)
def test_filter_colour_image_matches_opencv():
    seed_everything(201)
    image = np.random.rand(9, 7, 3)
    assert_close(
        filters.apply_filter(image, KERNELS["emboss"]),
        opencv_filter(image, KERNELS["emboss"]),
        name="apply_filter(colour 9 x 7 x 3 image, emboss kernel), channel by channel, vs "
        "cv2.filter2D",
    )
