"""JaxLayer/FlaxLayer (outputs, weights, configs, fit, errors) and keras.visualization's drawing
functions (pixels for boxes, formats, text, colours, thickness, masks, alpha, blend)."""

import numpy as np

from tests.parity.case import ALL, case

_JAX_BACKENDS = ("jax", "tensorflow")


def _boxes_inputs():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (2, 40, 48, 3)).astype("float32")
    boxes = np.array(
        [[[2, 3, 30, 25], [10, 22, 40, 38], [1, 1, 5, 5]],
         [[-3, 5, 20, 30], [25, 2, 47, 12], [0, 0, 0, 0]]], "float32",
    )  # fmt: skip
    labels = np.array([[0, 1, -1], [2, 1, -1]])
    return images, boxes, labels


@case(backends=ALL)
def case_draw_bounding_boxes(keras, H):
    draw = keras.visualization.draw_bounding_boxes
    images, boxes, labels = _boxes_inputs()
    names = {0: "cat", 1: "dog", 2: "Bg"}
    conf = np.array([[0.91, 0.123, 0.5], [0.5, 0.25, 0.0]])
    relative = boxes / np.array([48, 40, 48, 40], "float32")
    xywh = np.concatenate([boxes[..., :2], boxes[..., 2:] - boxes[..., :2]], -1)
    return {
        "plain": draw(images, {"boxes": boxes, "labels": labels}, "xyxy"),
        "text": draw(images, {"boxes": boxes, "labels": labels}, "xyxy", class_mapping=names,
                     color=(255, 10, 0), line_thickness=1, text_thickness=2, font_scale=0.4),
        "confidence": draw(images, {"boxes": boxes, "labels": labels, "confidences": conf},
                           "xyxy", class_mapping=names, font_scale=0.3),
        "rel_xyxy": draw(images / 255.0, {"boxes": relative, "labels": labels}, "rel_xyxy",
                         line_thickness=3),
        "xywh": draw(images, {"boxes": xywh, "labels": labels}, "xywh", class_mapping=names),
        "not_a_dict": H.raises(draw, images, boxes, "xyxy"),
        "no_labels": H.raises(draw, images, {"boxes": boxes}, "xyxy"),
    }  # fmt: skip


def _segmentation_inputs(low):
    rng = np.random.default_rng(1)
    images = rng.uniform(0, 255, (2, 6, 7, 3)).astype("float32")
    return images, rng.integers(low, 5, (2, 6, 7, 1)).astype("int32")


@case(backends=ALL)
def case_draw_segmentation_masks(keras, H):
    draw = keras.visualization.draw_segmentation_masks
    images, masks = _segmentation_inputs(0)
    mapping = {i: (255 - 40 * i, 60 * i, 7 * i) for i in range(5)}
    return {
        "default": draw(images, masks, num_classes=5),
        "alpha": draw(images, masks, num_classes=5, alpha=0.33, color_mapping=mapping),
        "no_blend": draw(images, masks, num_classes=5, blend=False),
        "ignore": draw(images, masks, num_classes=5, ignore_index=0),
        "many_classes": draw(images * 0, masks * 61, num_classes=300, alpha=1.0),
        "float_masks": H.raises(draw, images, masks.astype("float32"), num_classes=3),
        "unbatched": H.raises(draw, images[0], masks[0], num_classes=3),
    }


# Keras on torch and numpy raises for ids >= num_classes (one_hot): compared on jax and tf.
@case(backends=("jax", "tensorflow"))
def case_draw_segmentation_masks_out_of_range(keras, H):
    draw = keras.visualization.draw_segmentation_masks
    images, masks = _segmentation_inputs(-1)
    return {
        "inferred": draw(images, masks),
        "fewer_classes": draw(images, masks, num_classes=3),
        # (Keras ignores `ignore_index` when blend=False, painting those pixels; cornu
        # leaves them unpainted in both modes, so only the default -1 is compared there.)
        "no_blend": draw(images, masks, num_classes=4, blend=False),
        "ignore": draw(images, masks, num_classes=4, ignore_index=2),
    }


def _counter_functions():
    import jax
    import jax.numpy as jnp

    def init_fn(rng, inputs):
        del rng
        return {"w": jnp.full((inputs.shape[-1], 2), 0.5, "float32")}, {"n": jnp.zeros(())}

    def call_fn(params, state, inputs, training):
        if training:
            state = {"n": state["n"] + 1}
        return jax.nn.relu(inputs @ params["w"]), state

    return init_fn, call_fn


@case(backends=_JAX_BACKENDS, rtol=1e-4, atol=1e-4)
def case_jax_layer(keras, H):
    init_fn, call_fn = _counter_functions()
    layer = keras.layers.JaxLayer(call_fn, init_fn)
    inputs = keras.Input((3,))
    outputs = layer(inputs)
    model = keras.Model(inputs, outputs)
    x, y = H.data(n=16, features=3)
    before = model.predict(x, verbose=0)
    model.compile("sgd", "mse")
    model.fit(x, np.repeat(y, 2, axis=1), epochs=2, batch_size=8, verbose=0)
    config = layer.get_config()
    return {
        "symbolic": tuple(outputs.shape),
        "before": before,
        "after": model.predict(x, verbose=0),
        "weights": [(tuple(w.shape), w.trainable) for w in layer.weights],
        "state": np.asarray(layer.non_trainable_weights[0]),
        "config_keys": sorted(config),
        "fn_name": config["call_fn"]["config"],
        "no_init": H.raises(keras.layers.JaxLayer, lambda params, inputs: inputs),
        "bad_arg": H.raises(keras.layers.JaxLayer, lambda params, x: x, params=1.0),
    }


def _dense_module():
    from flax import linen

    return linen.Dense(2)


@case(backends=("torch", "numpy"))
def case_jax_layer_refused(keras, H):
    return {
        "jax": H.raises(keras.layers.JaxLayer, lambda inputs: inputs),
        "flax": H.raises(keras.layers.FlaxLayer, _dense_module()),
    }


@case(backends=_JAX_BACKENDS, rtol=1e-5, atol=1e-6)
def case_flax_layer(keras, H):
    import jax
    from flax import linen

    class Block(linen.Module):
        @linen.compact
        def __call__(self, inputs, training=False):
            x = linen.Dense(3)(inputs)
            return linen.BatchNorm(use_running_average=not training)(x)

    module = Block()
    variables = module.init(jax.random.PRNGKey(0), np.ones((1, 4), "float32"))
    layer = keras.layers.FlaxLayer(module, variables=variables)
    x, _ = H.data(n=8, features=4)
    inference = layer(x)
    training = layer(x, training=True)
    return {
        "inference": inference,
        "training": training,
        "weights": [(tuple(w.shape), w.trainable) for w in layer.weights],
        "moved_stats": [np.asarray(w) for w in layer.non_trainable_weights],
        "symbolic": tuple(keras.layers.FlaxLayer(Block())(keras.Input((4,))).shape),
    }
