"""RandomShear, RandomPerspective, RandomElasticTransform, RandomErasing, RandAugment and
AugMix: identity at inference and at zero strength, exact transforms where the draw cannot
matter, seeded reproducibility, dict inputs, data formats, configs, models and errors."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from tests.conftest import requires_training

RNG = np.random.RandomState(0)
IMG = RNG.uniform(0, 255, (2, 8, 8, 3)).astype("float32")


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


LAYERS = {
    "shear": lambda: layers.RandomShear(0.3, 0.2, seed=1),
    "perspective": lambda: layers.RandomPerspective((1.0, 1.0), 0.5, seed=1),
    "elastic": lambda: layers.RandomElasticTransform((1.0, 1.0), seed=1),
    "erasing": lambda: layers.RandomErasing((1.0, 1.0), seed=1),
    "rand_augment": lambda: layers.RandAugment(seed=1),
    "aug_mix": lambda: layers.AugMix(num_chains=2, chain_depth=2, seed=1),
}


@pytest.mark.parametrize("make", list(LAYERS.values()), ids=list(LAYERS))
def test_inference_is_identity_training_changes_and_is_seeded(make):
    layer = make()
    np.testing.assert_allclose(to_np(layer(IMG, training=False)), IMG)
    out = to_np(layer(IMG))
    assert out.shape == IMG.shape and not np.allclose(out, IMG)
    assert out.min() >= -1e-3 and out.max() <= 255.001
    np.testing.assert_allclose(to_np(make()(IMG)), out, rtol=1e-5, atol=1e-3)  # same seed
    assert to_np(layer(IMG[0])).shape == IMG[0].shape  # unbatched
    assert layer.compute_output_shape((None, 8, 8, 3)) == (None, 8, 8, 3)


@pytest.mark.parametrize("make", list(LAYERS.values()), ids=list(LAYERS))
def test_channels_first_matches_channels_last(make):
    last = make()
    first = type(last).from_config({**last.get_config(), "data_format": "channels_first"})
    out = to_np(first(IMG.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(out.transpose(0, 2, 3, 1), to_np(last(IMG)), rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize(
    "layer",
    [
        layers.RandomShear(0.0, 0.0),
        layers.RandomPerspective(0.0),
        layers.RandomPerspective((1.0, 1.0), scale=0.0),
        layers.RandomElasticTransform(0.0),
        layers.RandomElasticTransform((1.0, 1.0), scale=0.0),
        layers.RandomErasing(0.0),
        layers.RandAugment(num_ops=0),
        layers.RandAugment(factor=0.0, num_ops=1, interpolation="nearest", seed=3),
    ],
    ids=["shear", "perspective_p0", "perspective_s0", "elastic_p0", "elastic_s0", "erasing",
         "rand_augment_0_ops", "rand_augment_0_factor"],
)  # fmt: skip
def test_zero_strength_is_identity(layer):
    out = to_np(layer(IMG))
    if isinstance(layer, layers.RandAugment) and layer.num_ops:
        # At strength 0 only auto-contrast, equalization and posterizing to 8 bits act.
        changed = np.any(~np.isclose(out, IMG, atol=1e-3), axis=(1, 2, 3))
        assert out.shape == IMG.shape and changed.sum() <= 2
        return
    np.testing.assert_allclose(out, IMG, atol=1e-3)


def test_shear_exact():
    ramp = np.tile(np.arange(5, dtype="float32"), (5, 1))[None, :, :, None]
    out = to_np(layers.RandomShear((0.5, 0.5), 0.0, fill_mode="nearest")(ramp))
    # Row r samples column c + 0.5 * (r - 2).
    expected = np.clip(ramp[0, :, :, 0] + 0.5 * (np.arange(5)[:, None] - 2), 0, 4)
    np.testing.assert_allclose(out[0, :, :, 0], expected, atol=1e-5)


def test_erasing_fills_a_box_of_the_scale_and_clips_the_fill():
    out = to_np(layers.RandomErasing((1.0, 1.0), scale=(0.25, 0.25), fill_value=-5.0,
                                     seed=2)(IMG))  # fmt: skip
    erased = np.all(out == 0.0, axis=-1)  # -5 clipped to value_range's 0
    assert np.all(erased.sum(axis=(1, 2)) == 16)
    for mask in erased:
        rows, cols = np.where(mask)
        assert rows.max() - rows.min() == 3 and cols.max() - cols.min() == 3
    full = to_np(layers.RandomErasing((1.0, 1.0), scale=(1.0, 1.0), fill_value=5.0)(IMG))
    np.testing.assert_array_equal(full, 5.0)
    noise = to_np(layers.RandomErasing((1.0, 1.0), scale=(1.0, 1.0), value_range=(-9, 9),
                                       seed=1)(IMG))  # fmt: skip
    assert abs(noise.mean()) < 0.3 and 0.7 < noise.std() < 1.3  # standard normal noise


def test_perspective_probability_is_per_image():
    many = np.repeat(IMG[:1], 32, axis=0)
    out = to_np(layers.RandomPerspective((0.5, 0.5), scale=1.0, seed=4)(many))
    changed = np.any(~np.isclose(out, many, atol=1e-3), axis=(1, 2, 3))
    assert 4 < changed.sum() < 28


def test_dict_inputs_move_masks_with_images():
    masks = (IMG[..., :1] > 128).astype("float32")
    data = {"images": IMG, "labels": np.eye(2, dtype="float32"), "segmentation_masks": masks}
    for layer in (layers.RandomShear(0.4, 0.4, seed=3, fill_mode="constant"),
                  layers.RandomPerspective((1.0, 1.0), seed=3)):  # fmt: skip
        out = layer(data)
        assert set(out) == set(data)
        np.testing.assert_array_equal(to_np(out["labels"]), data["labels"])
        assert set(np.unique(to_np(out["segmentation_masks"]))) <= {0.0, 1.0}
        twin = type(layer).from_config(layer.get_config())
        np.testing.assert_allclose(to_np(twin(IMG)), to_np(out["images"]), atol=1e-3)
    unbatched = layers.RandomShear(0.2, seed=1)({"images": IMG[0], "labels": np.eye(3)[0]})
    assert to_np(unbatched["images"]).shape == IMG[0].shape


def test_shear_and_perspective_move_bounding_boxes():
    image = np.zeros((1, 10, 10, 1), "float32")
    image[0, 2:6, 2:4] = 1.0  # the box [x1, y1, x2, y2] = [2, 2, 4, 6]
    boxes = {"boxes": np.array([[[2.0, 2.0, 4.0, 6.0]]], "float32"),
             "labels": np.array([[3.0]], "float32")}  # fmt: skip
    layer = layers.RandomShear((0.5, 0.5), 0.0, fill_mode="constant", interpolation="nearest",
                               bounding_box_format="xyxy")  # fmt: skip
    out = layer({"images": image, "bounding_boxes": boxes})
    # x moves by -0.5 * (y - 4.5) at pixel centres: rows 2..5 shift the box to x in [1.5, 5.5].
    np.testing.assert_allclose(to_np(out["bounding_boxes"]["boxes"]), [[[1.5, 2, 5.5, 6]]],
                               atol=1e-5)  # fmt: skip
    np.testing.assert_array_equal(to_np(out["bounding_boxes"]["labels"]), [[3]])
    rows, cols = np.nonzero(to_np(out["images"])[0, :, :, 0])
    assert cols.min() >= 1 and cols.max() + 1 <= 6 and rows.min() == 2 and rows.max() == 5
    rel = layers.RandomPerspective(0.0, bounding_box_format="rel_xyxy")
    same = rel({"images": image, "bounding_boxes": {**boxes, "boxes": boxes["boxes"] / 10}})
    np.testing.assert_allclose(to_np(same["bounding_boxes"]["boxes"]), boxes["boxes"] / 10,
                               atol=1e-5)  # fmt: skip
    kept = layers.RandomErasing(bounding_box_format="xyxy")(
        {"images": image, "bounding_boxes": boxes}
    )
    np.testing.assert_array_equal(to_np(kept["bounding_boxes"]["boxes"]), boxes["boxes"])


def test_bounding_boxes_are_refused_not_ignored():
    boxes = {"boxes": np.zeros((2, 1, 4), "float32"), "labels": np.zeros((2, 1), "float32")}
    layer = layers.RandomElasticTransform(bounding_box_format="xyxy")
    with pytest.raises(NotImplementedError, match="does not support 'bounding_boxes'"):
        layer({"images": IMG, "bounding_boxes": boxes})
    with pytest.raises(ValueError, match="no bounding_box_format"):
        layers.RandomShear(0.1)({"images": IMG, "bounding_boxes": boxes})
    with pytest.raises(ValueError, match="'images'"):
        layer({"pictures": IMG})


def test_configs_round_trip_and_match_keras_defaults():
    config = layers.RandomShear().get_config()
    assert config["x_factor"] == (0.0, 0.0) and config["fill_mode"] == "reflect"
    # Keras cannot load back its own config of a number factor; cornu can.
    shear = layers.RandomShear.from_config(layers.RandomShear(0.2, seed=1).get_config())
    assert shear.x_factor == (-0.2, 0.2)
    assert layers.RandomPerspective().get_config()["factor"] == (0, 1.0)
    elastic = layers.RandomElasticTransform(scale=(0.2, 0.4)).get_config()
    assert elastic["scale"] == (0.2, 0.4) and elastic["factor"] == (0, 1.0)
    assert layers.RandAugment().get_config()["factor"] == (0, 0.5)
    aug = layers.AugMix(all_ops=False, chain_depth=2)
    clone = layers.AugMix.from_config(aug.get_config())
    assert clone.get_config() == {**aug.get_config(), "name": clone.name}


def test_errors():
    with pytest.raises(ValueError, match=r"x_factor must be a number in \[0, 1\] or a pair"):
        layers.RandomShear(1.5)
    with pytest.raises(ValueError, match=r"y_factor must be a number \(or a pair"):
        layers.RandomShear(0.1, (-2, 0))
    with pytest.raises(ValueError, match="factor must be in"):
        layers.RandomPerspective(factor=2.0)
    with pytest.raises(ValueError, match="scale must be a number in"):
        layers.RandomPerspective(scale=-1)
    with pytest.raises(ValueError, match="scale must be a pair"):
        layers.RandomErasing(scale=0.3)
    with pytest.raises(ValueError, match="num_ops must be an int"):
        layers.RandAugment(num_ops=-1)
    with pytest.raises(ValueError, match="chain_depth must be a positive int"):
        layers.AugMix(chain_depth=0)
    with pytest.raises(ValueError, match="fill_mode must be one of"):
        layers.RandomElasticTransform(fill_mode="mirror")


@requires_training
def test_fit_and_save_round_trip(tmp_path):
    model = cornu.Sequential([
        cornu.Input((8, 8, 3)),
        layers.RandomElasticTransform(seed=1),
        layers.RandomErasing(seed=2),
        layers.RandomPerspective(seed=3),
        layers.Flatten(),
        layers.Dense(2),
    ])  # fmt: skip
    model.compile("sgd", "mse")
    history = model.fit(IMG / 255.0, np.zeros((2, 2), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded.predict(IMG, verbose=0)),
                               np.asarray(model.predict(IMG, verbose=0)), rtol=1e-5)  # fmt: skip
    assert [type(x).__name__ for x in loaded.layers][:3] == [
        "RandomElasticTransform", "RandomErasing", "RandomPerspective"]  # fmt: skip


@requires_training
def test_fit_with_affine_layers():
    model = cornu.Sequential([cornu.Input((8, 8, 3)), layers.RandomShear(0.2, seed=1),
                              layers.Flatten(), layers.Dense(2)])  # fmt: skip
    model.compile("sgd", "mse")
    history = model.fit(IMG / 255.0, np.zeros((2, 2), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
