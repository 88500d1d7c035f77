"""`RNN`: runs a cell over the time axis of a `(batch, time, features)` input."""

from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.saving import serialization_lib


def _as_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _state_sizes(cell):
    return _as_list(cell.state_size)


def _size_shape(size):
    return tuple(size) if isinstance(size, (list, tuple)) else (size,)


class DropoutRNNCellMixin:
    """Dropout masks drawn once per sequence (the same mask at every time step).

    A cell using it sets `dropout`, `recurrent_dropout` and `seed_generator`; `RNN` calls
    `_prepare_dropout(first_step_input, first_states, training)` before its loop, and the cell's
    `call` reads the masks with `_dropout_masks(inputs, states, training)`.
    """

    _cached_masks = None

    def _draw_mask(self, like, rate):
        return random.dropout(ops.ones_like(like), rate, seed=self.seed_generator)

    def _prepare_dropout(self, inputs, states, training):
        self._cached_masks = None
        if not training:
            return
        dp = self._draw_mask(inputs, self.dropout) if 0 < self.dropout < 1 else None
        rec = (
            self._draw_mask(states[0], self.recurrent_dropout)
            if 0 < self.recurrent_dropout < 1
            else None
        )
        self._cached_masks = (dp, rec)

    def _clear_dropout(self):
        self._cached_masks = None

    def _dropout_masks(self, inputs, states, training):
        if not training:
            return None, None
        if self._cached_masks is not None:
            return self._cached_masks
        dp = self._draw_mask(inputs, self.dropout) if 0 < self.dropout < 1 else None
        rec = (
            self._draw_mask(states[0], self.recurrent_dropout)
            if 0 < self.recurrent_dropout < 1
            else None
        )
        return dp, rec


def _check_rate(layer_name, name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"{layer_name}: {name} must be a number in [0, 1]; received {value!r}.")
    return float(value)


def _check_units(layer_name, units):
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        raise ValueError(f"{layer_name}: units must be a positive int; received units={units!r}.")
    return units


class RNN(Layer):
    """Applies a recurrent cell to every time step of a sequence.

    The cell is any layer with a `state_size` (an int, or a list of ints for several states),
    optionally an `output_size`, and `call(inputs, states, training=None)` returning
    `(output, new_states)`. A list of cells is stacked with `StackedRNNCells`.

    Args:
        cell: the cell (or a list of cells).
        return_sequences: return every step's output `(batch, time, units)`, not just the last.
        return_state: also return the final states (`[output] + states`).
        go_backwards: process the sequence from the end; with `return_sequences`, the outputs
            come in processing (reversed) order.
        stateful: keep the final states of a batch as the initial states of the next
            (needs a fixed batch size).
        unroll: run the time loop as a Python loop (a static time length is needed).
        zero_output_for_mask: masked steps output zeros instead of repeating the previous output.

    Masked time steps (from `mask=` or the input's mask) keep the previous states and output.

    Example:
        >>> RNN(SimpleRNNCell(4))(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            # stacked_rnn_cells imports this module: import it when a list of cells comes.
            from cornu.layers.recurrent.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(
                f"{type(self).__name__}: cell must have a `call` method and a `state_size` "
                f"attribute; received cell={cell!r}."
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None

    # -- shapes --------------------------------------------------------------------------

    @property
    def _output_size(self):
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = _state_sizes(self.cell)[0]
        return size

    def build(self, sequences_shape, initial_state_shape=None):
        if (
            isinstance(sequences_shape, list)
            and sequences_shape
            and isinstance(sequences_shape[0], (list, tuple))
        ):
            sequences_shape = sequences_shape[0]
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of shape "
                f"(batch, time, features); received input shape {sequences_shape}."
            )
        step_shape = (sequences_shape[0],) + sequences_shape[2:]
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build((step_shape,))
        if self.stateful:
            batch = sequences_shape[0]
            if batch is None:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}' is stateful, so it needs a "
                    "fixed batch size: give the Input a batch_size (or batch_shape); received "
                    f"input shape {sequences_shape}."
                )
            self.states = [
                self.add_weight(
                    shape=(batch,) + _size_shape(size),
                    initializer="zeros",
                    trainable=False,
                    name="rnn_state",
                )
                for size in _state_sizes(self.cell)
            ]
        self.built = True

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch, time = sequences_shape[0], sequences_shape[1]
        out = _size_shape(self._output_size)
        output_shape = (batch, time) + out if self.return_sequences else (batch,) + out
        if self.return_state:
            # A tuple, as Keras returns (output, *states).
            return (output_shape,) + tuple(
                (batch,) + _size_shape(s) for s in _state_sizes(self.cell)
            )
        return output_shape

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        out = mask if self.return_sequences else None
        if self.return_state:
            return (out,) + (None,) * len(_state_sizes(self.cell))
        return out

    # -- states --------------------------------------------------------------------------

    def _zero_like_column(self, sequences, size):
        # A (batch, 1) zero column broadcast to (batch, *size): works with a dynamic batch.
        column = ops.zeros_like(ops.reshape(sequences[:, 0], (-1, _numel_tail(sequences)))[:, :1])
        shape = _size_shape(size)
        col = ops.reshape(column, (-1,) + (1,) * len(shape))
        return col + ops.zeros(shape, dtype=sequences.dtype)

    def _zero_states(self, sequences):
        return [self._zero_like_column(sequences, s) for s in _state_sizes(self.cell)]

    def get_initial_state(self, batch_size):
        return [
            ops.zeros((batch_size,) + _size_shape(s), dtype=self.compute_dtype)
            for s in _state_sizes(self.cell)
        ]

    def reset_states(self):
        """Sets the states of a stateful RNN back to zeros."""
        if self.states is not None:
            for v in self.states:
                v.assign(ops.zeros(v.shape, dtype=v.dtype))

    reset_state = reset_states

    # -- calling -------------------------------------------------------------------------

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        n_states = len(_state_sizes(self.cell))
        if initial_state is not None:
            states = _as_list(initial_state)
            if len(states) != n_states:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': initial_state has "
                    f"{len(states)} tensors, but the cell has {n_states} states."
                )
            states = [ops.cast(ops.convert_to_tensor(s), sequences.dtype) for s in states]
        elif self.stateful and self.states is not None:
            states = [ops.cast(v.value, sequences.dtype) for v in self.states]
        else:
            states = self._zero_states(sequences)
        last_output, outputs, states = self._run(sequences, states, mask, training)
        if self.stateful and self.states is not None:
            for v, s in zip(self.states, states):
                v.assign(ops.cast(s, v.dtype))
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output,) + tuple(states)
        return output

    def _cell_step(self, x, states, training):
        if _takes_training(self.cell):
            out, new_states = self.cell.call(x, states, training=training)
        else:
            out, new_states = self.cell.call(x, states)
        return out, _as_list(new_states)

    def _step_plan(self, xs, states, training):
        """(per-step inputs, step function) from the time-major inputs `xs`.

        Built-in cells with wide enough inputs get their input projection `x @ kernel
        (+ bias)` done for every time step in one matmul here, so the loop only does the
        recurrent part. The projection is `kernel.shape[-1]` wide (4 * units for LSTM); when
        that is more than twice the input width, the loop reading the projection costs more
        than the per-step matmuls save (measured in training on jax and torch, LSTM(64) on 50
        steps: 15% slower with 32 or 64 features, 5-15% faster with 128 or 256), so those
        cells, and cells with their own `call`, get `xs` and step with `call`.
        """
        cell = self.cell
        if getattr(type(cell), "_split_call", None) is not type(cell).call:
            return xs, self._cell_step
        input_dim = xs.shape[-1]
        if input_dim is None or 2 * input_dim < cell.kernel.shape[-1]:
            return xs, self._cell_step
        dp, rec = cell._dropout_masks(xs[0], states, training)
        if dp is not None:
            xs = xs * dp  # one (batch, features) mask for every step
        projected = cell._project(xs)

        def step(x, step_states, training):
            return cell._recurrent_step(x, step_states, rec)

        return projected, step

    def _run(self, sequences, states, mask, training):
        rank = len(sequences.shape)
        xs = ops.transpose(sequences, (1, 0) + tuple(range(2, rank)))
        if mask is not None:
            mask = ops.transpose(ops.cast(ops.convert_to_tensor(mask), "bool"), (1, 0))
        if self.go_backwards:
            xs = ops.flip(xs, axis=0)
            if mask is not None:
                mask = ops.flip(mask, axis=0)
        cell = self.cell
        if hasattr(cell, "_prepare_dropout"):
            cell._prepare_dropout(xs[0], states, training)
        try:
            step_inputs, cell_step = self._step_plan(xs, states, training)
            return self._loop(sequences, step_inputs, cell_step, states, mask, training)
        finally:
            if hasattr(cell, "_clear_dropout"):
                cell._clear_dropout()

    def _loop(self, sequences, xs, cell_step, states, mask, training):
        """The time loop over time-major step inputs `xs` (and time-major `mask`)."""
        prev_output = self._zero_like_column(sequences, self._output_size)
        # Without return_sequences the loop emits nothing per step (the last output is in the
        # carry), so no (time, batch, units) buffer is written and differentiated.
        emit = self.return_sequences

        def step(carry, inputs):
            prev_out, prev_states = carry
            if mask is None:
                out, new_states = cell_step(inputs, list(prev_states), training)
                return (out, tuple(new_states)), (out if emit else None)
            x, m = inputs
            out, new_states = cell_step(x, list(prev_states), training)
            kept_states = tuple(
                ops.where(_expand(m, s), s, p) for s, p in zip(new_states, prev_states)
            )
            kept_out = ops.where(_expand(m, out), out, prev_out)
            emitted = (
                ops.where(_expand(m, out), out, ops.zeros_like(out))
                if self.zero_output_for_mask
                else kept_out
            )
            return (kept_out, kept_states), (emitted if emit else None)

        xs_in = xs if mask is None else (xs, mask)
        init = (prev_output, tuple(states))
        if self.unroll:
            time = xs.shape[0]
            if time is None:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': unroll=True needs a known "
                    "number of time steps."
                )
            carry, ys = init, []
            for t in range(time):
                step_in = xs[t] if mask is None else (xs[t], mask[t])
                carry, y = step(carry, step_in)
                ys.append(y)
            outputs = ops.stack(ys, axis=0) if emit else None
        else:
            carry, outputs = ops.scan(step, init, xs_in)
        last_output, final_states = carry
        if outputs is not None:
            out_rank = len(outputs.shape)
            outputs = ops.transpose(outputs, (1, 0) + tuple(range(2, out_rank)))
        return last_output, outputs, list(final_states)

    # -- config --------------------------------------------------------------------------

    def get_config(self):
        config = {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }
        if type(self) is RNN:
            config["cell"] = serialization_lib.serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "cell" in config and isinstance(config["cell"], dict):
            config["cell"] = serialization_lib.deserialize_keras_object(
                config["cell"], custom_objects
            )
        return cls(**config)


def _numel_tail(x):
    n = 1
    for d in x.shape[2:]:
        n *= d
    return n


def _expand(m, like):
    return ops.reshape(m, (-1,) + (1,) * (len(like.shape) - 1))


def _takes_training(cell):
    import inspect

    try:
        params = inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
    return "training" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
