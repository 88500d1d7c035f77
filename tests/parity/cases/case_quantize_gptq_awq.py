"""GPTQ through `model.quantize("gptq", config=GPTQConfig(...))`: variables (names, shapes,
dtypes, values), policies, configs, outputs and errors.

Where the calibration inputs are one-hot rows the Hessian is diagonal, so GPTQ has no error
to spread and reduces to round-to-nearest in static groups: there both libraries must give
the same codes bit for bit. On a deeper model only the parts fixed by the float weights are
compared (scales, zero points, g_idx, layout): Keras 3.15.1's codes equal round-to-nearest
even where the Hessian is not diagonal (its GPTQ does not spread errors), cornu's do not.

Every kernel group here holds weights of both signs: for a group of one sign Keras takes
the bare min/max range and clips a negative zero point to 0 (an all-positive group then
cannot reach its maximum), where cornu widens the range to hold 0.
"""

import numpy as np

from tests.parity.case import TRAINING, case


def _one_hot_rows(samples, rows_per_sample, size):
    index = np.arange(samples * rows_per_sample) % size
    return np.eye(size, dtype="float32")[index].reshape(samples, rows_per_sample, size)


def _models(keras):
    L = keras.layers
    x = keras.Input((16,))
    dense = keras.Model(x, L.Dense(8, activation="relu")(x))
    x3 = keras.Input((3, 16))
    einsum = keras.Model(x3, L.EinsumDense("abc,cd->abd", output_shape=(3, 8), bias_axes="d")(x3))
    xm = keras.Input((16,))
    mlp = keras.Model(xm, L.Dense(4)(L.Dense(12, activation="relu")(xm)))
    for seed, model in enumerate((dense, einsum, mlp)):
        rng = np.random.default_rng(seed)
        weights = [rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()]
        for w in weights[::2]:  # kernels: every group holds both signs (see the docstring)
            w[0::4], w[1::4] = np.abs(w[0::4]), -np.abs(w[1::4])
        model.set_weights(weights)
    return dense, einsum, mlp


def _quantize(keras, model, dataset, **options):
    # Through the model (a structure in the config would stay in Keras's layer configs,
    # whose serialization then recurses without end).
    structure = {"pre_block_layers": [], "sequential_blocks": model.layers[1:]}
    model.get_quantization_layer_structure = lambda mode: structure
    config = keras.quantizers.GPTQConfig(
        dataset=dataset, tokenizer=lambda text: text, num_samples=len(dataset),
        sequence_length=16, **options,
    )  # fmt: skip
    model.quantize("gptq", config=config)


def _variables(layer):
    return {v.path: (tuple(v.shape), str(v.dtype), np.asarray(v.numpy())) for v in layer.weights}


def _fixed_parts(layer):
    """What the float weights alone decide: layout, scales, zero points, g_idx."""
    return {path: value if "kernel" != path.split("/")[-1] else value[:2]
            for path, value in _variables(layer).items()}  # fmt: skip


# jax only: on torch Keras 3.15.1's own calibration fails on float inputs to EinsumDense
# ("expected scalar type Int but found Float"), and on tensorflow it rounds the exact ties of
# symmetric mode (a group's most negative weight lands on -7.5 steps) the other way than on
# jax, so its codes there differ by one from its own jax codes at those ties.
@case(backends=("jax",), rtol=1e-5, atol=1e-5, timeout=400)
def case_gptq_one_hot_calibration(keras, H):
    out = {}
    options = {
        "asym_4_8": dict(group_size=8),
        "sym_4_per_channel": dict(group_size=-1, symmetric=True),
        "asym_8_act_order": dict(weight_bits=8, group_size=4, activation_order=True),
    }
    for name, kwargs in options.items():
        dense, einsum, _ = _models(keras)
        _quantize(keras, dense, _one_hot_rows(16, 1, 16)[:, 0], **kwargs)
        _quantize(keras, einsum, _one_hot_rows(8, 3, 16), **kwargs)
        x = np.linspace(-1, 1, 2 * 3 * 16, dtype="float32").reshape(2, 3, 16)
        for label, model, inputs in (("dense", dense, x[:, 0]), ("einsum", einsum, x)):
            layer = model.layers[1]
            out[f"{name}/{label}"] = {
                "variables": _variables(layer),
                "policy": (type(layer.dtype_policy).__name__, layer.dtype_policy.name),
                "config": layer.get_config()["quantization_config"]["config"],
                "outputs": keras.ops.convert_to_numpy(model(inputs)),
            }
    return out


@case(backends=TRAINING, rtol=1e-5, atol=1e-5, timeout=400)
def case_gptq_mlp_layout(keras, H):
    _, _, mlp = _models(keras)
    rng = np.random.default_rng(5)
    data = (rng.standard_normal((32, 4)) @ rng.standard_normal((4, 16))).astype("float32")
    _quantize(keras, mlp, data, group_size=8)
    return {layer.name: (_fixed_parts(layer), layer.dtype_policy.name) for layer in mlp.layers[1:]}


@case(backends=TRAINING, timeout=400)
def case_gptq_errors(keras, H):
    def quantize(model, **options):
        config = keras.quantizers.GPTQConfig(**{"dataset": np.ones((2, 16), "float32"),
                                                "tokenizer": lambda t: t, **options})  # fmt: skip
        return model.quantize("gptq", config=config)

    structure = lambda m: {"pre_block_layers": [], "sequential_blocks": m.layers[1:]}  # noqa: E731
    dense = _models(keras)[0]
    return {
        "no_structure": H.raises(quantize, _models(keras)[0]),
        "no_tokenizer": H.raises(
            quantize, dense, tokenizer=None, quantization_layer_structure=structure(dense)
        ),  # fmt: skip
        "no_dataset": H.raises(
            quantize, dense, dataset=None, quantization_layer_structure=structure(dense)
        ),  # fmt: skip
    }


# Not torch: Keras 3.15.1 casts calibration samples to int32 (token ids), which its torch
# EinsumDense then refuses ("expected scalar type Int but found Float").
@case(backends=("jax", "tensorflow"), rtol=1e-5, atol=1e-5, timeout=400)
def case_awq_layout(keras, H):
    """AWQ's scale search may pick different exponents in the two libraries (Keras 3.15.1
    keeps every awq_scale at 1 on these models), so only the layout, the policies and the
    configs are compared, and the outputs within a loose bound of the float ones."""
    _, einsum, mlp = _models(keras)
    rng = np.random.default_rng(5)
    data = (rng.standard_normal((48, 16)) * np.geomspace(0.1, 3, 16)).astype("float32")
    out = {}
    for name, model, dataset in (("mlp", mlp, data), ("einsum", einsum, data.reshape(-1, 3, 16))):
        reference = keras.ops.convert_to_numpy(model(dataset[:4]))
        structure = {"pre_block_layers": [], "sequential_blocks": model.layers[1:]}
        model.get_quantization_layer_structure = lambda mode, s=structure: s
        config = keras.quantizers.AWQConfig(dataset=dataset, tokenizer=lambda t: t,
                                            num_samples=len(dataset), sequence_length=16,
                                            group_size=8)  # fmt: skip
        model.quantize("awq", config=config)
        error = np.abs(keras.ops.convert_to_numpy(model(dataset[:4])) - reference).max()
        out[name] = {
            "layout": [
                [(v.path, tuple(v.shape), str(v.dtype)) for v in layer.weights]
                for layer in model.layers[1:]
            ],  # fmt: skip
            "policies": [layer.dtype_policy.name for layer in model.layers[1:]],
            "config": model.layers[1].get_config()["quantization_config"]["config"],
            "close_to_float": bool(error < 0.3 * np.abs(reference).max()),
        }
    no_tokenizer = keras.quantizers.AWQConfig(dataset=data, tokenizer=None)
    out["no_tokenizer"] = H.raises(_models(keras)[2].quantize, "awq", config=no_tokenizer)
    out["three_bits"] = H.raises(keras.quantizers.AWQConfig, data, lambda t: t, weight_bits=3)
    return out
