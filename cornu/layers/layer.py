"""`Layer`: an Operation that owns state (weights made in `build`, sub-layers, losses).

The eager call path is kept short because it runs every step:

    __call__ -> (symbolic? -> _symbolic_call) -> _maybe_build -> input checks/casts -> call

On torch, `Layer` is also a `torch.nn.Module` (see `cornu/backend/torch/layer.py`).
"""

import functools
import inspect
import math
import threading

import numpy as np

from cornu import backend, constraints, initializers, ops, regularizers, rematerialization, tree
from cornu.backend.common import dtypes, scopes
from cornu.dtype_policies import policy as policies
from cornu.graph.keras_tensor import KerasTensor, any_symbolic_tensors
from cornu.graph.node import Node
from cornu.graph.operation import Operation, auto_name, to_snake_case
from cornu.layers import call_record
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
        self._variables = []  # those declared trainable first, each group in creation order
        self._n_trainable_declared = 0  # how many of `_variables` follow `layer.trainable`
        self._layers = []
        self._losses = []
        self._regularized = []
        self._build_shapes = None
        self._call_flags = _call_signature_flags(type(self))
        self._computes_mask = type(self).compute_mask is not Layer.compute_mask
        self._sublayers_built = False  # until then, calls run in this layer's name scope
        self._tracking = True
        rematerialization.attach_to_layer(self)  # a RematScope active at creation

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not hasattr(build, "_cornu_scoped"):
            cls.build = _scoped_build(build)
        quantize = cls.__dict__.get("quantize")
        if quantize is not None and not hasattr(quantize, "_cornu_scoped"):
            cls.quantize = _scoped_quantize(quantize)

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
            self._track_variable(value, value.trainable)
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

    def _track_variable(self, variable, declared_trainable):
        """Adds a Variable to this layer's own; one declared trainable follows the layer's
        `trainable` flag and is listed before the non-trainable ones (Keras's order)."""
        if any(v is variable for v in self._variables):
            return
        if declared_trainable:
            self._variables.insert(self._n_trainable_declared, variable)
            self._n_trainable_declared += 1
        else:
            self._variables.append(variable)
        self._on_variable_tracked(variable)

    # -- weights -------------------------------------------------------------------------

    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        *,
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

        if isinstance(shape, str):  # Keras 2 put `name` first
            raise ValueError(
                f"add_weight takes `name` as a keyword argument; received add_weight({shape!r}, "
                f"...). Use add_weight(shape=..., name={shape!r})."
            )
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
        self._track_variable(variable, trainable)
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True,
                     regularizer=None, constraint=None, name=None):  # fmt: skip
        """`add_weight` with `shape` and `initializer` required (Keras's other spelling)."""
        return self.add_weight(
            shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
            autocast=autocast, regularizer=regularizer, constraint=constraint, name=name,
        )  # fmt: skip

    def save_own_variables(self, store):
        """Writes this layer's own weights (not its sub-layers') into `store` as "0", "1", ...

        Override it (calling super) to save more state; `load_own_variables` reads it back.
        """
        for i, variable in enumerate(self._own_weights()):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Assigns this layer's own weights from a `save_own_variables` store."""
        own = self._own_weights()
        if len(store) != len(own):
            raise ValueError(
                f"Layer '{self.name}' has {len(own)} variable(s) {[v.name for v in own]}, but "
                f"the store being loaded holds {len(store)} entries {sorted(store)}. Save and "
                "load with the same layer structure (override both methods for extra state)."
            )
        for i, variable in enumerate(own):
            variable.assign(np.asarray(store[str(i)]))

    def _own_weights(self):
        return [v for v in self._variables if not _is_seed_state(v)]

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
        """Every Variable of this layer, then of each sub-layer (depth first); a layer's own
        come as those created trainable, then the others, each in creation order."""
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
        """The variables in `variables` order, without the seed states of random layers."""
        return [v for v in self.variables if not _is_seed_state(v)]

    @property
    def trainable_weights(self):
        return [v for v in self.trainable_variables if not _is_seed_state(v)]

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
            for v in layer._variables[: layer._n_trainable_declared]:
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
        # Read on every call of the quantizable layers; a plain attribute keeps that cheap.
        self._quantization_mode = policy.quantization_mode
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

    def _maybe_build(self, args, kwargs=None):
        if self.built:
            return
        first = args[0] if args else None
        shapes = tree.map_structure(_shape_of, first)
        params = _positional_params(type(self).build)
        with scopes.name_scope(self.name, caller=self):
            if len(params) > 1:
                by_param = self._shapes_for_build(params, args, kwargs or {})
                self.build(**by_param)
                self._build_shapes_dict = {k: v for k, v in by_param.items() if v is not None}
            else:
                self.build(shapes)
        self.built = True
        self._build_shapes = shapes

    def _shapes_for_build(self, params, args, kwargs):
        """`{"<arg>_shape": shape of call argument <arg>}` for a `build` with several
        parameters (None for an argument the call did not get)."""
        call_params = _positional_params(type(self).call)
        values = dict(zip(call_params, args))
        values.update((k, v) for k, v in kwargs.items() if k in call_params)
        result = {}
        for param in params:
            arg = param[: -len("_shape")] if param.endswith("_shape") else None
            if arg not in call_params:
                raise ValueError(
                    f"Layer '{self.name}': a build() with several parameters must name each "
                    f"`<call argument>_shape`, e.g. build(self, {call_params[0]}_shape, ...) for "
                    f"call(self, {', '.join(call_params)}); received build parameter {param!r}."
                )
            value = values.get(arg)
            result[param] = None if value is None else tree.map_structure(_shape_of, value)
        return result

    def build_from_config(self, config):
        """Builds from a `get_build_config()` dict (used when loading saved models)."""
        if not config or self.built:
            return
        if "shapes_dict" in config:
            shapes = {k: _as_shape(v) for k, v in config["shapes_dict"].items()}
            with scopes.name_scope(self.name, caller=self):
                self.build(**shapes)
            self.built = True
            self._build_shapes_dict = shapes
            self._build_shapes = next(iter(shapes.values()), None)
        elif "input_shape" in config:
            shape = config["input_shape"]
            with scopes.name_scope(self.name, caller=self):
                self.build(_as_shape(shape))
            self.built = True
            self._build_shapes = shape

    def get_build_config(self):
        """`{"input_shape": ...}`, or `{"shapes_dict": {...}}` when build took several shapes."""
        shapes_dict = self.__dict__.get("_build_shapes_dict")
        if shapes_dict and len(shapes_dict) > 1:
            return {"shapes_dict": dict(shapes_dict)}
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
            rest = args[1:]
            if rest:
                _check_positional(self, rest)
                rest = tuple(
                    tree.map_structure(_to_tensor, a) if a.__class__ in _CONVERTIBLE else a
                    for a in rest
                )
            if kwargs and _NDARRAY_CONVERTED:
                for key, value in kwargs.items():
                    if value.__class__ is np.ndarray:  # NumPy keyword inputs become tensors too
                        kwargs[key] = _to_tensor(value)
            if not self.built:
                self._maybe_build((first,) + rest, kwargs)
            if self.input_spec is not None:
                assert_input_compatibility(self.input_spec, first, self.name)
            if self.autocast:
                first = self._cast_inputs(first)
                if rest:
                    rest = tuple(self._cast_inputs(a) for a in rest)
            args = (first,) + rest
        elif not self.built:
            self._maybe_build(args, kwargs)
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
            if not self._sublayers_built and self._layers:
                outputs = self._first_calls(args, kwargs)
            elif self._mixed_precision:
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

    def _first_calls(self, args, kwargs):
        """Runs `call` in this layer's name scope while some sub-layer is unbuilt, so the
        weights those sub-layers create are named `outer/inner/kernel`."""
        with scopes.name_scope(self.name, caller=self):
            if self._mixed_precision:
                with scopes.AutocastScope(self._dtype_policy.compute_dtype):
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
        self._sublayers_built = all(layer.built for layer in self._layers)
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
        if len(args) > 1:
            _check_positional(self, args[1:])
        if not self.built:
            self._maybe_build(args, kwargs)
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        with scopes.name_scope(self.name, caller=self):
            outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, call_record.recorded_call_kwargs(self, args, kwargs), outputs)
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

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the layer's weights (Dense, EinsumDense and Embedding implement it)."""
        from cornu.layers.core import quantized_layer  # it imports Layer from here

        quantized_layer.check_quantize(self, mode, supported=None)

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


def _scoped_quantize(quantize):
    """Wraps a subclass's `quantize`: the weights it makes get the paths of the ones they
    replace (`model/dense/kernel_scale` inside a model, not `dense/kernel_scale`)."""

    @functools.wraps(quantize)
    def scoped(self, *args, **kwargs):
        own = self._variables[0].path.rsplit("/", 1)[0] if self._variables else ""
        parent = own[: -len(self.name) - 1] if own.endswith("/" + self.name) else None
        if not parent:  # built at the top level (or under a path cornu did not make)
            return quantize(self, *args, **kwargs)
        with scopes.name_scope(self.name, caller=self, override_parent=parent):
            return quantize(self, *args, **kwargs)

    scoped._cornu_scoped = True
    return scoped


def _scoped_build(build):
    """Wraps a subclass's `build`: it runs in the layer's name scope (so weights made there,
    and by sub-layers it builds, get `layer/...` paths) and marks the layer built, also when
    users call `build` themselves."""

    @functools.wraps(build)
    def scoped(self, *args, **kwargs):
        with scopes.name_scope(self.name, caller=self):
            result = build(self, *args, **kwargs)
        self.built = True
        return result

    scoped._cornu_scoped = True
    return scoped


def _is_seed_state(variable):
    return variable.name == "seed_generator_state"


def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else x


def _check_positional(layer, rest):
    """Refuses Python scalars and strings after the first positional argument: only tensors
    (or structures of them, or None) may be positional, as Keras requires."""
    for value in rest:
        if isinstance(value, (bool, int, float, str)):
            raise ValueError(
                f"Layer '{layer.name}' received {value!r} ({type(value).__name__}) as a "
                "positional argument; only input tensors may be passed positionally. Pass it "
                "as a keyword argument instead, e.g. layer(x, some_option=...)."
            )


def _as_shape(shape):
    """A shape read back from a config (lists from JSON) as tuples."""
    return tree.map_shape_structure(tuple, shape) if shape is not None else None


def _positional_params(fn):
    """The names of `fn`'s positional parameters after `self` (cached on the function)."""
    names = getattr(fn, "_cornu_positional", None)
    if names is None:
        names = [
            p.name
            for p in list(inspect.signature(fn).parameters.values())[1:]
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        try:
            fn._cornu_positional = names
        except AttributeError:  # a builtin or bound method: no attribute to cache on
            pass
    return names


def _to_tensor(x):
    return backend.convert_to_tensor(x) if isinstance(x, np.ndarray) else x


_NDARRAY_CONVERTED = backend.backend() != "numpy"

# First arguments converted to tensors on call: NumPy arrays (unless they are the backend's
# tensors) and nested lists/tuples/dicts that may hold them.
_CONVERTIBLE = frozenset(
    [list, tuple, dict] + ([] if backend.backend() == "numpy" else [np.ndarray])
)
