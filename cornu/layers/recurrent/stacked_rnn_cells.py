"""`StackedRNNCells`: several cells run one after the other within each time step."""

from cornu.layers.layer import Layer
from cornu.layers.recurrent.rnn import _as_list, _takes_training
from cornu.saving import serialization_lib


class StackedRNNCells(Layer):
    """Wraps a list of cells into one cell: each step feeds cell k's output to cell k + 1.

    Its `state_size` is the concatenation of the cells' state sizes (cell 0's first) and its
    `output_size` the last cell's.

    Args:
        cells: a list of cells.

    Example:
        >>> RNN(StackedRNNCells([LSTMCell(4), GRUCell(3)]))(np.ones((2, 5, 6), "float32")).shape
        (2, 3)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(
                f"StackedRNNCells: cells must be a non-empty list of cells; received {cells!r}."
            )
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(
                    "StackedRNNCells: every cell needs a `call` method and a `state_size`; "
                    f"received {cell!r}."
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [s for cell in self.cells for s in _as_list(cell.state_size)]

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        return size if size is not None else _as_list(last.state_size)[0]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build((shape,))
            size = getattr(cell, "output_size", None)
            if size is None:
                size = _as_list(cell.state_size)[0]
            shape = (shape[0],) + (tuple(size) if isinstance(size, (list, tuple)) else (size,))
        self.built = True

    def _prepare_dropout(self, inputs, states, training):
        # Masks are drawn before the time loop; a later cell's input is shaped like the
        # previous cell's first state (its output, for the built-in cells).
        start, sample = 0, inputs
        for cell in self.cells:
            n = len(_as_list(cell.state_size))
            own = states[start : start + n]
            if hasattr(cell, "_prepare_dropout"):
                cell._prepare_dropout(sample, own, training)
            sample = own[0]
            start += n

    def _clear_dropout(self):
        for cell in self.cells:
            if hasattr(cell, "_clear_dropout"):
                cell._clear_dropout()

    def call(self, inputs, states, training=False):
        states = _as_list(states)
        new_states, start = [], 0
        for cell in self.cells:
            n = len(_as_list(cell.state_size))
            own = states[start : start + n]
            start += n
            if _takes_training(cell):
                inputs, out_states = cell.call(inputs, own, training=training)
            else:
                inputs, out_states = cell.call(inputs, own)
            new_states.extend(_as_list(out_states))
        return inputs, new_states

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            states.extend(_as_list(cell.get_initial_state(batch_size)))
        return states

    def get_config(self):
        cells = [serialization_lib.serialize_keras_object(c) for c in self.cells]
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["cells"] = [
            serialization_lib.deserialize_keras_object(c, custom_objects)
            if isinstance(c, dict)
            else c
            for c in config["cells"]
        ]
        return cls(**config)
