"""Argument helpers shared by the cropping, padding and up-sampling layers."""

from cornu import config


def data_format(value, layer):
    if value is None:
        return config.image_data_format()
    text = str(value).lower()
    if text not in ("channels_first", "channels_last"):
        raise ValueError(
            f"{layer}: data_format must be 'channels_first' or 'channels_last'; received "
            f"data_format={value!r}."
        )
    return text


def _is_int(x, minimum=0):
    return isinstance(x, int) and not isinstance(x, bool) and x >= minimum


def pairs(value, n, layer, arg):
    """`value` as n (before, after) pairs: an int, n ints (symmetric), or n pairs."""
    error = ValueError(
        f"{layer}: {arg} must be a non-negative int, a tuple of {n} non-negative ints, or a "
        f"tuple of {n} pairs of non-negative ints; received {arg}={value!r}."
    )
    if _is_int(value):
        return tuple((value, value) for _ in range(n))
    if n == 1 and isinstance(value, (list, tuple)) and len(value) == 2:
        if all(_is_int(v) for v in value):
            return ((value[0], value[1]),)
        raise error
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise error
    result = []
    for item in value:
        if _is_int(item):
            result.append((item, item))
        elif isinstance(item, (list, tuple)) and len(item) == 2 and all(_is_int(v) for v in item):
            result.append((item[0], item[1]))
        else:
            raise error
    return tuple(result)


def sizes(value, n, layer, arg):
    """`value` as n positive ints (an int is repeated)."""
    if _is_int(value, 1):
        return (value,) * n
    if isinstance(value, (list, tuple)) and len(value) == n and all(_is_int(v, 1) for v in value):
        return tuple(value)
    raise ValueError(
        f"{layer}: {arg} must be a positive int or a tuple of {n} positive ints; received "
        f"{arg}={value!r}."
    )


def spatial_axes(rank, fmt):
    """The spatial axes of a rank-`rank` input in data format `fmt`."""
    n = rank - 2
    return tuple(range(2, 2 + n)) if fmt == "channels_first" else tuple(range(1, 1 + n))
