"""`pad_sequences`: a list of variable-length sequences to one padded NumPy array."""

import numpy as np

_SIDES = ("pre", "post")


def pad_sequences(
    sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0
):
    """Pads (and truncates) sequences to a common length.

    Args:
        sequences: a list (or other sized iterable) of sequences; each is a list, tuple, array
            or tensor whose elements are scalars or equally shaped arrays.
        maxlen: the output length; by default the longest sequence's length.
        dtype: the output dtype (`object` or a string dtype for sequences of strings).
        padding: "pre" (pad at the start, the default) or "post".
        truncating: "pre" (drop values from the start of longer sequences) or "post".
        value: the padding value.

    Returns:
        A NumPy array of shape `(len(sequences), maxlen) + element_shape`.

    Example:

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post")
    array([[2, 3],
           [4, 0]], dtype=int32)
    """
    _check_side("Padding", padding)
    _check_side("Truncating", truncating)
    lengths, element_shape = _measure(sequences)
    if maxlen is None:
        if not lengths:
            raise ValueError(
                "pad_sequences: received no sequences and no `maxlen`, so the output length "
                "is unknown; pass maxlen= or at least one sequence."
            )
        maxlen = max(lengths)
    _check_value(value, dtype)
    padded = np.full((len(lengths), maxlen) + element_shape, value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        kept = _truncated(sequence, maxlen, truncating, dtype)
        if len(kept) == 0:
            continue
        if kept.shape[1:] != element_shape:
            raise ValueError(
                f"pad_sequences: the elements of sequence {row} have shape {kept.shape[1:]}, "
                f"but earlier sequences' elements have shape {element_shape}; all elements "
                "must have the same shape."
            )
        if padding == "post":
            padded[row, : len(kept)] = kept
        else:
            padded[row, maxlen - len(kept) :] = kept
    return padded


def _check_side(what, side):
    if side not in _SIDES:
        raise ValueError(f'{what} type "{side}" not understood; expected "pre" or "post".')


def _measure(sequences):
    """Each sequence's length, and the shape of the first non-empty sequence's elements."""
    if not hasattr(sequences, "__len__"):
        raise ValueError(
            "`sequences` must be iterable with a length (a list of sequences); received "
            f"{type(sequences).__name__}."
        )
    lengths, element_shape = [], None
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {sequence!r}"
            ) from None
        if element_shape is None and len(sequence):
            element_shape = np.asarray(sequence).shape[1:]
    return lengths, element_shape or ()


def _check_value(value, dtype):
    is_text = np.issubdtype(np.dtype(dtype), np.str_) if dtype is not object else True
    if isinstance(value, str) and not is_text:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )


def _truncated(sequence, maxlen, truncating, dtype):
    if maxlen == 0:
        return np.asarray([], dtype=dtype)
    kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
    return np.asarray(kept, dtype=dtype)
