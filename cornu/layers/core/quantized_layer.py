"""What the quantizable layers (Dense, EinsumDense, Embedding) share: checking a
`quantize(mode)` request, swapping float weights for quantized ones, and the policy and
config a quantized layer records."""

import warnings

from cornu import dtype_policies, ops, quantizers
from cornu.dtype_policies import quantized as quantized_policies

_NOT_YET = ("gptq", "awq", "int4")
DENSE_MODES = ("int8", "int4", "float8", "gptq", "awq")  # Keras's, for Dense and EinsumDense
EMBEDDING_MODES = ("int8", "int4")


def check_buildable(layer, mode):
    """A layer built under a quantized policy creates quantized weights: int8, and int4 in
    blocks ("int4/<block_size>") for Dense and EinsumDense."""
    block_size = getattr(layer.dtype_policy, "block_size", 0)
    if mode == "int4" and block_size > 0 and _has_int4(layer):
        return
    if mode == "float8" and hasattr(layer, "kernel_dims_2d"):  # Dense, EinsumDense
        return
    if mode in ("gptq", "awq") and hasattr(layer, "kernel_dims_2d"):  # Dense, EinsumDense
        return
    if mode != "int8":
        raise NotImplementedError(
            f"Layer '{layer.name}' has dtype policy '{layer.dtype_policy.name}': quantization "
            f"mode '{mode}' is not supported yet in cornu (only 'int8', and 'int4' in blocks on "
            "Dense, EinsumDense, Embedding and ReversibleEmbedding, are)."
        )


def check_quantize(layer, mode, supported, config=None):
    """Raises Keras's errors for a request cornu or the layer cannot honour (`supported`:
    the modes the layer has, None for a layer without quantization)."""
    if not layer.built:
        raise ValueError(
            "Cannot quantize a layer that isn't yet built. Layer "
            f"'{layer.name}' (of type '{type(layer).__name__}') is not built yet."
        )
    if mode not in quantized_policies.QUANTIZATION_MODES:
        raise ValueError(
            "Invalid quantization mode. Expected one of "
            f"{quantized_policies.QUANTIZATION_MODES}. Received: mode={mode}"
        )
    if layer.dtype_policy.quantization_mode is not None:
        raise ValueError(
            f"Layer '{layer.name}' is already quantized with "
            f"dtype_policy='{layer.dtype_policy.name}'. Received: mode={mode}"
        )
    if supported is None:  # a layer without quantization (the base Layer.quantize)
        raise NotImplementedError(
            f"Layer {type(layer).__name__} does not have a `quantize` method implemented."
        )
    if mode not in supported:
        raise NotImplementedError(
            f"Invalid quantization mode. Expected one of {supported}. Received: "
            f"quantization_mode={mode}"
        )
    if mode == "int4" and _has_int4(layer):
        return  # Dense, EinsumDense and (Reversible)Embedding quantize int4 in blocks
    if mode in ("gptq", "awq") and hasattr(layer, "kernel_dims_2d"):
        raise ValueError(
            f"Layer '{layer.name}': mode='{mode}' quantizes from calibration data through the "
            f"whole model: call `model.quantize('{mode}', config=...)` with a "
            f"{'GPTQConfig' if mode == 'gptq' else 'AWQConfig'} instead of `layer.quantize`."
        )
    if mode in _NOT_YET:
        raise NotImplementedError(
            f"Quantization mode '{mode}' is not supported yet in cornu (layer '{layer.name}' "
            f"of type '{type(layer).__name__}'); only 'int8' (and 'int4' on Dense, "
            "EinsumDense, Embedding and ReversibleEmbedding) are."
        )
    if config is not None and getattr(config, "mode", mode) != mode:
        raise ValueError(
            f"Layer '{layer.name}': quantization config of mode '{config.mode}' given with "
            f"mode='{mode}'. Pass a config of the same mode (or no config)."
        )


def quantize_model(model, mode, config, filters):
    """`Model.quantize`: checks the request, then quantizes each matching layer that can be."""
    from cornu.layers.layer import Layer  # layer.py imports this module for Layer.quantize

    if mode is None and config is None:
        raise ValueError("You must provide either `mode` or `config` to `quantize`.")
    if mode is None:
        mode = config.mode
    elif config is not None and config.mode != mode:
        raise ValueError(f"Contradictory arguments: mode='{mode}' but config.mode='{config.mode}'")
    if mode not in quantized_policies.QUANTIZATION_MODES:
        raise ValueError(
            "Invalid quantization mode. Expected one of "
            f"{quantized_policies.QUANTIZATION_MODES}. Received: mode={mode}"
        )
    if not model.built:
        raise ValueError(
            "Cannot quantize a layer that isn't yet built. Layer "
            f"'{model.name}' (of type '{type(model).__name__}') is not built yet."
        )
    if mode in ("gptq", "awq"):
        return _quantize_calibrated(model, mode, config, filters)
    for layer in model._all_layers()[1:]:
        if type(layer).quantize is Layer.quantize or not _selected(layer, filters):
            continue
        try:
            layer.quantize(mode, type_check=False, config=config)
        except NotImplementedError as error:
            if mode != "float8":
                raise
            warnings.warn(str(error), stacklevel=2)  # Keras: float8 skips Embedding, warning


def _quantize_calibrated(model, mode, config, filters):
    """GPTQ and AWQ: calibrated over the model's blocks (`cornu.quantizers.calibration`)."""
    from cornu.quantizers import awq, gptq

    expected = quantizers.GPTQConfig if mode == "gptq" else quantizers.AWQConfig
    if not isinstance(config, expected):
        raise ValueError(
            f"Mode '{mode}' requires a valid `config` argument of type "
            f"`{expected.__name__}`. Received: config={config} (of type {type(config)})"
        )
    (gptq if mode == "gptq" else awq).quantize_model(model, config, filters)


def _selected(layer, filters):
    import re

    if filters is None:
        return True
    if callable(filters):
        return bool(filters(layer))
    patterns = [filters] if isinstance(filters, str) else list(filters)
    return any(re.search(pattern, layer.name) for pattern in patterns)


def _has_int4(layer):
    """Dense, EinsumDense, Embedding and ReversibleEmbedding quantize int4 in blocks."""
    from cornu.layers.core import embedding  # embedding.py imports this module

    return isinstance(layer, embedding.Embedding) or hasattr(layer, "kernel_dims_2d")


def quantized_policy(layer, mode, block_size=None):
    """The policy a layer quantized in `mode` records: its float policy as the source."""
    if mode == "int4":
        return dtype_policies.Int4DTypePolicy(f"int4/{block_size}", layer.dtype_policy.name)
    return dtype_policies.QuantizedDTypePolicy(mode, layer.dtype_policy.name)


def default_config(mode):
    if mode == "int8":
        return quantizers.Int8QuantizationConfig()
    if mode == "int4":
        return quantizers.Int4QuantizationConfig()
    if mode == "float8":
        return quantizers.Float8QuantizationConfig()
    raise NotImplementedError(f"Quantization mode '{mode}' is not supported yet in cornu.")


def config_from_argument(where, value, mode):
    """A layer's `quantization_config` argument (object, config dict or None) as an object;
    None gives the default config of `mode` when the layer is quantized."""
    if isinstance(value, dict) and "class_name" in value:
        value = quantizers.deserialize(value)
    if value is None and mode not in (None, "float8"):  # Keras: None when built as float8
        value = default_config(mode)
    if value is not None and not isinstance(value, quantizers.QuantizationConfig):
        raise ValueError(
            f"{where}: quantization_config is not supported in this form: received "
            f"{value!r}; expected a QuantizationConfig (such as Int8QuantizationConfig()), "
            "its serialized dict, or None."
        )
    return value


def activation_quantizer(layer):
    """The quantizer of the layer's inputs, or None (inputs stay float)."""
    config = layer.quantization_config
    return None if config is None else config.activation_quantizer


def quantize_inputs(quantizer, x, axis):
    """`(quantized, scale)` of the inputs; an `AbsMaxQuantizer` without an axis of its own
    takes the layer's `axis` (the contracted one)."""
    if isinstance(quantizer, quantizers.AbsMaxQuantizer) and quantizer.axis is None:
        return quantizer(x, axis=axis)
    return quantizer(x)


def quantize_weight(config, weight, axis):
    """`(int8 weight, scale)` by the config's weight quantizer, else abs-max over `axis`."""
    quantizer = None if config is None else config.weight_quantizer
    if quantizer is None:
        return quantizers.abs_max_quantize(weight, axis=axis)
    return quantize_inputs(quantizer, weight, axis)


def replace_weight(layer, attribute, value, name=None):
    """Replaces the float weight `layer.<attribute>` by a non-trainable Variable holding
    `value` (same name and path), and returns it."""
    untrack_variable(layer, getattr(layer, attribute))
    return add_fixed_weight(layer, name or attribute, value)


def add_fixed_weight(layer, name, value):
    """A new non-trainable weight of the layer, holding `value` (its dtype and shape)."""
    variable = layer.add_weight(
        shape=tuple(value.shape), initializer="zeros", dtype=ops.dtype(value),
        trainable=False, autocast=False, name=name,
    )  # fmt: skip
    variable.assign(value)
    return variable


def config_entries(layer):
    """The `dtype` and `quantization_config` entries of a layer's config, as Keras writes
    them (a quantized policy under its own class)."""
    entries = {"quantization_config": quantizers.serialize(layer.quantization_config)}
    if layer.dtype_policy.quantization_mode is not None:
        entries["dtype"] = dtype_policies.serialize(layer.dtype_policy)
    return entries


def untrack_variable(layer, variable):
    """Removes a Variable from a layer (to replace a float weight by its quantized form)."""
    index = next(i for i, v in enumerate(layer._variables) if v is variable)
    del layer._variables[index]
    if index < layer._n_trainable_declared:
        layer._n_trainable_declared -= 1
    layer._regularized = [(v, r) for v, r in layer._regularized if v is not variable]
    parameters = getattr(layer, "_parameters", None)  # torch: the module's Parameters
    storage = getattr(variable, "_storage", None)
    if parameters is not None and storage is not None:
        for key in [k for k, p in parameters.items() if p is storage]:
            del parameters[key]
