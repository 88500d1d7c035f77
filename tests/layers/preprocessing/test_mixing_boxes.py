"""MixUp and AugMix with bounding boxes (against Keras: tests/parity/cases/case_augmentation_boxes.py)."""

import numpy as np
import pytest

import cornu


def _data():
    boxes = np.array([[[1, 1, 8, 8]], [[2, 2, 10, 10]], [[3, 3, 12, 12]]], "float32")
    return {
        "images": np.random.default_rng(0).uniform(0, 255, (3, 16, 16, 3)).astype("float32"),
        "labels": np.eye(3, dtype="float32"),
        "bounding_boxes": {"boxes": boxes, "labels": np.array([[0], [1], [2]], "float32")},
    }


def test_mixup_gives_each_image_its_boxes_then_its_partners():
    data = _data()
    out = cornu.layers.MixUp(bounding_box_format="xyxy", seed=3)(data, training=True)
    boxes = np.asarray(out["bounding_boxes"]["boxes"])
    labels = np.asarray(out["bounding_boxes"]["labels"])
    # One row per image (Keras 3.15 stacks the box labels along the batch axis instead).
    assert boxes.shape == (3, 2, 4) and labels.shape == (3, 2)
    np.testing.assert_array_equal(boxes[:, 0], data["bounding_boxes"]["boxes"][:, 0])
    np.testing.assert_array_equal(labels[:, 0], [0, 1, 2])
    # The second box and label of each image come from the same partner image.
    partner = labels[:, 1].astype(int)
    np.testing.assert_array_equal(boxes[:, 1], data["bounding_boxes"]["boxes"][partner, 0])
    assert sorted(partner.tolist()) == [0, 1, 2]


def test_mixup_at_inference_leaves_boxes():
    data = _data()
    out = cornu.layers.MixUp(bounding_box_format="xyxy")(data, training=False)
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"], data["bounding_boxes"]["boxes"])


@pytest.mark.skipif(
    cornu.backend.backend() == "jax", reason="eager AugMix compiles each op on jax (~30 s)"
)
def test_augmix_leaves_boxes_as_given():
    data = _data()
    layer = cornu.layers.AugMix(
        value_range=(0, 255), num_chains=1, chain_depth=1, bounding_box_format="xyxy", seed=1
    )
    out = layer(data, training=True)
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"], data["bounding_boxes"]["boxes"])


@pytest.mark.parametrize("name", ["MixUp", "AugMix"])
def test_boxes_without_a_format_are_refused(name):
    with pytest.raises(ValueError, match="bounding_box_format"):
        getattr(cornu.layers, name)()(_data(), training=True)
