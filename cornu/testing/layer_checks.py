"""`run_layer_test`: the standard battery of checks for one layer configuration."""

import inspect
import json

import numpy as np

import cornu
from cornu import backend, ops, tree
from cornu.backend.common import dtypes
from cornu.layers.layer import Layer
from cornu.random.seed_generator import SeedGenerator


def _fail(layer_cls, message):
    raise AssertionError(f"run_layer_test({layer_cls.__name__}): {message}")


def _normalize(config):
    """JSON round trip, so tuples and lists compare equal; fails on unserializable values."""
    return json.loads(json.dumps(config, sort_keys=True, default=_unjsonable))


def _unjsonable(value):
    raise TypeError(f"{value!r} ({type(value).__name__}) is not JSON serializable")


def _make_input(input_shape, input_dtype, rng):
    if dtypes.is_float_dtype(input_dtype):
        return rng.normal(size=input_shape).astype(input_dtype)
    if input_dtype == "bool":
        return rng.random(input_shape) > 0.5
    return rng.integers(0, 10, size=input_shape).astype(input_dtype)


def _shape(x):
    return tuple(x.shape)


def _dtype(x):
    return dtypes.standardize_dtype(x.dtype)


def _count_seed_generators(layer):
    found = set()
    for sub in layer._all_layers():
        for value in vars(sub).values():
            if isinstance(value, SeedGenerator):
                found.add(id(value))
    return len(found)


def _revive(layer_cls, config, custom_objects):
    params = inspect.signature(layer_cls.from_config).parameters
    if custom_objects is not None and "custom_objects" in params:
        return layer_cls.from_config(config, custom_objects=custom_objects)
    return layer_cls.from_config(config)


def _call(layer, data, **kwargs):
    if isinstance(data, np.ndarray):
        data = ops.convert_to_tensor(data)
    return layer(data, **kwargs)


def run_layer_test(
    layer_cls,
    init_kwargs=None,
    input_shape=None,
    input_dtype="float32",
    input_data=None,
    expected_output_shape=None,
    expected_output_dtype=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_num_seed_generators=None,
    supports_masking=None,
    run_training_check=True,
    run_mixed_precision_check=True,
    custom_objects=None,
):
    """Checks one layer configuration end to end; raises AssertionError naming what failed.

    The checks: the config round trip (`get_config` -> `from_config` -> same, JSON-safe
    config); the eager call (output shape/dtype, weight and seed-generator counts); the
    symbolic call on `cornu.Input` with a known and an unknown batch size (shape and dtype agree
    with the eager output); `compute_output_shape` when the layer overrides it; a revived layer
    given the same weights gives the same outputs, and so does `stateless_call`; the
    `supports_masking` flag; a one-epoch `fit` of a model wrapping the layer (on differentiable
    backends, when the output is float); and a `mixed_float16` call (float outputs become
    float16, float weights stay float32).

    Args:
        layer_cls: the layer class.
        init_kwargs: its constructor arguments.
        input_shape: the full input shape (batch first), used to draw random data when
            `input_data` is None.
        input_dtype: the dtype of the generated input.
        input_data: a NumPy array to use as the input.
        expected_output_shape, expected_output_dtype: checked when given.
        expected_num_trainable_weights, expected_num_non_trainable_weights,
            expected_num_seed_generators: checked when given.
        supports_masking: the expected `supports_masking` flag, when given.
        run_training_check, run_mixed_precision_check: turn those checks off.
        custom_objects: passed to `from_config` when it takes them.

    Example:
        >>> run_layer_test(cornu.layers.Dense, {"units": 3}, input_shape=(2, 4),
        ...                expected_output_shape=(2, 3), expected_num_trainable_weights=2)
    """
    init_kwargs = dict(init_kwargs or {})
    if input_data is None:
        if input_shape is None:
            _fail(layer_cls, "give input_shape or input_data.")
        input_data = _make_input(tuple(input_shape), input_dtype, np.random.default_rng(1234))
    input_data = np.asarray(input_data)
    input_shape = tuple(input_data.shape)
    input_dtype = dtypes.standardize_dtype(input_data.dtype)

    # Config round trip.
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    try:
        normalized = _normalize(config)
    except TypeError as error:
        _fail(layer_cls, f"get_config() is not JSON serializable: {error}.")
    revived = _revive(layer_cls, config, custom_objects)
    if _normalize(revived.get_config()) != normalized:
        _fail(
            layer_cls,
            "from_config(get_config()) gives a different config:\n"
            f"  original: {normalized}\n  revived:  {_normalize(revived.get_config())}",
        )

    # Eager call.
    output = _call(layer, input_data)
    if not layer.built:
        _fail(layer_cls, "the layer is not built after being called.")
    out_shapes = tree.map_structure(_shape, output)
    out_dtypes = tree.map_structure(_dtype, output)
    if expected_output_shape is not None and out_shapes != tree.map_shape_structure(
        tuple, expected_output_shape
    ):
        _fail(layer_cls, f"eager output shape {out_shapes}, expected {expected_output_shape}.")
    if expected_output_dtype is not None:
        expected = tree.map_structure(dtypes.standardize_dtype, expected_output_dtype)
        if out_dtypes != expected:
            _fail(layer_cls, f"eager output dtype {out_dtypes}, expected {expected}.")
    for expected, actual, what in (
        (expected_num_trainable_weights, len(layer.trainable_weights), "trainable weights"),
        (
            expected_num_non_trainable_weights,
            len(layer.non_trainable_weights),
            "non-trainable weights",
        ),
        (expected_num_seed_generators, _count_seed_generators(layer), "seed generators"),
    ):
        if expected is not None and actual != expected:
            _fail(layer_cls, f"{actual} {what}, expected {expected}.")
    if supports_masking is not None and bool(layer.supports_masking) != bool(supports_masking):
        _fail(
            layer_cls,
            f"supports_masking is {layer.supports_masking}, expected {supports_masking}.",
        )

    # compute_output_shape, when the layer defines it.
    if type(layer).compute_output_shape is not cornu.Layer.compute_output_shape:
        shape = layer.compute_output_shape(input_shape)
        if tree.map_shape_structure(tuple, shape) != out_shapes:
            _fail(
                layer_cls,
                f"compute_output_shape({input_shape}) = {shape}, but the eager output has "
                f"shape {out_shapes}.",
            )

    # Symbolic calls: known batch size, then unknown.
    for batch_shape in (input_shape, (None,) + input_shape[1:]):
        sym_layer = layer_cls(**init_kwargs)
        sym_out = sym_layer(cornu.Input(batch_shape=batch_shape, dtype=input_dtype))
        sym_shapes = tree.map_structure(_shape, sym_out)
        sym_dtypes = tree.map_structure(_dtype, sym_out)
        expected_shapes = out_shapes
        if batch_shape[0] is None:
            expected_shapes = tree.map_shape_structure(lambda s: (None,) + tuple(s[1:]), out_shapes)
        if sym_shapes != expected_shapes:
            _fail(
                layer_cls,
                f"symbolic output shape {sym_shapes} for input {batch_shape}, but the eager "
                f"output has shape {out_shapes}.",
            )
        if sym_dtypes != out_dtypes:
            _fail(layer_cls, f"symbolic output dtype {sym_dtypes}, eager {out_dtypes}.")
        if len(sym_layer.weights) != len(layer.weights):
            _fail(
                layer_cls,
                f"{len(sym_layer.weights)} weights when built symbolically, "
                f"{len(layer.weights)} eagerly.",
            )

    # A revived layer with the same weights computes the same outputs.
    revived = _revive(layer_cls, layer.get_config(), custom_objects)
    _call(revived, input_data)
    revived.set_weights(layer.get_weights())
    expected_values = tree.map_structure(ops.convert_to_numpy, _call(layer, input_data))
    revived_values = tree.map_structure(ops.convert_to_numpy, _call(revived, input_data))
    for a, b in zip(tree.flatten(expected_values), tree.flatten(revived_values)):
        try:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
        except AssertionError as error:
            _fail(layer_cls, f"the revived layer's output differs:\n{error}")

    # The layer as a pure function of its variables gives the same outputs.
    stateless_out, _ = layer.stateless_call(
        [v.value for v in layer.trainable_variables],
        [v.value for v in layer.non_trainable_variables],
        ops.convert_to_tensor(input_data),
    )
    stateless_values = tree.map_structure(ops.convert_to_numpy, stateless_out)
    for a, b in zip(tree.flatten(expected_values), tree.flatten(stateless_values)):
        try:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
        except AssertionError as error:
            _fail(layer_cls, f"stateless_call's output differs from the eager call:\n{error}")

    float_out = all(dtypes.is_float_dtype(d) for d in tree.flatten(out_dtypes))

    # Training: one epoch of fit on a model wrapping the layer.
    if run_training_check and backend.IS_DIFFERENTIABLE and float_out:
        _training_check(layer_cls, init_kwargs, input_data, input_dtype, out_shapes)

    # Mixed precision.
    if run_mixed_precision_check:
        mp_layer = layer_cls(**{**init_kwargs, "dtype": "mixed_float16"})
        mp_out = _call(mp_layer, input_data)
        for out, dtype in zip(tree.flatten(mp_out), tree.flatten(out_dtypes)):
            want = "float16" if dtypes.is_float_dtype(dtype) else dtype
            if _dtype(out) != want:
                _fail(layer_cls, f"mixed_float16 output dtype {_dtype(out)}, expected {want}.")
        for weight in mp_layer.weights:
            if dtypes.is_float_dtype(weight.dtype) and _dtype(weight) != "float32":
                _fail(
                    layer_cls,
                    f"mixed_float16 weight '{weight.path}' has dtype {_dtype(weight)}, "
                    "expected float32.",
                )
    return output


def _training_check(layer_cls, init_kwargs, input_data, input_dtype, out_shapes):
    inputs = cornu.Input(shape=input_data.shape[1:], dtype=input_dtype)
    layer = layer_cls(**init_kwargs)
    if dtypes.is_float_dtype(input_dtype):
        # A trainable scale in front, so there is always something to train and the gradient
        # flows through the tested layer (even when it has no weights).
        outputs = layer(Scale()(inputs))
    else:
        outputs = layer(inputs)
        if not layer.trainable_weights:
            outputs = tree.map_structure(Scale(), outputs)
    model = cornu.Model(inputs, outputs)

    def loss(y_true, y_pred):
        y_pred = ops.cast(y_pred, "float32")
        return ops.mean(ops.square(y_pred - ops.cast(y_true, "float32")))

    model.compile(optimizer="sgd", loss=loss)
    targets = tree.map_shape_structure(lambda s: np.zeros(s, "float32"), out_shapes)
    history = model.fit(input_data, targets, batch_size=len(input_data), epochs=1, verbose=0)
    value = history.history["loss"][-1]
    if not np.isfinite(value):
        _fail(layer_cls, f"training gave a non-finite loss {value}.")


class Scale(Layer):
    """A layer multiplying by one trainable scalar (starting at 1)."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        return x * ops.cast(self.scale, x.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape
