"""Shared by RandomContrast and RandomBrightness: the `value_range` check and clipping."""

from cornu import ops


def check_value_range(layer, value_range):
    if (
        not isinstance(value_range, (list, tuple))
        or len(value_range) != 2
        or (value_range[0] >= value_range[1])
    ):
        raise ValueError(
            f"{layer}: value_range must be a pair (low, high) with low < high; "
            f"received value_range={value_range!r}."
        )
    return value_range


def clip_to(images, value_range):
    return ops.clip(images, float(value_range[0]), float(value_range[1]))
