"""`pack_x_y_sample_weight` / `unpack_x_y_sample_weight` / `unpack`: the `(x, y, sample_weight)`
convention of `fit`, `train_step` and datasets."""


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Packs user data into the form a dataset or `train_step` yields.

    Args:
        x: the features.
        y: the targets (optional).
        sample_weight: the per-sample weights (optional; ignored when `y` is None, because
            a bare `(x, sample_weight)` pair would read as `(x, y)`).

    Returns:
        `x` itself when it alone is given (a list or tuple `x` is wrapped in a 1-tuple so it is
        not unpacked as `(x, y)`), else `(x, y)` or `(x, y, sample_weight)`.

    Example:

    >>> pack_x_y_sample_weight([1, 2], [3, 4])
    ([1, 2], [3, 4])
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """Splits `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` into a full 3-tuple.

    Args:
        data: a batch; a list is read like a tuple.

    Returns:
        `(x, y, sample_weight)`, with None for what `data` lacks.

    Example:

    >>> unpack_x_y_sample_weight(([1], [2]))
    ([1], [2], None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return (data[0], data[1], data[2])
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a {type(data).__name__} of {len(data)} elements: {_short(data)}"
    )


def unpack(data):
    """`x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` -> `(x, y, sample_weight)`.

    What the training loop and the default steps use on each batch. Unlike
    `unpack_x_y_sample_weight` it reads only a tuple as packed data (a list is one `x`: a
    model's list of inputs) and gives a 3-tuple back as it is.

    Args:
        data: a batch.

    Returns:
        `(x, y, sample_weight)`, with None for what `data` lacks.

    Example:

    >>> unpack(([1], [2]))
    ([1], [2], None)
    """
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
        raise ValueError(
            f"Data should be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of "
            f"{len(data)} elements."
        )
    return data, None, None


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
