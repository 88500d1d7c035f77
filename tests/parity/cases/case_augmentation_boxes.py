"""Bounding boxes through the mixing layers: MixUp gives each image its own boxes then its
partner's; AugMix leaves them as given; both refuse boxes without a bounding_box_format.

Keras 3.15 concatenates the box *labels* along the batch axis (labels of shape (3, 1) come out
(6, 1), no longer one row per image): plainly wrong, so cornu keeps one row per image,
(3, 2), and only the boxes are compared here (the labels:
tests/layers/preprocessing/test_mixing_boxes.py)."""

import numpy as np

from tests.parity.case import case

# Eager jax compiles each op of these layers anew (minutes in Keras, tens of seconds in cornu
# on a busy 2-core machine); the box logic is backend-independent, so jax is left out.
BACKENDS = ("numpy", "torch", "tensorflow")


def _data():
    boxes = np.array([[[1, 1, 8, 8]], [[2, 2, 10, 10]], [[3, 3, 12, 12]]], "float32")
    return {
        "images": np.random.default_rng(0).uniform(0, 255, (3, 16, 16, 3)).astype("float32"),
        "labels": np.eye(3, dtype="float32"),
        "bounding_boxes": {"boxes": boxes, "labels": np.array([[0], [1], [2]], "float32")},
    }


@case(backends=BACKENDS)
def case_mixup_boxes(keras, H):
    out = keras.layers.MixUp(bounding_box_format="xyxy", seed=3)(_data(), training=True)
    boxes = np.asarray(out["bounding_boxes"]["boxes"])
    return {
        "shape": boxes.shape,
        "own_first": boxes[:, 0].tolist(),
        # Each image's second box is some image's box; the partners form a permutation.
        "partners": sorted(boxes[:, 1, 0].tolist()),
    }


@case(backends=BACKENDS)
def case_augmix_boxes_pass_through(keras, H):
    layer = keras.layers.AugMix(value_range=(0, 255), bounding_box_format="xyxy", seed=1)
    out = layer(_data(), training=True)
    return np.asarray(out["bounding_boxes"]["boxes"])


@case(backends=BACKENDS)
def case_mixing_boxes_need_a_format(keras, H):
    found = {}
    for name in ("MixUp", "AugMix"):
        try:
            getattr(keras.layers, name)()(_data(), training=True)
            found[name] = None
        except Exception as e:
            found[name] = type(e).__name__
    return found
