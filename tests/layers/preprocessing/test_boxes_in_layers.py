"""Bounding boxes and segmentation masks through the image preprocessing layers: each box
must still frame the pixels it framed (checked on a bright rectangle moved by the layer),
masks must follow the images, and bad dict inputs must fail clearly."""

import numpy as np
import pytest

from cornu import layers, ops
from cornu.utils import bounding_boxes as bb

H, W = 24, 32
BOX = (6, 4, 18, 12)  # x1, y1, x2, y2 of the bright rectangle


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def scene(batch=2, data_format="channels_last"):
    """Images with a bright rectangle at BOX, its mask, and the box (plus a padding box)."""
    x1, y1, x2, y2 = BOX
    image = np.zeros((batch, H, W, 1), "float32")
    image[:, y1:y2, x1:x2] = 1.0
    boxes = np.array([[BOX, (-1, -1, -1, -1)]] * batch, "float32")
    labels = np.array([[3, -1]] * batch, "int32")
    if data_format == "channels_first":
        image = image.transpose(0, 3, 1, 2)
    return {"images": image, "bounding_boxes": {"boxes": boxes, "labels": labels},
            "segmentation_masks": image.copy()}  # fmt: skip


def extent(image):
    """The pixel-edge box (x1, y1, x2, y2) around the pixels above 0.5 of a 2D image."""
    rows, cols = np.nonzero(image > 0.5)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], "float32")


def check_frames(out, atol=1.5):
    images, masks = to_np(out["images"]), to_np(out["segmentation_masks"])
    boxes, labels = to_np(out["bounding_boxes"]["boxes"]), to_np(out["bounding_boxes"]["labels"])
    for i in range(images.shape[0]):
        np.testing.assert_allclose(boxes[i, 0], extent(images[i, ..., 0]), atol=atol)
        np.testing.assert_allclose(boxes[i, 0], extent(masks[i, ..., 0]), atol=atol)
        assert labels[i, 0] == 3 and labels[i, 1] == -1
    assert set(np.unique(masks)) <= {0.0, 1.0}  # nearest sampling keeps mask values


@pytest.mark.parametrize(
    "layer",
    [
        layers.RandomFlip("horizontal", seed=1, bounding_box_format="xyxy"),
        layers.RandomFlip(seed=5, bounding_box_format="xyxy"),
        layers.RandomRotation((0.25, 0.25), fill_mode="constant", bounding_box_format="xyxy"),
        layers.RandomRotation((0.5, 0.5), fill_mode="constant", bounding_box_format="xyxy"),
        layers.RandomRotation(0.1, fill_mode="constant", seed=3, bounding_box_format="xyxy"),
        layers.RandomZoom((-0.3, -0.3), fill_mode="constant", bounding_box_format="xyxy"),
        layers.RandomZoom(0.3, 0.2, fill_mode="constant", seed=4, bounding_box_format="xyxy"),
        layers.RandomTranslation(
            0.2, 0.2, fill_mode="constant", seed=2, bounding_box_format="xyxy"
        ),  # fmt: skip
        layers.RandomCrop(16, 20, seed=6, bounding_box_format="xyxy"),
        layers.CenterCrop(16, 20, bounding_box_format="xyxy"),
        layers.CenterCrop(30, 20, bounding_box_format="xyxy"),
        layers.Resizing(12, 48, interpolation="nearest", bounding_box_format="xyxy"),
        layers.Resizing(
            16, 16, crop_to_aspect_ratio=True, interpolation="nearest", bounding_box_format="xyxy"
        ),  # fmt: skip
        layers.Resizing(
            36, 24, pad_to_aspect_ratio=True, interpolation="nearest", bounding_box_format="xyxy"
        ),  # fmt: skip
    ],
    ids=[
        "flip_h",
        "flip_hv",
        "rot90",
        "rot180",
        "rot_random",
        "zoom_in",
        "zoom_random",
        "translate",
        "random_crop",
        "center_crop",
        "center_crop_up",
        "resize",
        "resize_crop",
        "resize_pad",
    ],  # fmt: skip
)
def test_boxes_and_masks_follow_the_pixels(layer):
    out = layer(scene())
    check_frames(out, atol=2.0 if isinstance(layer, layers.Resizing) else 1.5)


def test_flip_moves_each_box_with_its_image():
    data = scene(batch=8)
    data["images"] = data["images"] + np.arange(W, dtype="float32")[None, None, :, None] / 100
    out = layers.RandomFlip("horizontal", seed=3, bounding_box_format="xyxy")(data)
    images, boxes = to_np(out["images"]), to_np(out["bounding_boxes"]["boxes"])
    flipped = [bool(np.allclose(images[i], data["images"][i, :, ::-1])) for i in range(8)]
    assert 0 < sum(flipped) < 8  # both outcomes happen in this batch
    for i, was_flipped in enumerate(flipped):
        want = [W - BOX[2], BOX[1], W - BOX[0], BOX[3]] if was_flipped else list(BOX)
        np.testing.assert_allclose(boxes[i, 0], want)


def test_rotation_by_half_turn_is_exact():
    out = layers.RandomRotation((0.5, 0.5), bounding_box_format="xyxy")(scene())
    x1, y1, x2, y2 = BOX  # the turn is about ((W - 1) / 2, (H - 1) / 2)
    want = [W - 1 - x2, H - 1 - y2, W - 1 - x1, H - 1 - y1]
    np.testing.assert_allclose(to_np(out["bounding_boxes"]["boxes"])[0, 0], want, atol=1e-4)


def test_boxes_in_other_formats_unbatched_and_channels_first():
    data = scene(batch=1)
    for fmt in ("xywh", "rel_center_xywh"):
        layer = layers.CenterCrop(16, 20, bounding_box_format=fmt)
        boxes = bb.convert_format(data["bounding_boxes"]["boxes"][0], "xyxy", fmt, H, W)
        unbatched = {"images": data["images"][0],
                     "bounding_boxes": {"boxes": boxes, "labels": np.array([3, -1])}}  # fmt: skip
        out = layer(unbatched)
        assert tuple(out["images"].shape) == (16, 20, 1)
        xyxy = bb.convert_format(out["bounding_boxes"]["boxes"], fmt, "xyxy", 16, 20)
        np.testing.assert_allclose(to_np(xyxy)[0], extent(to_np(out["images"])[..., 0]),
                                   atol=1e-4)  # fmt: skip
    first = scene(data_format="channels_first")
    layer = layers.Resizing(12, 16, interpolation="nearest", data_format="channels_first",
                            bounding_box_format="xyxy")  # fmt: skip
    out = layer(first)
    assert tuple(out["images"].shape) == (2, 1, 12, 16)
    np.testing.assert_allclose(to_np(out["bounding_boxes"]["boxes"])[0, 0],
                               extent(to_np(out["images"])[0, 0]), atol=1e-4)  # fmt: skip


def test_boxes_leaving_the_image_get_label_minus_one_and_extras_pass_through():
    data = scene()
    data["bounding_boxes"]["boxes"][:, 1] = [0, 0, 4, 4]  # a box in the cropped-away corner
    data["bounding_boxes"]["labels"][:, 1] = 7
    data["sample_weight"] = np.ones((2,), "float32")
    out = layers.CenterCrop(12, 12, bounding_box_format="xyxy")(data)
    np.testing.assert_array_equal(to_np(out["bounding_boxes"]["labels"])[:, 1], [-1, -1])
    np.testing.assert_allclose(to_np(out["sample_weight"]), data["sample_weight"])
    assert "int32" in str(out["bounding_boxes"]["labels"].dtype)


def test_inference_leaves_boxes_and_random_crop_centre_crops_them():
    data = scene()
    out = layers.RandomRotation(0.3, bounding_box_format="xyxy")(data, training=False)
    np.testing.assert_allclose(to_np(out["bounding_boxes"]["boxes"]),
                               data["bounding_boxes"]["boxes"])  # fmt: skip
    np.testing.assert_allclose(to_np(out["images"]), data["images"])
    out = layers.RandomCrop(16, 20, bounding_box_format="xyxy")(data, training=False)
    centred = layers.CenterCrop(16, 20, bounding_box_format="xyxy")(data)
    for key in ("images", "segmentation_masks"):
        np.testing.assert_allclose(to_np(out[key]), to_np(centred[key]))
    np.testing.assert_allclose(to_np(out["bounding_boxes"]["boxes"]),
                               to_np(centred["bounding_boxes"]["boxes"]))  # fmt: skip


def test_images_only_dicts_and_images_only_layers():
    data = scene()
    out = layers.RandomFlip("horizontal", seed=1)({"images": data["images"]})
    assert set(out) == {"images"}
    contrast = layers.RandomContrast(0.5, seed=1)
    assert tuple(contrast({"images": data["images"]})["images"].shape) == (2, H, W, 1)
    # A pixel-value layer passes boxes through as given (as Keras's RandomContrast does).
    passed = layers.RandomContrast(0.5, bounding_box_format="xyxy")(data)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(passed["bounding_boxes"]["boxes"]),
        ops.convert_to_numpy(data["bounding_boxes"]["boxes"]),
    )


def test_config_round_trip_keeps_the_format():
    for layer in (layers.RandomFlip(bounding_box_format="xywh"),
                  layers.RandomZoom(0.2, bounding_box_format="xywh"),
                  layers.Resizing(4, 4, bounding_box_format="xywh"),
                  layers.CenterCrop(4, 4, bounding_box_format="xywh")):  # fmt: skip
        config = layer.get_config()
        assert config["bounding_box_format"] == "xywh"
        assert type(layer).from_config(config).bounding_box_format == "xywh"
    assert "bounding_box_format" not in layers.RandomFlip().get_config()
    assert "bounding_box_format" not in layers.Resizing(4, 4).get_config()


def test_bad_dict_inputs_fail_clearly():
    data = scene()
    with pytest.raises(ValueError, match="has no bounding_box_format"):
        layers.RandomFlip()(data)
    with pytest.raises(ValueError, match="bounding_box_format must be one of"):
        layers.RandomFlip(bounding_box_format="xyzw")
    with pytest.raises(ValueError, match="keys 'boxes' and 'labels'"):
        layers.CenterCrop(4, 4, bounding_box_format="xyxy")(
            {"images": data["images"], "bounding_boxes": {"boxes": data["bounding_boxes"]["boxes"]}}
        )
    with pytest.raises(ValueError, match="without an 'images' entry"):
        layers.Resizing(4, 4)({"segmentation_masks": data["images"]})
    with pytest.raises(ValueError, match="rank of the images"):
        layers.Resizing(4, 4)({"images": data["images"], "segmentation_masks": data["images"][0]})
    with pytest.raises(ValueError, match=r"expects boxes of shape \(batch, num_boxes, 4\)"):
        layers.RandomFlip(bounding_box_format="xyxy")(
            {"images": data["images"],
             "bounding_boxes": {"boxes": data["bounding_boxes"]["boxes"][0], "labels": [3, -1]}}
        )  # fmt: skip


def test_symbolic_dict_call_builds_a_functional_model():
    import cornu

    inputs = {"images": cornu.Input((H, W, 1)),
              "bounding_boxes": {"boxes": cornu.Input((2, 4)),
                                 "labels": cornu.Input((2,), dtype="int32")}}  # fmt: skip
    outputs = layers.Resizing(12, 16, interpolation="nearest", bounding_box_format="xyxy")(inputs)
    assert tuple(outputs["images"].shape) == (None, 12, 16, 1)
    assert outputs["bounding_boxes"]["labels"].dtype == "int32"
    model = cornu.Model(inputs, outputs)
    data = scene()
    del data["segmentation_masks"]
    out = model.predict(data, verbose=0)
    np.testing.assert_allclose(np.asarray(out["bounding_boxes"]["boxes"])[0, 0],
                               extent(np.asarray(out["images"])[0, ..., 0]), atol=1e-4)  # fmt: skip
