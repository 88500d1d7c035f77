"""Turns the `data` given to a preprocessing layer's `adapt()` into NumPy batches.

Statistics are gathered on the host in float64, so `adapt` gives the same numbers on every
backend whatever the data came as (NumPy, a backend tensor, a tf.data dataset, a torch
DataLoader, a generator or a list of batches).
"""

import numpy as np


def to_numpy(value):
    """A NumPy array from a NumPy array, list, pandas object, JAX/TF/torch tensor or cornu
    Variable."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "to_numpy"):  # pandas DataFrame / Series
        return np.asarray(value.to_numpy())
    if hasattr(value, "detach"):  # torch tensors (may need grad / live on a device)
        value = value.detach().cpu()
    if hasattr(value, "numpy") and not isinstance(value, np.generic):
        value = value.numpy()
    return np.asarray(value)


def _is_array(value):
    return isinstance(value, np.ndarray) or (
        hasattr(value, "shape")
        and (hasattr(value, "dtype") or hasattr(value, "to_numpy"))
        and not _is_dataset(value)
    )


def _is_dataset(value):
    return type(value).__module__.startswith("tensorflow") and hasattr(value, "element_spec")


def is_array_data(data):
    """Whether `adapt` treats `data` as one array (rather than an iterable of batches)."""
    return _is_array(data) or (isinstance(data, (list, tuple)) and not _is_list_of_batches(data))


def _is_list_of_batches(value):
    return isinstance(value, (list, tuple)) and bool(value) and all(_is_array(v) for v in value)


def iterate_batches(layer, data, batch_size=None, steps=None):
    """Yields NumPy batches of `data` for `layer`'s `adapt()`.

    Args:
        layer: the class name used in error messages.
        data: an array-like (one batch, or split into `batch_size` rows), or an iterable of
            batches (tf.data dataset, DataLoader, generator, list of arrays).
        batch_size: rows per batch when `data` is an array; not allowed for iterables.
        steps: the number of batches to read at most (None reads everything).
    """
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(
            f"{layer}.adapt: steps must be a positive int or None; received steps={steps!r}."
        )
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(
            f"{layer}.adapt: batch_size must be a positive int or None; received "
            f"batch_size={batch_size!r}."
        )
    if is_array_data(data):
        yield from _array_batches(layer, to_numpy(data), batch_size, steps)
        return
    if batch_size is not None:
        raise ValueError(
            f"{layer}.adapt: batch_size is only for array data; a dataset or iterable already "
            f"yields batches. Received batch_size={batch_size!r} with {type(data).__name__}."
        )
    try:
        iterator = iter(data)
    except TypeError:
        raise TypeError(
            f"{layer}.adapt: data must be an array, a tf.data dataset or an iterable of "
            f"batches; received {type(data).__name__}."
        ) from None
    for step, batch in enumerate(iterator):
        if steps is not None and step >= steps:
            break
        if isinstance(batch, (tuple, dict)):
            raise TypeError(
                f"{layer}.adapt: each batch must be one array of features; received a "
                f"{type(batch).__name__} (pass the features only, e.g. "
                "`dataset.map(lambda x, y: x)`)."
            )
        yield to_numpy(batch)


def _array_batches(layer, array, batch_size, steps):
    if array.ndim == 0:
        raise ValueError(
            f"{layer}.adapt: data must have at least one dimension; received a scalar."
        )
    if batch_size is None:
        yield array
        return
    for step, start in enumerate(range(0, len(array), batch_size)):
        if steps is not None and step >= steps:
            break
        yield array[start : start + batch_size]
