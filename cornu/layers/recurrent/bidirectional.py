"""`Bidirectional`: runs an RNN forwards and a copy backwards and merges their outputs."""

from cornu import ops
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.layer import Layer
from cornu.layers.recurrent.rnn import _state_sizes
from cornu.saving import serialization_lib

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _clone(layer, **overrides):
    config = layer.get_config()
    config.update(overrides)
    return type(layer).from_config(config)


def _strip(name, prefix):
    return name[len(prefix) :] if name.startswith(prefix) else name


class Bidirectional(Wrapper):
    """A bidirectional wrapper of a recurrent layer.

    The forward copy reads the sequence in order; the backward copy (by default a copy of
    `layer` with `go_backwards` flipped) reads it from the end, and with `return_sequences`
    its outputs are reversed back so both align in time. Masked steps give zeros in returned
    sequences.

    Args:
        layer: an `RNN` instance (LSTM, GRU, ...).
        merge_mode: "concat" (default), "sum", "mul", "ave", or None (a list of both outputs).
        weights: initial weights (forward's then backward's), set once built.
        backward_layer: the layer to use for the backward direction (its `go_backwards` must
            be the opposite of `layer`'s; `return_sequences`/`return_state` must match).

    Example:
        >>> Bidirectional(LSTM(4))(np.ones((2, 5, 3), "float32")).shape
        (2, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer) or not hasattr(layer, "return_sequences"):
            raise ValueError(
                "Bidirectional: layer must be a recurrent Layer instance (an RNN); received "
                f"layer={layer!r}."
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional: merge_mode must be one of {list(_MERGE_MODES)}; received "
                f"merge_mode={merge_mode!r}."
            )
        if backward_layer is not None:
            if not isinstance(backward_layer, Layer):
                raise ValueError(
                    "Bidirectional: backward_layer must be a Layer instance; received "
                    f"backward_layer={backward_layer!r}."
                )
            for attr in ("return_sequences", "return_state"):
                if getattr(backward_layer, attr) != getattr(layer, attr):
                    raise ValueError(
                        f"Bidirectional: backward_layer.{attr} must equal layer.{attr}; received "
                        f"{getattr(backward_layer, attr)} and {getattr(layer, attr)}."
                    )
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError(
                    "Bidirectional: backward_layer.go_backwards must be the opposite of "
                    f"layer.go_backwards; both are {layer.go_backwards}."
                )
        base = _strip(_strip(layer.name, "forward_"), "backward_")
        forward_layer = _clone(layer, name="forward_" + base)
        if backward_layer is None:
            backward_layer = _clone(
                layer, name="backward_" + base, go_backwards=not layer.go_backwards
            )
        # `self.layer` (the Wrapper's) is the forward copy; `layer` itself is only a template.
        super().__init__(forward_layer, **kwargs)
        given_dtype = kwargs.get("dtype") is not None
        self.forward_layer = forward_layer
        self.backward_layer = backward_layer
        for sub in (self.forward_layer, self.backward_layer):
            sub.zero_output_for_mask = sub.return_sequences
            if given_dtype:  # the wrapper's dtype policy applies to both directions
                for inner in sub._all_layers():
                    inner.dtype_policy = self.dtype_policy
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = getattr(layer, "stateful", False)
        self._initial_weights = weights
        self.supports_masking = True

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build((sequences_shape,))
        if self._initial_weights is not None:
            self.built = True
            self.set_weights(self._initial_weights)
            self._initial_weights = None
        self.built = True

    @property
    def _n_states(self):
        return len(_state_sizes(self.forward_layer.cell))

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return (y, y_rev)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        fw_kwargs, bw_kwargs = {"mask": mask}, {"mask": mask}
        if training is not None:
            fw_kwargs["training"] = bw_kwargs["training"] = training
        if initial_state is not None:
            states = list(initial_state)
            half = len(states) // 2
            if len(states) % 2:
                raise ValueError(
                    f"Bidirectional layer '{self.name}': initial_state must hold the forward "
                    f"states then the backward ones (an even number); received {len(states)}."
                )
            fw_kwargs["initial_state"] = states[:half]
            bw_kwargs["initial_state"] = states[half:]
        y = self.forward_layer(sequences, **fw_kwargs)
        y_rev = self.backward_layer(sequences, **bw_kwargs)
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        output = self._merge(y, y_rev)
        if self.return_state:
            if self.merge_mode is None:
                return output + tuple(states)
            return (output,) + tuple(states)
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        fw = self.forward_layer.compute_output_shape(sequences_shape)
        bw = self.backward_layer.compute_output_shape(sequences_shape)
        states = []
        if self.return_state:
            states = list(fw[1:]) + list(bw[1:])
            fw, bw = fw[0], bw[0]
        fw, bw = tuple(fw), tuple(bw)
        if self.merge_mode == "concat":
            out = fw[:-1] + ((fw[-1] + bw[-1]) if fw[-1] is not None else None,)
            outs = [out]
        elif self.merge_mode is None:
            outs = [fw, bw]
        else:
            outs = [fw]
        if self.return_state:
            return tuple(outs + states)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            return tuple(outs + [None] * (2 * self._n_states))
        return outs[0] if len(outs) == 1 else tuple(outs)

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def get_config(self):
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialization_lib.serialize_keras_object(self.forward_layer),
            "backward_layer": serialization_lib.serialize_keras_object(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = serialization_lib.deserialize_keras_object(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if isinstance(backward, dict):
            backward = serialization_lib.deserialize_keras_object(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)
