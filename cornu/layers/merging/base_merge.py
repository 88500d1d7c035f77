"""`Merge`: the base of the layers that combine a list of tensors."""

from cornu import ops
from cornu.layers.layer import Layer


def _is_list(x):
    return isinstance(x, (list, tuple))


class Merge(Layer):
    """Combines a list of tensors into one.

    Subclasses define `_merge(inputs)` for same-rank tensors. Inputs of lower rank get size-1
    axes inserted after the batch axis, then shapes broadcast NumPy-style (so `(batch, 1, d)`
    combines with `(batch, t, d)`).

    Masks: the output mask is the logical OR of the input masks (an input without a mask counts
    as fully valid); it is None when no input has a mask.
    """

    _min_inputs = 1
    _max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    # -- shapes --------------------------------------------------------------------------

    def _check_inputs(self, shapes):
        kind = type(self).__name__
        if not _is_list(shapes) or not all(_is_list(s) for s in shapes):
            raise ValueError(
                f"{kind} layer '{self.name}' must be called on a list of tensors; received "
                f"input shape(s) {shapes!r}."
            )
        n = len(shapes)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            wanted = (
                f"exactly {self._min_inputs}"
                if self._min_inputs == self._max_inputs
                else f"at least {self._min_inputs}"
            )
            raise ValueError(
                f"{kind} layer '{self.name}' must be called on a list of {wanted} inputs; "
                f"received {n} inputs."
            )

    def _broadcast_shape(self, shapes):
        self._check_inputs(shapes)
        shapes = [tuple(s) for s in shapes]
        batches = {s[0] for s in shapes if len(s) and s[0] is not None}
        if len(batches) > 1:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the inputs have different batch "
                f"sizes; received input shapes {shapes}."
            )
        batch = batches.pop() if batches else None
        rank = max(len(s) for s in shapes)
        rest = [(1,) * (rank - len(s)) + tuple(s[1:]) for s in shapes]
        out = []
        for dims in zip(*rest):
            known = {d for d in dims if d is not None and d != 1}
            if len(known) > 1:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': the inputs' shapes are not "
                    f"compatible; received input shapes {shapes}."
                )
            if known:
                out.append(known.pop())
            elif any(d is None for d in dims):
                out.append(None)
            else:
                out.append(1)
        return (batch,) + tuple(out)

    def build(self, input_shape):
        self._broadcast_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return self._broadcast_shape(input_shape)

    # -- calling -------------------------------------------------------------------------

    def _masks(self, inputs, mask):
        """One mask (or None) per input, from `mask` or the inputs' `_keras_mask`."""
        if mask is None:
            masks = [getattr(x, "_keras_mask", None) for x in inputs]
        elif _is_list(mask):
            masks = list(mask)
        else:  # one mask given for the whole list: it applies to every input
            masks = [mask] * len(inputs)
        if len(masks) != len(inputs):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': received {len(masks)} masks for "
                f"{len(inputs)} inputs."
            )
        return masks

    def call(self, inputs, mask=None):
        self._check_inputs([tuple(x.shape) for x in inputs] if _is_list(inputs) else inputs)
        inputs = list(inputs)
        rank = max(len(x.shape) for x in inputs)
        masks = self._masks(inputs, mask)
        aligned = []
        for x in inputs:
            while len(x.shape) < rank:
                x = ops.expand_dims(x, 1)
            aligned.append(x)
        if all(m is None for m in masks):
            return self._merge(aligned)
        full = []
        for m in masks:
            if m is None:
                full.append(None)
                continue
            m = ops.cast(m, "bool")
            while len(m.shape) < rank:
                m = ops.expand_dims(m, -1)
            full.append(m)
        return self._merge_masked(aligned, full)

    def _merge_masked(self, inputs, masks):
        """Merges with masks (each None or a boolean tensor broadcastable to its input).

        The default ignores masks (values at masked positions take part as they are)."""
        return self._merge(inputs)

    def _merge(self, inputs):
        raise NotImplementedError

    def compute_mask(self, inputs, previous_mask=None):
        if not _is_list(inputs):
            return None
        masks = self._masks(inputs, previous_mask)
        if all(m is None for m in masks):
            return None
        present = [ops.cast(m, "bool") for m in masks if m is not None]
        if len(present) < len(masks):
            return ops.ones_like(present[0], dtype="bool")
        out = present[0]
        for m in present[1:]:
            out = ops.logical_or(out, m)
        return out


def merge_ignoring_masked(op, inputs, masks):
    """Applies the binary `op` over the inputs, leaving out masked entries.

    Where an input is masked, the running result is kept; where the running result has no
    valid entry yet, the input's value is taken. Positions masked in every input end with the
    last input's value (the output mask hides them)."""
    out, out_valid = inputs[0], masks[0]
    for x, m in zip(inputs[1:], masks[1:]):
        combined = op(out, x)
        if m is not None:
            combined = ops.where(m, combined, out)
        if out_valid is not None:
            combined = ops.where(out_valid, combined, x)
        out = combined
        if out_valid is not None and m is not None:
            out_valid = ops.logical_or(out_valid, m)
        else:
            out_valid = None
    return out
