"""TensorFlow backend core: tensors are `tf.Tensor`; a Variable is backed by a `tf.Variable`."""

import contextlib

import ml_dtypes
import numpy as np
import tensorflow as tf

from cornu import tree
from cornu.backend.common import abstract, distribution_state, dtypes
from cornu.backend.common.loops import python_scan
from cornu.backend.common.variables import VariableBase

IS_DIFFERENTIABLE = True
SUPPORTS_SPARSE = True
SEED_DTYPE = "int64"

_FRAMEWORK_DTYPES = {name: tf.as_dtype(name) for name in dtypes.DTYPES}


def to_framework_dtype(dtype):
    """cornu dtype name -> tf.DType."""
    return _FRAMEWORK_DTYPES[dtypes.standardize_dtype(dtype)]


_PROCESS_STATE_SCOPE = "global_seed_generator"  # (made lazily, in any layer's name scope)


class Variable(VariableBase):
    def _convert(self, value, dtype):
        return convert_to_tensor(value, dtype)

    def _to_storage(self, value):
        distributed = tf.distribute.has_strategy() or distribution_state.get() is not None
        # The global seed generator's state outlives any one strategy; mirrored, it would be
        # tied to the strategy in force when it was made (TensorFlow refuses to mix them).
        if distributed and _PROCESS_STATE_SCOPE not in self.path.split("/"):
            # Under a tf.distribute strategy (a cornu distribution's, or the user's own
            # `with strategy.scope():`) the variable is mirrored on the strategy's devices.
            from cornu.backend.tensorflow import distribution  # lazy: only when distributed

            return distribution.create_variable(value, self._trainable, self.name, self.aggregation)
        return tf.Variable(value, trainable=self._trainable, name=self.name)

    def _storage_value(self):
        return self._storage.value()

    def _direct_assign(self, value):
        self._storage.assign(value)

    def _add_in_place(self, value, sign):
        # Inside `strategy.run`, a mirrored variable adds every replica's increment (a metric
        # updated in `call`: its "sum" aggregation sums them) rather than assigning each
        # replica's own total.
        if not isinstance(self._storage, tf.distribute.DistributedValues):
            return False
        if not tf.distribute.has_strategy() or tf.distribute.in_cross_replica_context():
            return False
        value = self._convert(value, self._dtype)
        self._check_shape(value)
        self._storage.assign_add(value if sign > 0 else -value)
        return True

    def _symbolic_placeholder(self):
        return tf.zeros(self._shape, to_framework_dtype(self._dtype))

    def __tf_tensor__(self, dtype=None, name=None):
        return tf.convert_to_tensor(self.value, dtype=dtype, name=name)

    # tf.GradientTape treats objects with these as resource variables, so
    # `tape.gradient(loss, model.trainable_variables)` works on cornu Variables.
    _should_act_as_resource_variable = True

    @property
    def handle(self):
        storage = self._storage
        if isinstance(storage, tf.distribute.DistributedValues):
            try:
                return storage.handle
            except ValueError:
                # Outside strategy.run (a user's train_step on the whole batch) a mirrored
                # variable is read from its first (primary) copy: that copy's handle.
                return storage.distribute_strategy.experimental_local_results(storage)[0].handle
        return storage.handle


def _variable_to_tensor(value, dtype=None, name=None, as_ref=False):
    return tf.convert_to_tensor(value.value, dtype=dtype, name=name)


tf.register_tensor_conversion_function(Variable, _variable_to_tensor)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Any array-like (or Variable) -> tf.Tensor of `dtype` (Python data gets cornu's defaults)."""
    if isinstance(x, (tf.Tensor, tf.SparseTensor, tf.RaggedTensor)):
        if dtype is None:
            return x
        target = _FRAMEWORK_DTYPES.get(dtype) or to_framework_dtype(dtype)
        return x if x.dtype == target else tf.cast(x, target)
    if isinstance(x, Variable):
        x = x.value
        return x if dtype is None else convert_to_tensor(x, dtype)
    if isinstance(x, tf.Variable):
        return convert_to_tensor(x.value(), dtype)
    abstract.refuse_keras_tensor(x)
    if dtype is None:
        dtype = abstract.python_dtype(x)
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype == ml_dtypes.bfloat16:
        tensor = tf.cast(tf.convert_to_tensor(np.asarray(x, np.float32)), tf.bfloat16)
        return tensor if dtype is None else convert_to_tensor(tensor, dtype)
    if dtype is None:
        return tf.convert_to_tensor(x)
    target = to_framework_dtype(dtype)
    if isinstance(x, (np.ndarray, np.generic)):
        return tf.convert_to_tensor(np.asarray(x).astype(target.as_numpy_dtype))
    try:
        return tf.convert_to_tensor(x, dtype=target)
    except (TypeError, ValueError):
        return tf.cast(tf.convert_to_tensor(x), target)


def convert_to_numpy(x):
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return np.asarray(x.numpy())  # (a scalar's .numpy() is a np.float32, not an array)
    return np.asarray(x)


def is_tensor(x):
    if isinstance(x, (np.ndarray, np.generic)):
        return False  # (tf.is_tensor's protocol check is slow on the per-batch path)
    return tf.is_tensor(x)


def shape(x):
    """Static dimensions as ints; unknown ones as scalar tensors (inside tf.function)."""
    static = x.shape.as_list()
    if None not in static:
        return tuple(static)
    dynamic = tf.shape(x)
    return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))


def cast(x, dtype):
    return convert_to_tensor(x, dtype)


def cond(pred, true_fn, false_fn):
    return tf.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)

    def step(*values):
        result = body(*values)
        return tuple(result) if isinstance(result, (list, tuple)) else (result,)

    result = tf.while_loop(cond, step, state, maximum_iterations=maximum_iterations)
    return tuple(result) if is_tuple else result[0]


def fori_loop(lower, upper, body_fun, init_val):
    # Bounds may be Python ints or (graph) tensors: run the counter in the upper bound's dtype.
    upper = tf.convert_to_tensor(upper)
    lower = tf.cast(tf.convert_to_tensor(lower), upper.dtype)
    _, result = tf.while_loop(
        lambda i, _: i < upper,
        lambda i, value: (i + 1, body_fun(i, value)),
        (lower, init_val),
    )
    return result


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """`f(carry, x) -> (carry, y)` over the leading axis, as a tf.while_loop with TensorArrays."""
    flat_xs = [convert_to_tensor(x) for x in tree.flatten(xs)] if xs is not None else []
    if length is None:
        if not flat_xs:
            raise ValueError("scan needs `xs` or `length`; both were None.")
        length = flat_xs[0].shape[0]
        if length is None:
            length = tf.shape(flat_xs[0])[0]
    if isinstance(length, int) and length <= _UNROLLED_SCAN_MAX:
        xs = None if xs is None else tree.pack_sequence_as(xs, flat_xs)
        return python_scan(f, init, xs, length, reverse, _stack)
    inputs = [
        tf.TensorArray(x.dtype, size=length, clear_after_read=False).unstack(x) for x in flat_xs
    ]
    flat_init = tree.flatten(init)

    # Find the output structure by tracing one step on the first element.
    def element(i):
        return None if xs is None else tree.pack_sequence_as(xs, [a.read(i) for a in inputs])

    first = tf.constant(length - 1 if reverse and isinstance(length, int) else 0)
    _, y_example = f(init, element(first))
    flat_y = (
        [convert_to_tensor(y) for y in tree.flatten(y_example)] if y_example is not None else []
    )
    outputs = [tf.TensorArray(y.dtype, size=length) for y in flat_y]

    def body(i, carry, outs):
        index = length - 1 - i if reverse else i
        new_carry, y = f(tree.pack_sequence_as(init, list(carry)), element(index))
        new_outs = [
            o.write(index, v) for o, v in zip(outs, tree.flatten(y) if y is not None else [])
        ]
        flat_carry = [convert_to_tensor(c) for c in tree.flatten(new_carry)]
        return i + 1, flat_carry, new_outs

    _, carry, outs = tf.while_loop(
        lambda i, *_: i < length,
        body,
        (tf.constant(0), [convert_to_tensor(c) for c in flat_init], outputs),
    )
    final = tree.pack_sequence_as(init, list(carry))
    if y_example is None:
        return final, None
    return final, tree.pack_sequence_as(y_example, [o.stack() for o in outs])


# Short loops of known length run as straight-line graph code: on CPU a tf.while_loop step
# costs more than the small matmuls of a typical recurrent step (an LSTM(64) over 50 steps
# trains ~1.6x faster unrolled).
_UNROLLED_SCAN_MAX = 64


def _stack(values):
    return tf.stack([convert_to_tensor(v) for v in values])


def stop_gradient(x):
    return tf.stop_gradient(convert_to_tensor(x))


def vectorized_map(function, elements):
    return tf.vectorized_map(function, elements)


def device_scope(device_name):
    name = str(device_name).upper()
    kind = name.partition(":")[0]
    if kind not in ("CPU", "GPU", "TPU"):
        raise ValueError(f"Unknown device {device_name!r}; expected e.g. 'cpu:0' or 'gpu:0'.")
    if kind != "CPU" and not tf.config.list_logical_devices(kind):
        raise ValueError(f"Device {device_name!r} was asked for but none is available.")
    return tf.device(name)


def compute_output_spec(fn, *args, **kwargs):
    """Traces `fn` with tf.function; TensorFlow keeps `None` dimensions symbolic itself."""

    def make_abstract(shape, dtype):
        return tf.TensorSpec(shape, to_framework_dtype(dtype))

    def evaluate(fn, a_args, a_kwargs):
        specs = [x for x in tree.flatten((a_args, a_kwargs)) if isinstance(x, tf.TensorSpec)]

        def traced(*tensors):
            it = iter(tensors)
            structure = tree.map_structure(
                lambda x: next(it) if isinstance(x, tf.TensorSpec) else x, (a_args, a_kwargs)
            )
            return fn(*structure[0], **structure[1])

        concrete = tf.function(traced, autograph=False).get_concrete_function(*specs)
        return tree.map_structure(
            lambda t: tf.TensorSpec(t.shape, t.dtype) if isinstance(t, tf.Tensor) else t,
            concrete.structured_outputs,
        )

    return abstract.compute_output_spec(
        fn, args, kwargs, make_abstract, evaluate, needs_two_runs=False
    )


def no_grad():
    """A context in which updates are not recorded for gradients (nothing to do here)."""
    return contextlib.nullcontext()
