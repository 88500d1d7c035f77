"""float8 quantization ("float8" mode, "float8_from_*" policies) on Dense and EinsumDense:
the variables each layer gets, policies and configs, outputs after `quantize`, and the
scales, amax histories and weights after fit steps (delayed scaling)."""

import numpy as np

from tests.parity.case import ALL, TRAINING, case


def _optimizer_overwrites_with_gradient():
    """Whether cornu's optimizers assign the "gradient" of `overwrite_with_gradient`
    variables, which float8 training needs (the fit cases run only then; Keras's do)."""
    try:
        import cornu

        variable = cornu.Variable(np.zeros((), "float32"), name="probe")
        variable.overwrite_with_gradient = True
        cornu.optimizers.SGD(1.0).apply([np.float32(3.0)], [variable])
        return float(cornu.ops.convert_to_numpy(variable.value)) == 3.0
    except Exception:
        return False


_FIT_BACKENDS = TRAINING if _optimizer_overwrites_with_gradient() else ()
_RNG = np.random.default_rng(3)
_X = (_RNG.standard_normal((6, 4)) * 2).astype("float32")
_Y = _RNG.standard_normal((6, 3)).astype("float32")
_X3 = _RNG.standard_normal((4, 2, 5)).astype("float32")
_Y3 = _RNG.standard_normal((4, 2, 3, 2)).astype("float32")


def _variables(layer):
    return [
        (v.path.split("/")[-1], tuple(v.shape), str(v.dtype), bool(v.trainable),
         np.asarray(_numpy(v)))
        for v in layer.weights
    ]  # fmt: skip


def _numpy(variable):
    value = variable.value
    if hasattr(value, "detach"):
        value = value.detach().cpu()
    return np.asarray(value)


def _policy(layer):
    policy = layer.dtype_policy
    return (type(policy).__name__, policy.name, getattr(policy, "amax_history_length", None))


@case(backends=ALL, rtol=1e-5, atol=1e-5)
def case_float8_dense_quantize(keras, H):
    layer = keras.layers.Dense(3, activation="relu")
    model = H.det_weights(keras.Sequential([keras.Input((4,)), layer]), seed=1, scale=1.0)
    before = model.predict(_X, verbose=0)
    model.quantize("float8")
    config = layer.get_config()
    return {
        "before": before,
        "after": model.predict(_X, verbose=0),
        "variables": _variables(layer),
        "policy": _policy(layer),
        "dtype": config["dtype"],
        "quantization_config": config["quantization_config"]["class_name"],
        "trainable": len(layer.trainable_weights),
        "again": H.raises(layer.quantize, "float8"),
    }


@case(backends=ALL, rtol=1e-5, atol=1e-5)
def case_float8_einsum_dense_quantize(keras, H):
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(2, 3, 2), bias_axes="de")
    inputs = keras.Input((2, 5))
    model = H.det_weights(keras.Model(inputs, layer(inputs)), seed=2, scale=1.0)
    model.quantize("float8")
    return {
        "after": model.predict(_X3, verbose=0),
        "variables": _variables(layer),
        "policy": _policy(layer),
    }


@case(backends=ALL)
def case_float8_policies(keras, H):
    custom = keras.dtype_policies.QuantizedFloat8DTypePolicy(
        "float8", "float32", amax_history_length=7
    )
    built = {}
    for name, dtype in (("default", "float8_from_float32"), ("custom", custom)):
        layer = keras.layers.Dense(2, dtype=dtype)
        layer.build((None, 3))
        built[name] = {
            "names": [(v.path.split("/")[-1], tuple(v.shape)) for v in layer.weights],
            "policy": _policy(layer),
            "quantization_config": layer.get_config()["quantization_config"],
            "dtype": layer.get_config()["dtype"],
        }
    mixed = keras.layers.Dense(2, dtype="mixed_bfloat16")
    mixed.build((None, 3))
    mixed.quantize("float8")
    built["mixed"] = {
        "policy": _policy(mixed),
        "out_dtype": str(mixed(np.ones((1, 3), "float32")).dtype).split(".")[-1],
    }
    embedding = keras.layers.Embedding(5, 2)
    embedding.build()
    built["embedding"] = H.raises(embedding.quantize, "float8")
    return built


def _fit_steps(keras, model, layer, x, y, steps=2):
    model.compile(keras.optimizers.SGD(0.1), "mse")
    recorded = []
    for step in range(steps):
        n = len(x) // steps
        batch = slice(step * n, (step + 1) * n)
        model.fit(x[batch], y[batch], batch_size=n, epochs=1, verbose=0, shuffle=False)
        recorded.append({v[0]: v[4] for v in _variables(layer)})
    return recorded


@case(backends=_FIT_BACKENDS, rtol=1e-5, atol=1e-6)
def case_float8_dense_fit(keras, H):
    layer = keras.layers.Dense(3)
    model = H.det_weights(keras.Sequential([keras.Input((4,)), layer]), seed=4, scale=1.0)
    model.quantize("float8")
    steps = _fit_steps(keras, model, layer, _X[:4], _Y[:4])
    return {"steps": steps, "predict": model.predict(_X, verbose=0)}


@case(backends=_FIT_BACKENDS, rtol=1e-5, atol=1e-6)
def case_float8_policy_dense_fit_short_history(keras, H):
    policy = keras.dtype_policies.QuantizedFloat8DTypePolicy(
        "float8", "float32", amax_history_length=2
    )
    layer = keras.layers.Dense(3, dtype=policy)
    model = keras.Sequential([keras.Input((4,)), layer])
    layer.kernel.assign(np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3))
    x = np.concatenate([_X * 3, _X]).astype("float32")
    y = np.concatenate([_Y, _Y]).astype("float32")
    return {"steps": _fit_steps(keras, model, layer, x, y, steps=3)}


@case(backends=_FIT_BACKENDS, rtol=1e-5, atol=1e-6)
def case_float8_einsum_dense_fit(keras, H):
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(2, 3, 2), bias_axes="de")
    inputs = keras.Input((2, 5))
    model = H.det_weights(keras.Model(inputs, layer(inputs)), seed=5, scale=1.0)
    model.quantize("float8")
    return {"steps": _fit_steps(keras, model, layer, _X3, _Y3)}
