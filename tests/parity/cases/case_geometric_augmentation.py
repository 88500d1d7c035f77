"""Geometric and mixing augmentation layers (RandomShear, RandomPerspective,
RandomElasticTransform, RandomErasing, CutMix, MixUp, MaxNumBoundingBoxes, Pipeline,
RandAugment, AugMix): configs, shapes and dtypes, inference outputs, settings where the
random draw cannot matter, the structure of mixed outputs, and Pipeline composition."""

import numpy as np

from tests.parity.case import case

_IMG = np.random.RandomState(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
_LABELS = np.eye(3, dtype="float32")[[0, 2]]


def _layers(keras, non_default):
    L = keras.layers
    if not non_default:
        return [L.RandomShear(), L.RandomPerspective(), L.RandomElasticTransform(),
                L.RandomErasing(), L.CutMix(), L.MixUp(), L.MaxNumBoundingBoxes(3),
                L.RandAugment(), L.AugMix()]  # fmt: skip
    return [
        L.RandomShear((0.0, 0.2), (0.1, 0.3), interpolation="nearest", fill_mode="constant",
                      fill_value=1.0, seed=3),
        L.RandomPerspective((0.2, 0.8), scale=0.4, interpolation="nearest", fill_value=2.0,
                            seed=4),
        L.RandomElasticTransform(0.5, scale=(0.1, 0.6), fill_mode="nearest",
                                 value_range=(0, 1), seed=5),
        L.RandomErasing((0.1, 0.9), scale=(0.1, 0.2), fill_value=3.0, value_range=(-1, 1),
                        seed=6),
        L.CutMix((0.2, 0.7), seed=7),
        L.MixUp(alpha=0.6, seed=8),
        L.MaxNumBoundingBoxes(5, bounding_box_format="xyxy"),
        L.RandAugment(value_range=(0, 1), num_ops=3, factor=(0.1, 0.4),
                      interpolation="nearest", seed=9),
        L.AugMix(value_range=(0, 1), num_chains=2, chain_depth=4, factor=0.6, alpha=0.5,
                 all_ops=False, interpolation="nearest", seed=10),
    ]  # fmt: skip


def _configs(layers):
    return {type(x).__name__: {k: v for k, v in x.get_config().items() if k != "name"}
            for x in layers}  # fmt: skip


@case()
def case_geometric_augmentation_configs(keras, H):
    default, other = _layers(keras, False), _layers(keras, True)
    # Not RandomShear(0.2): Keras records (-0.2, 0.2) and then refuses it in from_config.
    clones = [type(x).from_config(x.get_config()) for x in other]
    return {"default": _configs(default), "non_default": _configs(other),
            "round_trip": _configs(clones)}  # fmt: skip


@case(timeout=600)
def case_geometric_augmentation_inference(keras, H):
    out = {}
    for layer in _layers(keras, False) + _layers(keras, True):
        name = type(layer).__name__
        plain = layer(_IMG, training=False)
        data = layer({"images": _IMG, "labels": _LABELS}, training=False)
        out[name] = {
            "images": plain,
            "unbatched": layer(_IMG[0], training=False),
            "dict_keys": sorted(data),
            "dict_images": data["images"],
            "dict_labels": data["labels"],
            "output_shape": layer.compute_output_shape((None, 8, 8, 3)),
        }
    return out


@case()
def case_geometric_augmentation_functional_predict(keras, H):
    L = keras.layers
    inputs = keras.Input((8, 8, 3))
    x = L.RandomShear(0.2, 0.2)(inputs)
    x = L.RandomPerspective()(x)
    x = L.RandomElasticTransform()(x)
    x = L.RandomErasing()(x)
    x = L.RandAugment()(x)
    x = L.AugMix()(x)
    model = keras.Model(inputs, x)
    return {"shape": tuple(model.output.shape), "predict": model.predict(_IMG, verbose=0)}


@case(timeout=600)  # Keras's eager RandAugment/AugMix on jax take minutes on a busy machine
def case_geometric_augmentation_draw_cannot_matter(keras, H):
    L = keras.layers
    full = L.RandomErasing((1.0, 1.0), scale=(1.0, 1.0), fill_value=5.0, seed=1)
    clipped = L.RandomErasing((1.0, 1.0), scale=(1.0, 1.0), fill_value=-5.0, seed=1)
    return {
        "erasing_factor_0": L.RandomErasing(0.0, seed=1)(_IMG, training=True),
        "erasing_full": full(_IMG, training=True),
        "erasing_fill_clipped": clipped(_IMG, training=True),
        "perspective_factor_0": L.RandomPerspective(0.0, seed=1)(_IMG, training=True),
        "elastic_factor_0": L.RandomElasticTransform(0.0, seed=1)(_IMG, training=True),
        "rand_augment_no_ops": L.RandAugment(num_ops=0, seed=1)(_IMG, training=True),
        "shapes": {
            type(x).__name__: tuple(x(_IMG, training=True).shape) for x in _layers(keras, False)
        },
    }


@case(atol=1e-3)
def case_geometric_augmentation_zero_shear(keras, H):
    layer = keras.layers.RandomShear(0.0, 0.0, seed=1)
    return layer(_IMG, training=True)


@case()
def case_mixing_augmentation_structure(keras, H):
    L = keras.layers
    images = np.arange(6, dtype="float32")[:, None, None, None] * np.ones((6, 6, 6, 1))
    images = images.astype("float32")
    labels = np.eye(6, dtype="float32")
    out = {}
    for layer in (L.CutMix(seed=2), L.MixUp(seed=2), L.CutMix((0.3, 0.3), seed=5)):
        data = layer({"images": images, "labels": labels}, training=True)
        mixed, mixed_labels = np.asarray(data["images"]), np.asarray(data["labels"])
        out[type(layer).__name__ + str(layer.get_config().get("factor"))] = {
            "keys": sorted(data),
            "label_sums": np.round(mixed_labels.sum(axis=1), 5),
            "labels_in_0_1": bool(mixed_labels.min() >= 0 and mixed_labels.max() <= 1 + 1e-6),
            "images_in_hull": bool(mixed.min() >= 0 and mixed.max() <= 5),
            "image_dtype": str(mixed.dtype),
            "shape": mixed.shape,
        }
    return out


@case()
def case_max_num_bounding_boxes(keras, H):
    boxes = {"boxes": np.arange(24, dtype="float32").reshape(2, 3, 4),
             "labels": np.array([[1, 2, 0], [0, 1, 2]], "float32")}  # fmt: skip
    data = {"images": _IMG, "bounding_boxes": boxes, "labels": _LABELS}
    L = keras.layers
    return {
        "cut": L.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(data),
        "padded": L.MaxNumBoundingBoxes(4, bounding_box_format="xyxy")(data),
        "fill": L.MaxNumBoundingBoxes(5, fill_value=-7, bounding_box_format="xyxy")(data),
        "images_only": L.MaxNumBoundingBoxes(2)(_IMG),
        "shape": L.MaxNumBoundingBoxes(4).compute_output_shape(
            {"images": (None, 8, 8, 3), "bounding_boxes": {"boxes": (None, 3, 4),
                                                           "labels": (None, 3)}}),
    }  # fmt: skip


@case()
def case_pipeline_of_deterministic_layers(keras, H):
    L = keras.layers
    pipeline = L.Pipeline([L.Rescaling(1 / 255.0), L.CenterCrop(6, 6), L.Resizing(3, 3)],
                          name="prep")  # fmt: skip
    config = pipeline.get_config()
    clone = L.Pipeline.from_config(config)
    random_pipe = L.Pipeline([L.RandomFlip(seed=1), L.RandomShear(0.3, seed=2)])
    return {
        "config": config,
        "out": pipeline(_IMG),
        "clone_out": clone(_IMG),
        "clone_layers": [type(x).__name__ for x in clone.layers],
        "random_inference": random_pipe(_IMG, training=False),
        "dict": random_pipe({"images": _IMG, "labels": _LABELS}, training=False),
    }
