"""Rematerialization (gradient checkpointing): `keras.remat` and `keras.RematScope`.

A rematerialized function keeps only its inputs for the backward pass and runs its forward
pass again when gradients are taken, trading compute for memory. The mechanism is the
framework's own (`cornu/backend/<name>/remat.py`: `jax.checkpoint`, `torch.utils.checkpoint`,
`tf.recompute_grad`); the NumPy backend has no gradients, so there it is a no-op.

Layers created inside a `RematScope` remember it and rematerialize their calls (all of them,
those with an `activation`, those with large outputs, or those named), as Keras's do.

Running a function twice is only right if both runs see the same state. Variables assigned
inside (a dropout layer's seed state, batch-norm statistics) are therefore assigned once, after
the checkpointed call, and a recomputation reads the values they had before the first run.
"""

import functools
import importlib
import math
import threading

import numpy as np

from cornu import backend, config, ops, tree
from cornu.backend.common import scopes
from cornu.graph.keras_tensor import KerasTensor

MODES = ("full", "activations", "larger_than", "list_of_layers", None)

_state = threading.local()


def _scope_stack():
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


class RematScope:
    """Layers created inside this scope rematerialize their calls (gradient checkpointing).

    The scope is read when a layer is created: its calls, eager or inside a training step,
    keep only their inputs for the backward pass and recompute the rest.

    Args:
        mode: `"full"` (every layer), `"activations"` (the `activation` of layers that have
            one, e.g. `Dense(..., activation="relu")`), `"larger_than"` (layers whose output
            has more than `output_size_threshold` elements), `"list_of_layers"` (the layers
            named in `layer_names`), or None (no rematerialization, e.g. to exempt layers
            inside an outer scope).
        output_size_threshold: the element count for `"larger_than"`. Defaults to 1024.
        layer_names: layer names for `"list_of_layers"`. Defaults to none.

    Example:
        >>> with cornu.RematScope(mode="list_of_layers", layer_names=["big"]):
        ...     big = cornu.layers.Dense(4096, activation="relu", name="big")
        >>> big(np.ones((2, 8), "float32")).shape
        (2, 4096)
    """

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in MODES:
            raise ValueError(
                f"RematScope: invalid mode {mode!r}. Supported modes are 'full', "
                "'activations', 'larger_than', 'list_of_layers', or None."
            )
        if isinstance(layer_names, str):
            raise TypeError(
                f"RematScope: layer_names must be a list of layer names; received the string "
                f"{layer_names!r}. Pass [{layer_names!r}]."
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self):
        _scope_stack().append(self)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()
        return False

    def __repr__(self):
        return (
            f"RematScope(mode={self.mode!r}, output_size_threshold="
            f"{self.output_size_threshold}, layer_names={self.layer_names})"
        )


def current_remat_scope():
    """The innermost active RematScope, or None."""
    stack = _scope_stack()
    return stack[-1] if stack else None


_checkpoints = {}


def _backend_checkpoint():
    """The backend's `checkpoint(fn, *tensors)`, or None where there are no gradients.

    Looked up when a function is wrapped, so that a traced step (tf.function's autograph)
    never runs the import.
    """
    name = config.backend()
    if name not in _checkpoints:
        module = None
        if backend.IS_DIFFERENTIABLE:
            module = importlib.import_module(f"cornu.backend.{name}.remat")
        _checkpoints[name] = module.checkpoint if module is not None else None
    return _checkpoints[name]


def _is_symbolic(leaves):
    return scopes.in_symbolic_scope() or any(isinstance(x, KerasTensor) for x in leaves)


class _StateReplay:
    """Runs a function so that its variable assigns leave as outputs, and so that a second
    run (the recomputation) reads the values the first run started from.

    The inner StatelessScope starts from the enclosing one's values (a training step's), so
    reads inside see what they would see outside.
    """

    def __init__(self):
        self.variables = None  # assigned by the first run, in order
        self.before = None  # their values before the first run

    def run(self, fn, args, kwargs, given=()):
        outer = scopes.current_stateless_scope()
        collect = outer is not None and outer.collect_losses
        inner = scopes.StatelessScope(collect_losses=collect, initialize_variables=False)
        seeded = dict(outer.state_mapping) if outer is not None else {}
        for variable, value in given:
            seeded[id(variable)] = (variable, value)
        if self.before is not None:
            for variable, value in zip(self.variables, self.before):
                seeded[id(variable)] = (variable, value)
        inner.state_mapping = dict(seeded)
        with inner:
            outputs = fn(*args, **kwargs)
        if self.variables is None:
            self.variables = [
                variable
                for key, (variable, value) in inner.state_mapping.items()
                if key not in seeded or seeded[key][1] is not value
            ]
            # Copies: a torch variable's value may be its storage, which `apply` overwrites.
            self.before = [ops.copy(variable.value) for variable in self.variables]
        updates = [inner.state_mapping[id(v)][1] for v in self.variables]
        return outputs, updates, list(inner.losses)

    def apply(self, updates, losses):
        for variable, value in zip(self.variables, updates):
            variable.assign(value)
        outer = scopes.current_stateless_scope()
        for loss in losses:
            outer.add_loss(loss)


def _split_tensors(structure):
    """(flat leaves, indices of the tensor leaves): tensors and Variables are the
    checkpoint's inputs; everything else (flags, Python numbers) is fixed."""
    leaves = tree.flatten(structure)
    positions = []
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, backend.Variable):
            leaves[i] = leaf.value
            positions.append(i)
        elif isinstance(leaf, np.ndarray) and leaf.dtype.kind in "fiub":
            leaves[i] = backend.convert_to_tensor(leaf)
            positions.append(i)
        elif backend.is_tensor(leaf):
            positions.append(i)
    return leaves, positions


def remat(f):
    """Wraps `f` so that its intermediate values are recomputed in the backward pass.

    Only `f`'s inputs are kept for the gradient; its forward pass runs again when gradients
    are taken (`jax.checkpoint`, `torch.utils.checkpoint`, `tf.recompute_grad`). Outputs and
    gradients are those of `f`. On the NumPy backend (no gradients) `f` runs as it is.

    Args:
        f: a callable on tensors (positional and keyword arguments; non-tensor arguments are
            passed through unchanged).

    Returns:
        A function with `f`'s signature and results.

    Example:
        >>> block = cornu.remat(lambda x: cornu.ops.tanh(x) * 2.0)
        >>> block(np.ones((2, 3), "float32")).shape
        (2, 3)
    """
    if not callable(f):
        raise TypeError(f"remat expects a callable; received {type(f).__name__}: {f!r}.")
    _backend_checkpoint()

    @functools.wraps(f)
    def rematerialized(*args, **kwargs):
        return _call_rematerialized(f, args, kwargs)

    return rematerialized


def _call_rematerialized(f, args, kwargs, variables=()):
    """`f(*args, **kwargs)` through the backend's checkpoint. The values of `variables` (a
    layer's trainable weights) enter as explicit inputs, so the recomputation reads no
    variable: nothing can reorder it against the optimizer's update in a graph."""
    checkpoint = _backend_checkpoint()
    leaves, positions = _split_tensors((args, kwargs))
    if checkpoint is None or not positions or _is_symbolic(leaves):
        return f(*args, **kwargs)
    state = _StateReplay()
    count = len(positions)

    def run(*tensors):
        filled = list(leaves)
        for i, tensor in zip(positions, tensors):
            filled[i] = tensor
        call_args, call_kwargs = tree.pack_sequence_as((args, kwargs), filled)
        return state.run(f, call_args, call_kwargs, zip(variables, tensors[count:]))

    values = [variable.value for variable in variables]
    outputs, updates, losses = checkpoint(run, *[leaves[i] for i in positions], *values)
    state.apply(updates, losses)
    return outputs


# -- layers created inside a RematScope -------------------------------------------------------


def attach_to_layer(layer):
    """Called by `Layer.__init__`: under an active RematScope (mode not None), the layer's
    `call` is replaced, on this instance, by one that rematerializes as the scope says."""
    scope = current_remat_scope()
    if scope is None or scope.mode is None:
        return
    if scope.mode == "list_of_layers" and layer.name not in scope.layer_names:
        return
    _backend_checkpoint()
    # (object.__setattr__: not an attribute to track; a torch Module keeps it as a plain one)
    object.__setattr__(layer, "call", _RematCall(layer, scope))


class _RematCall:
    """A layer's `call` that goes through `remat` when its scope's mode selects it."""

    def __init__(self, layer, scope):
        self.layer = layer
        self.call = type(layer).call.__get__(layer)
        self.mode = scope.mode
        self.threshold = scope.output_size_threshold
        self._sizes = {}  # input shapes -> output element count ("larger_than")

    def __call__(self, *args, **kwargs):
        layer = self.layer
        if layer._layers and not all(sub.built for sub in layer._layers):
            # Sub-layers still create their weights in this call: not inside a traced replay.
            return self.call(*args, **kwargs)
        if self.mode == "activations":
            return self._with_remat_activation(args, kwargs)
        if self.mode == "larger_than" and not self._is_large(args, kwargs):
            return self.call(*args, **kwargs)
        variables = self.layer.trainable_variables
        return _call_rematerialized(self.call, args, kwargs, variables)

    def _with_remat_activation(self, args, kwargs):
        layer = self.layer
        activation = layer.__dict__.get("activation")
        if not callable(activation):
            return self.call(*args, **kwargs)
        # Swapped in for this call only, so get_config still sees the user's activation.
        object.__setattr__(layer, "activation", remat(activation))
        try:
            return self.call(*args, **kwargs)
        finally:
            object.__setattr__(layer, "activation", activation)

    def _is_large(self, args, kwargs):
        leaves, positions = _split_tensors((args, kwargs))
        key = tuple(
            (tuple(leaves[i].shape), str(getattr(leaves[i], "dtype", ""))) for i in positions
        )
        size = self._sizes.get(key)
        if size is None:
            specs = tree.map_structure(
                lambda x: (
                    KerasTensor(tuple(x.shape), backend.standardize_dtype(x.dtype))
                    if backend.is_tensor(x)
                    else x
                ),
                (args, kwargs),
            )
            outputs = backend.compute_output_spec(self.call, *specs[0], **specs[1])
            size = sum(
                math.prod(d if d is not None else 1 for d in out.shape)
                for out in tree.flatten(outputs)
                if isinstance(out, KerasTensor)
            )
            self._sizes[key] = size
        return size > self.threshold
