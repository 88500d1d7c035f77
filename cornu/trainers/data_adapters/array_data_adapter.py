"""Batches from in-memory arrays: NumPy arrays, lists, Pandas DataFrames/Series, backend
tensors, and nested lists/tuples/dicts of them."""

import math

import numpy as np

from cornu import backend, config, tree


def is_array_like(x):
    if isinstance(x, (np.ndarray, list)):
        return True
    module = type(x).__module__
    if module.startswith("pandas"):
        return True
    return backend.is_tensor(x)


def to_numpy(x):
    """One leaf as a NumPy array (Pandas via .to_numpy(), tensors via the backend)."""
    if isinstance(x, np.ndarray):
        return x
    if type(x).__module__.startswith("pandas"):
        return x.to_numpy()
    if backend.is_tensor(x):
        return np.asarray(backend.convert_to_numpy(x))
    return np.asarray(x)


def _leaves(structure):
    return [] if structure is None else tree.flatten(structure)


class ArrayDataAdapter:
    """Yields `(x, y, sample_weight)` batches of NumPy arrays, shuffled per epoch if asked.

    Args:
        x, y, sample_weight: array-like leaves in any nesting (y and sample_weight optional).
        batch_size: samples per batch (32 when None).
        shuffle: True (a new permutation each epoch), "batch" (shuffle within chunks), False.
        class_weight: `{class: weight}`, turned into per-sample weights from integer or
            one-hot `y`.
        steps: stop after this many batches per epoch.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 class_weight=None, steps=None):  # fmt: skip
        to_np = lambda s: None if s is None else tree.map_structure(_floatx_numpy, s)  # noqa: E731
        self.x, self.y, self.sample_weight = to_np(x), to_np(y), to_np(sample_weight)
        sizes = {}
        for name, part in (("x", self.x), ("y", self.y), ("sample_weight", self.sample_weight)):
            lengths = sorted({int(a.shape[0]) if a.ndim else 1 for a in _leaves(part)})
            if lengths:
                sizes[name] = lengths
        all_sizes = {n for lengths in sizes.values() for n in lengths}
        if len(all_sizes) > 1:
            detail = "; ".join(f"{k} sizes: {', '.join(map(str, v))}" for k, v in sizes.items())
            raise ValueError(
                f"Data cardinality is ambiguous: every array must have the same number of "
                f"samples (first dimension). Received {detail}."
            )
        if not all_sizes:
            raise ValueError("No data given: x is empty or None.")
        self.num_samples = all_sizes.pop()
        if class_weight is not None:
            if self.y is None:
                raise ValueError("class_weight needs targets `y`.")
            self.sample_weight = _class_weights_to_sample_weights(
                self.y, class_weight, self.sample_weight
            )
        if batch_size is None:
            batch_size = 32
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int; received {batch_size!r}.")
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._steps = steps

    @property
    def num_batches(self):
        full = math.ceil(self.num_samples / self.batch_size)
        return full if self._steps is None else min(full, self._steps)

    def epoch_batches(self, rng=None):
        """The batches of one epoch, as `(x, y, sample_weight)` tuples of NumPy structures.

        Without shuffling, batches are slices (views, no copy).
        """
        parts = (self.x, self.y, self.sample_weight)
        leaves = [leaf for part in parts if part is not None for leaf in tree.flatten(part)]
        counts = [0 if part is None else len(tree.flatten(part)) for part in parts]
        # Plain arrays (the common case) need no structure rebuilt per batch.
        plain = all(part is None or isinstance(part, np.ndarray) for part in parts)
        order = None
        if self.shuffle is True:
            order = (rng or np.random).permutation(self.num_samples)
        size = self.batch_size
        for step in range(self.num_batches):
            if order is not None:
                index = order[step * size : (step + 1) * size]
            elif self.shuffle == "batch":
                stop = min((step + 1) * size, self.num_samples)
                index = step * size + (rng or np.random).permutation(stop - step * size)
            else:
                index = slice(step * size, (step + 1) * size)
            batch = [leaf[index] for leaf in leaves]
            if plain:
                batch = iter(batch)
                yield tuple(None if part is None else next(batch) for part in parts)
            else:
                yield _pack(parts, counts, batch)


def _floatx_numpy(x):
    """A leaf as NumPy, with float arrays in floatx (as the model consumes them), once."""
    array = to_numpy(x)
    if array.dtype.kind == "f" and array.dtype != np.dtype(config.floatx()):
        array = array.astype(config.floatx())
    return array


def _pack(parts, counts, flat):
    """Rebuilds `(x, y, sample_weight)` from the flat batch leaves (`counts` leaves each)."""
    out, i = [], 0
    for part, n in zip(parts, counts):
        out.append(None if part is None else tree.pack_sequence_as(part, flat[i : i + n]))
        i += n
    return tuple(out)


def _class_weights_to_sample_weights(y, class_weight, sample_weight):
    flat = tree.flatten(y)
    if len(flat) != 1:
        raise ValueError("class_weight is only supported for models with a single output.")
    labels = flat[0]
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = np.argmax(labels, axis=-1)
    labels = labels.reshape(labels.shape[0], -1)[:, 0].astype("int64")
    missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
    if missing:
        raise ValueError(f"class_weight has no weight for classes {missing}.")
    weights = np.array([class_weight[int(c)] for c in labels], dtype="float32")
    if sample_weight is not None:
        weights = weights * tree.flatten(sample_weight)[0].reshape(-1)
    return weights


def train_validation_split(arrays, validation_split):
    """Splits each leaf of `arrays` into its first (1 - split) and last `split` fraction."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be in (0, 1); received {validation_split!r}.")
    leaves = [leaf for leaf in tree.flatten(arrays) if leaf is not None]
    if not leaves:
        raise ValueError("validation_split needs array data.")
    n = int(to_numpy(leaves[0]).shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no samples for one side of the split "
            f"of {n} samples."
        )
    first = tree.map_structure(lambda a: None if a is None else to_numpy(a)[:split_at], arrays)
    second = tree.map_structure(lambda a: None if a is None else to_numpy(a)[split_at:], arrays)
    return first, second
