"""`Layer`: an Operation that owns state (weights made in `build`, sub-layers, losses).

The eager call path is kept short because it runs every step:

    __call__ -> (symbolic? -> _symbolic_call) -> _maybe_build -> input checks/casts -> call

On torch, `Layer` is also a `torch.nn.Module` (see `cornu/backend/torch/layer.py`).
"""

import inspect
import math
import threading

import numpy as np

from cornu import backend, tree
from cornu.backend.common import dtypes, scopes
from cornu.dtype_policies import policy as policies
from cornu.graph.keras_tensor import KerasTensor, any_symbolic_tensors
from cornu.graph.node import Node
from cornu.graph.operation import Operation, auto_name, to_snake_case
from cornu.layers.input_spec import assert_input_compatibility
from cornu.layers.tracking import TrackedDict, TrackedList
from cornu.random.seed_generator import SeedGenerator

_context = threading.local()  # `training` set by the outermost call, inherited by inner ones


def _call_signature_flags(cls):
    """(call takes `training`, call takes `mask`), computed once per class."""
    flags = cls.__dict__.get("_cornu_call_flags")
    if flags is None:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
        flags = ("training" in params or var_kw, "mask" in params)
        cls._cornu_call_flags = flags
    return flags


class Layer(backend.LayerMixin, Operation):
    """The base class of every layer.

    Subclasses create weights in `build(input_shape)` with `add_weight`, and compute in
    `call(inputs, training=None, mask=None)`. Layers build themselves on their first call.

    Args:
        activity_regularizer: a function of the layer's output added to `losses`.
        trainable: whether the layer's weights are updated by training.
        dtype: a dtype policy or name ("float32", "mixed_float16", ...); None: the global one.
        autocast: cast float inputs to the compute dtype (and float variables when mixed).
        name: the layer's name; generated from the class name when None.

    Example:
        >>> class Scale(cornu.Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        ...     def call(self, x):
        ...         return x * self.w
        >>> Scale()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        self._mixin_init()
        self._tracking = False
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_dtype", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}."
            )
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        Operation.__init__(self, name=name or auto_name(to_snake_case(type(self).__name__)))
        self._batch_input_shape = batch_input_shape
        self._set_policy(policies.get(dtype))
        self.autocast = autocast
        self._trainable = trainable
        self.built = False
        self.supports_masking = False
        self.input_spec = None
        self._activity_regularizer = activity_regularizer
        self._variables = []
        self._layers = []
        self._losses = []
        self._regularized = []
        self._build_shapes = None
        self._call_flags = _call_signature_flags(type(self))
        self._computes_mask = type(self).compute_mask is not Layer.compute_mask
        self._tracking = True

    # -- attribute tracking --------------------------------------------------------------

    def __setattr__(self, name, value):
        if getattr(self, "_tracking", False) and not name.startswith("_"):
            value = self._track(value)
        super().__setattr__(name, value)

    def _track(self, value):
        if isinstance(value, SeedGenerator):
            self._track(value.state)  # its state is the layer's (non-trainable) variable
            return value
        if isinstance(value, backend.Variable):
            if all(v is not value for v in self._variables):
                self._variables.append(value)
                self._on_variable_tracked(value)
        elif isinstance(value, Layer):
            if value is not self and all(layer is not value for layer in self._layers):
                self._layers.append(value)
                self._on_layer_tracked(value)
        elif isinstance(value, list) and not isinstance(value, TrackedList):
            for item in value:
                self._track(item)
            return TrackedList(value, self._track)
        elif isinstance(value, dict) and not isinstance(value, TrackedDict):
            for item in value.values():
                self._track(item)
            return TrackedDict(value, self._track)
        elif isinstance(value, tuple) and not hasattr(value, "_fields"):
            for item in value:
                self._track(item)
        return value

    # -- weights -------------------------------------------------------------------------

    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ):
        """Creates a weight Variable owned by this layer.

        Args:
            shape: the weight's shape (default `()`).
            initializer: an initializer, its name, or None ("glorot_uniform" for floats,
                "zeros" otherwise).
            dtype: default: the layer's variable dtype.
            trainable: whether training updates it.
            autocast: whether mixed-precision calls read it in the compute dtype.
            regularizer: adds `regularizer(weight)` to `losses`.
            constraint: applied to the weight after each optimizer update.
            aggregation: how distributed replicas combine it.
            overwrite_with_gradient: the optimizer replaces it with its "gradient" (for
                float8 scaling factors).
            name: the weight's name.

        Returns:
            The Variable.
        """
        from cornu import constraints, initializers, regularizers

        dtype = dtypes.standardize_dtype(dtype or self._dtype_policy.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtypes.is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with scopes.name_scope(self.name, caller=self):
            variable = backend.Variable(
                initializer,
                shape=() if shape is None else shape,
                dtype=dtype,
                trainable=trainable and self._trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularized.append((variable, regularizer))
        self._track(variable)
        return variable

    def _all_layers(self):
        """This layer and every nested sub-layer, each once, depth first."""
        seen, order, stack = set(), [], [self]
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            order.append(layer)
            stack.extend(reversed(layer._layers))
        return order

    @property
    def variables(self):
        """Every Variable of this layer and its sub-layers, in creation order."""
        result, seen = [], set()
        for layer in self._all_layers():
            for v in layer._variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    result.append(v)
        return result

    @property
    def trainable_variables(self):
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self):
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def weights(self):
        """Trainable weights, then non-trainable ones (seed states of random layers excluded)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self):
        return self.trainable_variables

    @property
    def non_trainable_weights(self):
        return [v for v in self.non_trainable_variables if not _is_seed_state(v)]

    def get_weights(self):
        """The weights' values as NumPy arrays, in `weights` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets the weights from NumPy arrays given in `weights` order."""
        targets = self.weights
        weights = list(weights)
        if len(weights) != len(targets):
            raise ValueError(
                f"Layer '{self.name}' has {len(targets)} weights but set_weights received "
                f"{len(weights)} arrays."
            )
        for variable, value in zip(targets, weights):
            value = np.asarray(value)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}': weight '{variable.path}' has shape "
                    f"{tuple(variable.shape)}, but the array given for it has shape "
                    f"{tuple(value.shape)}."
                )
            variable.assign(value)

    def count_params(self):
        """The number of scalars in the layer's weights (it must be built)."""
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so it has no weights to count. Call it "
                "on an input or call build(input_shape) first."
            )
        return int(sum(math.prod(v.shape) for v in self.weights))

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._all_layers():
            layer._trainable = value
            for v in layer._variables:
                if not _is_seed_state(v):
                    v.trainable = value

    # -- dtypes --------------------------------------------------------------------------

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._set_policy(policies.get(value))

    def _set_policy(self, policy):
        self._dtype_policy = policy
        self._mixed_precision = policy.compute_dtype != policy.variable_dtype
        self._compute_framework_dtype = backend.to_framework_dtype(policy.compute_dtype)

    @property
    def dtype(self):
        """The variable dtype."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    # -- losses --------------------------------------------------------------------------

    def add_loss(self, loss):
        """Adds a scalar loss (e.g. an activity penalty) to be minimized with the main loss."""
        scope = scopes.current_stateless_scope()
        if scope is not None and scope.collect_losses:
            scope.add_loss(loss)
        else:
            self._losses.append(loss)

    @property
    def losses(self):
        """Losses added during the last call, plus weight regularization penalties."""
        from cornu import ops

        result = []
        scope = scopes.current_stateless_scope()
        if scope is not None and scope.collect_losses:
            result.extend(scope.losses)
        for layer in self._all_layers():
            result.extend(layer._losses)
            for variable, regularizer in layer._regularized:
                result.append(ops.convert_to_tensor(regularizer(variable.value)))
        return result

    def _clear_losses(self):
        for layer in self._all_layers():
            layer._losses = []

    # -- building ------------------------------------------------------------------------

    def build(self, input_shape=None):
        """Creates the layer's weights; subclasses override it (the default creates none)."""
        self.built = True

    def _maybe_build(self, args):
        if self.built:
            return
        first = args[0] if args else None
        shapes = tree.map_structure(
            lambda x: tuple(x.shape) if hasattr(x, "shape") else x, first
        )
        n_params = len(
            [
                p
                for p in inspect.signature(self.build).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        )
        with scopes.name_scope(self.name, caller=self):
            if n_params > 1 and len(args) > 1:
                self.build(*(tree.map_structure(_shape_of, a) for a in args[:n_params]))
            else:
                self.build(shapes)
        self.built = True
        self._build_shapes = shapes

    def build_from_config(self, config):
        """Builds from a `get_build_config()` dict (used when loading saved models)."""
        if config and "input_shape" in config and not self.built:
            shape = config["input_shape"]
            with scopes.name_scope(self.name, caller=self):
                self.build(tree.map_shape_structure(tuple, shape) if shape is not None else None)
            self.built = True
            self._build_shapes = shape

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        return {"input_shape": self._build_shapes}

    # -- calling -------------------------------------------------------------------------

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement call(); subclasses must."
        )

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self._symbolic_call(args, kwargs)
        if args:
            first = args[0]
            if first.__class__ in _CONVERTIBLE:
                first = tree.map_structure(_to_tensor, first)
            if not self.built:
                self._maybe_build((first,) + args[1:])
            if self.input_spec is not None:
                assert_input_compatibility(self.input_spec, first, self.name)
            rest = args[1:]
            if self.autocast:
                first = self._cast_inputs(first)
                if rest:
                    rest = tuple(self._cast_inputs(a) for a in rest)
            args = (first,) + rest
        elif not self.built:
            self._maybe_build(args)
        takes_training, takes_mask = self._call_flags
        outer_training = getattr(_context, "training", None)
        training = kwargs.pop("training", None)
        if training is None:
            training = outer_training
        if takes_training and training is not None:
            kwargs["training"] = training
        mask = kwargs.get("mask") if takes_mask else kwargs.pop("mask", None)
        if mask is None and (takes_mask or self.supports_masking) and args:
            mask = getattr(args[0], "_keras_mask", None)
            if mask is not None and takes_mask:
                kwargs["mask"] = mask
        is_outermost = outer_training is None and training is not None
        if is_outermost:
            _context.training = training
        if self._losses:
            self._losses.clear()
        try:
            if self._mixed_precision:
                with scopes.AutocastScope(self._dtype_policy.compute_dtype):
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
        finally:
            if is_outermost:
                _context.training = None
        if self._activity_regularizer is not None:
            for out in tree.flatten(outputs):
                self.add_loss(self._activity_regularizer(out))
        if mask is not None or self._computes_mask:
            self._attach_mask(args, mask, outputs)
        return outputs

    def _cast_inputs(self, x):
        """Casts float inputs to the compute dtype (only when they differ)."""
        dtype = getattr(x, "dtype", None)
        if dtype is None:
            if isinstance(x, (list, tuple, dict)):
                return tree.map_structure(self._cast_inputs, x)
            return x
        if dtype == self._compute_framework_dtype or not dtypes.is_float_dtype(dtype):
            return x
        return backend.cast(x, self._dtype_policy.compute_dtype)

    def _attach_mask(self, args, mask, outputs):
        out_mask = self.compute_mask(args[0] if args else None, mask)
        if out_mask is None:
            return
        for out, m in zip(tree.flatten(outputs), tree.flatten(out_mask)):
            try:
                out._keras_mask = m
            except AttributeError:
                pass  # jax/numpy arrays take no attributes: models pass masks explicitly

    def compute_mask(self, inputs, previous_mask=None):
        """The output mask: by default the input mask if `supports_masking`, else None."""
        return previous_mask if self.supports_masking else None

    def _symbolic_call(self, args, kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k != "training" or self._call_flags[0]}
        if not self.built:
            self._maybe_build(args)
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        if args and (self.supports_masking or self._computes_mask):
            self._attach_symbolic_mask(args[0], kwargs.get("mask"), outputs)
        return outputs

    def _attach_symbolic_mask(self, inputs, mask, outputs):
        """Gives symbolic outputs the `_keras_mask` a real call would give them (a
        KerasTensor computed from the input's mask; not recorded in any graph)."""
        if mask is None:
            mask = tree.map_structure(lambda t: getattr(t, "_keras_mask", None), inputs)
            if all(m is None for m in tree.flatten(mask)):
                mask = None
        if mask is None and not self._computes_mask:
            return
        if self._computes_mask:
            out_mask = backend.compute_output_spec(self.compute_mask, inputs, mask)
        else:
            out_mask = mask
        if out_mask is None:
            return
        flat_outputs = tree.flatten(outputs)
        flat_masks = tree.flatten(out_mask)
        if len(flat_masks) == 1 and len(flat_outputs) > 1:
            flat_masks = flat_masks * len(flat_outputs)
        for out, m in zip(flat_outputs, flat_masks):
            if isinstance(out, KerasTensor) and m is not None:
                out._keras_mask = m

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensors: from `compute_output_shape` if overridden, else by abstract
        evaluation of `call`."""
        if type(self).compute_output_shape is not Layer.compute_output_shape and args:
            shapes = tree.map_structure(_shape_of, args[0])
            out_shape = self.compute_output_shape(shapes)
            dtype = self._dtype_policy.compute_dtype
            return tree.map_shape_structure(lambda s: KerasTensor(s, dtype=dtype), out_shape)
        if self._mixed_precision:
            with scopes.AutocastScope(self._dtype_policy.compute_dtype):
                return backend.compute_output_spec(self._call_cast, *args, **kwargs)
        return backend.compute_output_spec(self._call_cast, *args, **kwargs)

    def _call_cast(self, *args, **kwargs):
        if self.autocast and args:
            args = tuple(self._cast_inputs(a) for a in args)
        return self.call(*args, **kwargs)

    def compute_output_shape(self, *args, **kwargs):
        """The output shape for an input shape (by abstract evaluation unless overridden)."""
        specs = [
            tree.map_shape_structure(lambda s: KerasTensor(s, dtype=self.compute_dtype), a)
            for a in args
        ]
        out = backend.compute_output_spec(self._call_cast, *specs, **kwargs)
        return tree.map_structure(lambda t: t.shape, out)

    # -- the stateless API ---------------------------------------------------------------

    def stateless_call(
        self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs
    ):
        """Calls the layer as a pure function of the given variable values.

        Args:
            trainable_variables: values for `self.trainable_variables`, in order.
            non_trainable_variables: values for `self.non_trainable_variables`, in order.
            *args, **kwargs: the call's arguments.
            return_losses: also return the losses the call added.

        Returns:
            `(outputs, new_non_trainable_values)`, plus `losses` when `return_losses`.

        Example:
            >>> outputs, non_trainable = layer.stateless_call(tv, ntv, x)  # inside jax.jit
        """
        trainable, non_trainable = self.trainable_variables, self.non_trainable_variables
        for given, own, what in (
            (trainable_variables, trainable, "trainable_variables"),
            (non_trainable_variables, non_trainable, "non_trainable_variables"),
        ):
            if len(given) != len(own):
                raise ValueError(
                    f"Layer '{self.name}' has {len(own)} {what}, but stateless_call received "
                    f"{len(given)} values for them."
                )
        mapping = list(zip(trainable, trainable_variables)) + list(
            zip(non_trainable, non_trainable_variables)
        )
        with scopes.StatelessScope(mapping, collect_losses=return_losses) as scope:
            outputs = self(*args, **kwargs)
            if return_losses:
                for variable, regularizer in self._regularized_all():
                    scope.add_loss(regularizer(variable.value))
        new_values = [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else given
            for v, given in zip(non_trainable, non_trainable_variables)
        ]
        if return_losses:
            return outputs, new_values, scope.losses
        return outputs, new_values

    def _regularized_all(self):
        return [pair for layer in self._all_layers() for pair in layer._regularized]

    # -- config --------------------------------------------------------------------------

    def get_config(self):
        """The layer's constructor arguments (subclasses add theirs)."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": self._dtype_policy.get_config(),
                "registered_name": None,
            },
        }
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    __hash__ = object.__hash__


def _is_seed_state(variable):
    return variable.name == "seed_generator_state"


def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else x


def _to_tensor(x):
    return backend.convert_to_tensor(x) if isinstance(x, np.ndarray) else x


# First arguments converted to tensors on call: NumPy arrays (unless they are the backend's
# tensors) and nested lists/tuples/dicts that may hold them.
_CONVERTIBLE = frozenset(
    [list, tuple, dict] + ([] if backend.backend() == "numpy" else [np.ndarray])
)
