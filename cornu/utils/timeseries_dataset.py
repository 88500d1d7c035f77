"""`timeseries_dataset_from_array`: sliding windows over a time series, as a `tf.data.Dataset`.

Like Keras's, it needs TensorFlow installed (imported on first call, whatever the backend):
`fit` accepts the dataset on every backend.
"""

import numpy as np


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
    format="tf",
):
    """Creates a dataset of windows `data[i], data[i + r], ..., data[i + (length - 1) * r]`.

    Args:
        data: array-like whose axis 0 is time.
        targets: `targets[i]` is the target of the window that starts at index `i`; None
            to yield the windows alone.
        sequence_length: the number of timesteps in a window.
        sequence_stride: the step between the starts of successive windows.
        sampling_rate: the step between timesteps inside a window.
        batch_size: windows per batch (None: unbatched windows).
        shuffle: shuffle the windows (with `seed`) instead of keeping time order.
        seed: the shuffling seed.
        start_index: the first timestep used (default 0).
        end_index: timesteps from here on are not used (default: the data's length).
        format: "tf" (the only format cornu provides).

    Returns:
        A `tf.data.Dataset` of windows, or of `(windows, targets)` pairs.

    Example:

    >>> ds = timeseries_dataset_from_array(np.arange(6), None, sequence_length=3)
    >>> next(iter(ds)).numpy().tolist()
    [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    """
    if format != "tf":
        raise ValueError(
            f'`format` should be "tf" (cornu provides tf.data datasets). Received: format={format}'
        )
    length = len(data)
    start_index, end_index = _checked_range(
        length, start_index, end_index, sequence_stride, sampling_rate
    )
    starts = _window_starts(
        start_index, end_index, sequence_length, sequence_stride, sampling_rate, targets
    )
    if shuffle:
        np.random.default_rng(seed).shuffle(starts)
    return _dataset(data, targets, starts, sequence_length, sampling_rate, batch_size)


def _checked_range(length, start_index, end_index, sequence_stride, sampling_rate):
    if sampling_rate <= 0:
        raise ValueError(
            f"`sampling_rate` must be higher than 0. Received: sampling_rate={sampling_rate}"
        )
    if sequence_stride <= 0:
        raise ValueError(
            f"`sequence_stride` must be higher than 0. Received: sequence_stride={sequence_stride}"
        )
    start_index = 0 if start_index is None else start_index
    if start_index < 0:
        raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
    if start_index >= length:
        raise ValueError(
            "`start_index` must be lower than the length of the data. Received: "
            f"start_index={start_index}, for data of length {length}"
        )
    end_index = length if end_index is None else end_index
    if end_index <= start_index:
        raise ValueError(
            "`end_index` must be higher than `start_index`. Received: "
            f"start_index={start_index}, and end_index={end_index}"
        )
    if end_index > length:
        raise ValueError(
            "`end_index` must be lower than the length of the data. Received: "
            f"end_index={end_index}, for data of length {length}"
        )
    return start_index, end_index


def _window_starts(
    start_index, end_index, sequence_length, sequence_stride, sampling_rate, targets
):
    # A window starting at i needs i + (sequence_length - 1) * sampling_rate < end_index.
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets) - start_index)
    if count <= 0:
        return np.zeros((0,), "int64")
    return np.arange(start_index, start_index + count, sequence_stride, dtype="int64")


def _dataset(data, targets, starts, sequence_length, sampling_rate, batch_size):
    import tensorflow as tf

    data = tf.convert_to_tensor(data)
    offsets = tf.range(sequence_length, dtype="int64") * sampling_rate
    windows = tf.data.Dataset.from_tensor_slices(starts).map(lambda i: tf.gather(data, i + offsets))
    if targets is not None:
        targets = tf.convert_to_tensor(targets)
        picked = tf.data.Dataset.from_tensor_slices(starts).map(lambda i: tf.gather(targets, i))
        windows = tf.data.Dataset.zip((windows, picked))
    if batch_size is not None:
        windows = windows.batch(batch_size)
    return windows.prefetch(tf.data.AUTOTUNE)
