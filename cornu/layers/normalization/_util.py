"""Argument checks and helpers shared by the normalization layers."""

HALF_FLOATS = ("float16", "bfloat16")


def stats_dtype(dtype):
    """Statistics of half-precision inputs are computed in float32."""
    from cornu.backend.common import dtypes

    name = dtypes.standardize_dtype(dtype)
    if name in HALF_FLOATS or not dtypes.is_float_dtype(name):
        return "float32"
    return name


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


def maybe_serialize(module, value):
    return None if value is None else module.serialize(value)
