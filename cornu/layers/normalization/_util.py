"""Argument checks and helpers shared by the normalization layers."""

from cornu import ops
from cornu.backend.common import dtypes
from cornu.layers import arguments

HALF_FLOATS = ("float16", "bfloat16")

# The arguments of the learned offset (`beta`) and scale (`gamma`), in Keras's config order.
BETA_GAMMA = arguments.of_weights("beta", "gamma")


def stats_dtype(dtype):
    """Statistics of half-precision inputs are computed in float32."""
    name = dtypes.standardize_dtype(dtype)
    if name in HALF_FLOATS or not dtypes.is_float_dtype(name):
        return "float32"
    return name


def cast_for_statistics(inputs):
    """(`inputs` cast to their statistics dtype, that dtype's name, their own dtype)."""
    dtype = stats_dtype(inputs.dtype)
    return ops.cast(inputs, dtype), dtype, inputs.dtype


def check_bool(layer, arg, value):
    if not isinstance(value, bool):
        raise TypeError(f"{layer}: {arg} must be a bool; received {arg}={value!r}.")
    return value


def check_epsilon(layer, epsilon):
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon < 0:
        raise ValueError(
            f"{layer}: epsilon must be a non-negative number; received epsilon={epsilon!r}."
        )
    return float(epsilon)


def check_axes(layer, axis):
    """An int axis stays an int; a list/tuple of ints becomes a list."""
    if isinstance(axis, (list, tuple)):
        if not axis or not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            raise TypeError(
                f"{layer}: axis must be an int or a non-empty list of ints; received axis={axis!r}."
            )
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(f"{layer}: axis must be an int or a list of ints; received axis={axis!r}.")


def canonical_axes(layer, axis, input_shape):
    """Sorted non-negative axes for an input shape; ValueError when out of range."""
    ndim = len(input_shape)
    axes = [axis] if isinstance(axis, int) else list(axis)
    result = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{layer}: axis {a} is out of range for an input of shape {tuple(input_shape)}."
            )
        result.append(a % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{layer}: axis {axis!r} names the same axis twice.")
    return tuple(sorted(result))


def check_epsilon_center_scale(layer, name, values):
    """Checks and stores `epsilon`, `center` and `scale` (from `values`, the constructor's
    `locals()`), and makes room for `gamma` and `beta`."""
    layer.epsilon = check_epsilon(name, values["epsilon"])
    layer.center = check_bool(name, "center", values["center"])
    layer.scale = check_bool(name, "scale", values["scale"])
    layer.supports_masking = True
    layer.gamma = None
    layer.beta = None


def add_gamma_beta(layer, shape, scale, center):
    """Creates the layer's `gamma` (when `scale`) then its `beta` (when `center`)."""
    if scale:
        layer.gamma = layer.add_weight(
            shape=shape, name="gamma", **arguments.of_weight(layer, "gamma")
        )
    if center:
        layer.beta = layer.add_weight(
            shape=shape, name="beta", **arguments.of_weight(layer, "beta")
        )


def normalized_shape(layer, input_shape, requirement):
    """The sorted axes `layer.axis` names in `input_shape`, and their sizes; ValueError,
    saying the normalized axes' `requirement`, when a size is unknown."""
    where = f"{type(layer).__name__} layer '{layer.name}'"
    axes = canonical_axes(where, layer.axis, input_shape)
    shape = tuple(input_shape[a] for a in axes)
    if any(d is None for d in shape):
        raise ValueError(
            f"{where}: the normalized {requirement.format(axis=layer.axis)}; received input "
            f"shape {tuple(input_shape)}."
        )
    return axes, shape


def broadcast_weight(weight, axes, dtype, ndim):
    """`weight` (sized along `axes`) in `dtype`, reshaped to broadcast over a rank-`ndim`
    input."""
    shape = [1] * ndim
    for a, d in zip(axes, weight.shape):
        shape[a] = d
    return ops.reshape(ops.cast(weight.value, dtype), shape)
