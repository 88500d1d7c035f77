"""CutMix, MixUp, MaxNumBoundingBoxes and Pipeline: mixed labels sum to one and match the
pixels mixed, seeded reproducibility, box padding, composition, configs and saving."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from tests.conftest import requires_training

N = 8
# Image i is filled with the value i, so each output pixel says which image it came from.
IMAGES = np.arange(N, dtype="float32")[:, None, None, None] * np.ones((N, 10, 10, 1), "float32")
LABELS = np.eye(N, dtype="float32")


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_cut_mix_labels_follow_the_pasted_area():
    out = layers.CutMix(seed=3)({"images": IMAGES, "labels": LABELS})
    images, labels = to_np(out["images"]), to_np(out["labels"])
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, rtol=1e-6)
    for i in range(N):
        values, counts = np.unique(images[i], return_counts=True)
        assert set(values) <= set(range(N)) and len(values) <= 2
        share = dict(zip(values.astype(int), counts / images[i].size))
        for j, weight in share.items():
            np.testing.assert_allclose(labels[i, j], weight, atol=1e-6)
    again = layers.CutMix(seed=3)({"images": IMAGES, "labels": LABELS})
    np.testing.assert_array_equal(to_np(again["images"]), images)


def test_cut_mix_pastes_masks_like_images():
    masks = IMAGES.copy()
    out = layers.CutMix(seed=5)({"images": IMAGES, "segmentation_masks": masks})
    np.testing.assert_array_equal(to_np(out["segmentation_masks"]), to_np(out["images"]))


def test_mix_up_blends_images_and_labels_alike():
    out = layers.MixUp(alpha=0.5, seed=2)({"images": IMAGES, "labels": LABELS})
    images, labels = to_np(out["images"]), to_np(out["labels"])
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, rtol=1e-6)
    # Each image is flat, and equals the label-weighted mean of the source values.
    np.testing.assert_allclose(images[:, 0, 0, 0], labels @ np.arange(N), rtol=1e-5)
    assert np.all(images.min(axis=(1, 2, 3)) == images.max(axis=(1, 2, 3)))
    assert np.all(np.count_nonzero(labels > 1e-6, axis=1) <= 2)


def test_mixing_is_identity_at_inference_and_keeps_plain_images():
    for layer in (layers.CutMix(seed=1), layers.MixUp(seed=1)):
        out = layer({"images": IMAGES, "labels": LABELS}, training=False)
        np.testing.assert_array_equal(to_np(out["images"]), IMAGES)
        np.testing.assert_array_equal(to_np(out["labels"]), LABELS)
        assert to_np(layer(IMAGES)).shape == IMAGES.shape
        assert to_np(layer(IMAGES[0])).shape == IMAGES[0].shape
    with pytest.raises(NotImplementedError, match="does not mix 'segmentation_masks'"):
        layers.MixUp()({"images": IMAGES, "segmentation_masks": IMAGES})


def test_max_num_bounding_boxes_pads_and_truncates():
    boxes = {"boxes": np.arange(24, dtype="float32").reshape(2, 3, 4),
             "labels": np.array([[1, 2, 0], [0, 1, 2]], "float32")}  # fmt: skip
    data = {"images": IMAGES[:2], "bounding_boxes": boxes}
    cut = layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(data)["bounding_boxes"]
    np.testing.assert_array_equal(to_np(cut["boxes"]), boxes["boxes"][:, :2])
    padded = layers.MaxNumBoundingBoxes(4, fill_value=-7, bounding_box_format="xyxy")(data)
    np.testing.assert_array_equal(to_np(padded["bounding_boxes"]["labels"])[:, 3], -7)
    np.testing.assert_array_equal(to_np(padded["bounding_boxes"]["boxes"])[:, :3],
                                  boxes["boxes"])  # fmt: skip
    layer = layers.MaxNumBoundingBoxes(4)
    shape = layer.compute_output_shape({"images": (None, 8, 8, 3),
                                        "bounding_boxes": {"boxes": (None, 3, 4),
                                                           "labels": (None, 3)}})  # fmt: skip
    assert shape["bounding_boxes"] == {"boxes": [None, 4, 4], "labels": [None, 4]}
    with pytest.raises(ValueError, match="no bounding_box_format"):
        layer(data)
    with pytest.raises(ValueError, match="max_number must be a positive int"):
        layers.MaxNumBoundingBoxes(0)


def test_pipeline_composes_and_serializes_its_layers():
    pipeline = layers.Pipeline([layers.Rescaling(0.5), layers.CenterCrop(4, 4)], name="prep")
    np.testing.assert_allclose(to_np(pipeline(IMAGES)), IMAGES[:, 3:7, 3:7] * 0.5)
    assert pipeline.compute_output_shape((None, 10, 10, 1)) == (None, 4, 4, 1)
    config = pipeline.get_config()
    assert set(config) == {"layers", "name"} and config["name"] == "prep"
    assert [c["class_name"] for c in config["layers"]] == ["Rescaling", "CenterCrop"]
    clone = layers.Pipeline.from_config(config)
    assert [type(x).__name__ for x in clone.layers] == ["Rescaling", "CenterCrop"]
    np.testing.assert_allclose(to_np(clone(IMAGES)), to_np(pipeline(IMAGES)))
    random_pipe = layers.Pipeline([layers.RandomFlip(seed=1), layers.CutMix(seed=2)])
    out = random_pipe({"images": IMAGES, "labels": LABELS})
    np.testing.assert_allclose(to_np(out["labels"]).sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(to_np(random_pipe(IMAGES, training=False)), IMAGES)
    with pytest.raises(ValueError, match="layers must be a list of layers"):
        layers.Pipeline("flip")


def test_configs_and_errors():
    assert layers.CutMix().get_config()["factor"] == (0, 1.0)
    assert layers.MixUp().get_config()["alpha"] == 0.2
    clone = layers.CutMix.from_config(layers.CutMix((0.2, 0.6), seed=4).get_config())
    assert clone.factor == (0.2, 0.6) and clone.seed == 4
    with pytest.raises(ValueError, match="alpha must be a number above 0"):
        layers.MixUp(alpha=0)
    with pytest.raises(ValueError, match="factor must be in"):
        layers.CutMix(factor=1.5)


@requires_training
def test_fit_with_pipeline_and_save_round_trip(tmp_path):
    model = cornu.Sequential([
        cornu.Input((10, 10, 1)),
        layers.Pipeline([layers.RandomFlip(seed=1), layers.MixUp(seed=2)]),
        layers.Flatten(),
        layers.Dense(2),
    ])  # fmt: skip
    model.compile("sgd", "mse")
    history = model.fit(IMAGES / 8.0, np.zeros((N, 2), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    pipe = loaded.layers[0]
    assert [type(x).__name__ for x in pipe.layers] == ["RandomFlip", "MixUp"]
    np.testing.assert_allclose(np.asarray(loaded.predict(IMAGES, verbose=0)),
                               np.asarray(model.predict(IMAGES, verbose=0)), rtol=1e-5)  # fmt: skip


def test_dict_inputs_inside_tf_data():
    tf = pytest.importorskip("tensorflow")
    data = {"images": IMAGES, "labels": LABELS}
    for batch in tf.data.Dataset.from_tensor_slices(data).batch(4).map(layers.MixUp(seed=1)):
        assert tuple(batch["images"].shape) == (4, 10, 10, 1)
        np.testing.assert_allclose(batch["labels"].numpy().sum(axis=1), 1.0, rtol=1e-6)
    boxes = {"boxes": np.zeros((N, 2, 4), "float32"), "labels": np.ones((N, 2), "float32")}
    layer = layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")
    data = {"images": IMAGES, "bounding_boxes": boxes}
    for batch in tf.data.Dataset.from_tensor_slices(data).batch(4).map(layer):
        assert tuple(batch["bounding_boxes"]["boxes"].shape) == (4, 3, 4)
        np.testing.assert_array_equal(batch["bounding_boxes"]["labels"].numpy()[:, 2], -1)
