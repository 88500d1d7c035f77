"""`JaxLayer` and `FlaxLayer`: pure JAX functions and Flax (linen) modules used as cornu layers.

Both run natively on the jax backend. On the tensorflow backend the JAX function is converted
with `jax.experimental.jax2tf` (gradients included), as Keras does; torch and numpy have no
bridge from JAX, so construction there raises an error that says which backends work.
"""

import inspect
import random as python_random

import numpy as np

from cornu import backend, tree
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.core import lambda_layer
from cornu.layers.layer import Layer
from cornu.random.seed_generator import SeedGenerator
from cornu.saving import serialization_lib

_CALL_ARGUMENTS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGUMENTS = ("rng", "inputs", "training")
_SUPPORTED_BACKENDS = ("jax", "tensorflow")


def _check_backend(layer_name):
    if backend.backend() not in _SUPPORTED_BACKENDS:
        raise ValueError(
            f"{layer_name} is only supported with the JAX or Tensorflow backend. Current "
            f"backend: {backend.backend()}. Set CORNU_BACKEND=jax (or tensorflow) before "
            "importing cornu."
        )


def _argument_names(fn, what, supported):
    """The parameter names of `fn`, each checked against `supported`."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`{what}` must be a Python function; received {fn!r}.") from error
    if "inputs" not in names:
        raise ValueError(
            f"Missing required argument in `{what}`: `inputs` (it receives {list(names)}); the "
            "model's inputs must come through one argument named `inputs`."
        )
    for name in names:
        if name not in supported:
            raise ValueError(
                f"Unsupported argument in `{what}`: `{name}`, supported arguments are "
                + ", ".join(f"`{s}`" for s in supported)
                + "."
            )
    return names


def _jax():
    import jax

    return jax


def _variable_name(path):
    name = _jax().tree_util.keystr(path, simple=True, separator="_")
    return name or "variable"


def _serialize_function(fn):
    """Keras's function config (by name) for named functions, source text for lambdas."""
    if fn is None or isinstance(fn, str):
        return fn
    if getattr(fn, "__name__", "") == "<lambda>":
        return lambda_layer.serialize_function(fn)
    return serialization_lib.serialize_keras_object(fn)


def _deserialize_function(config):
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        return lambda_layer.deserialize_function(config)
    return serialization_lib.deserialize_keras_object(config)


class JaxLayer(Layer):
    """Wraps a pure JAX model function (and its initializer) as a cornu layer.

    `call_fn` takes, by these names, `params` (trainable), `state` (non-trainable; then it
    returns `(outputs, new_state)`), `rng` (a raw `uint32[2]` key, given in training only,
    else None), `inputs` (required; an array or a pytree of arrays) and `training`; it may
    omit any but `inputs`. `init_fn(rng, inputs, training)` (again any subset; `training` is
    always True there) returns `params`, or `(params, state)` when `call_fn` takes `state`; it
    runs at build time on ones shaped like the inputs (None dimensions as 1). Alternatively
    pass `params` and `state` already made.

    Each leaf of `params` becomes a trainable weight, each leaf of `state` a non-trainable one
    (float leaves in the layer's variable dtype), in pytree order; `layer.params` and
    `layer.state` give them back in their pytree. In training, the new state `call_fn`
    returns is assigned to the state weights.

    Args:
        call_fn: the model function.
        init_fn: the initializer; needed unless `params`/`state` are given (or `call_fn` takes
            neither).
        params: a pytree of initial trainable values.
        state: a pytree of initial non-trainable values.
        seed: an int seed for the `rng` given to `call_fn` in training and to `init_fn`.
        native_serialization_platforms: on tensorflow, the platforms jax2tf serializes for
            (e.g. `("cpu", "cuda")`); None for the default.

    Example:
        >>> def init_fn(rng, inputs):
        ...     return {"w": jax.random.normal(rng, (inputs.shape[-1], 2))}
        >>> def call_fn(params, inputs):
        ...     return inputs @ params["w"]
        >>> JaxLayer(call_fn, init_fn)(np.ones((3, 4), "float32")).shape
        (3, 2)
    """

    def __init__(
        self,
        call_fn,
        init_fn=None,
        params=None,
        state=None,
        seed=None,
        native_serialization_platforms=None,
        **kwargs,
    ):
        _check_backend(type(self).__name__)
        super().__init__(**kwargs)
        self._call_arguments = _argument_names(call_fn, "call_fn", _CALL_ARGUMENTS)
        self._init_arguments = (
            None if init_fn is None else _argument_names(init_fn, "init_fn", _INIT_ARGUMENTS)
        )
        takes_weights = "params" in self._call_arguments or "state" in self._call_arguments
        if init_fn is None and params is None and state is None and takes_weights:
            raise ValueError(
                "`init_fn`, `params` and `state` cannot all be `None` when `call_fn` takes a "
                "`params` or a `state` argument."
            )
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.seed = seed
        self.native_serialization_platforms = native_serialization_platforms
        self._given = (params, state)
        self._params_tree = self._state_tree = None  # (treedef, [Variable, ...]) once built
        self._converted = {}  # tensorflow: jax2tf functions by (training, rng, shapes)
        if "rng" in self._call_arguments:
            self.seed_generator = SeedGenerator(seed)

    # -- weights -------------------------------------------------------------------------

    def build(self, input_shape):
        params, state = self._given
        if params is None and state is None and self.init_fn is not None:
            params, state = self._initial_values(input_shape)
        self._params_tree = self._make_variables(params, trainable=True)
        self._state_tree = self._make_variables(state, trainable=False)
        self._given = (None, None)  # the weights hold them now

    def _initial_values(self, input_shape):
        jnp = _jax().numpy
        dtype = self.compute_dtype
        inputs = tree.map_shape_structure(
            lambda s: jnp.ones([1 if d is None else d for d in s], dtype), input_shape
        )
        seed = python_random.randint(1, 2**31 - 1) if self.seed is None else self.seed
        values = {"rng": _jax().random.PRNGKey(seed), "inputs": inputs, "training": True}
        result = self.init_fn(**{name: values[name] for name in self._init_arguments})
        if "state" not in self._call_arguments:
            return result, None
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise ValueError(
                f"JaxLayer '{self.name}': `call_fn` takes a `state` argument, so `init_fn` must "
                "return a tuple `(params, state)`; it returned "
                f"{type(result).__name__}. Return the initial state as the second element."
            )
        return result[0], result[1]

    def _make_variables(self, values, trainable):
        jax = _jax()
        leaves, treedef = jax.tree_util.tree_flatten_with_path(values)
        variables = []
        for path, leaf in leaves:
            array = np.asarray(leaf)
            dtype = array.dtype.name
            if dtypes.is_float_dtype(dtype):
                dtype = self._dtype_policy.variable_dtype
            variables.append(
                self.add_weight(
                    shape=array.shape,
                    initializer=lambda shape, dtype, a=array: a.astype(dtype),
                    dtype=dtype,
                    trainable=trainable,
                    name=_variable_name(path),
                )
            )
        return treedef, variables

    @property
    def params(self):
        """The trainable weights in the pytree of the initial params (None before build)."""
        return self._unflatten(self._params_tree, lambda v: v)

    @property
    def state(self):
        """The non-trainable weights in the pytree of the initial state (None before build)."""
        return self._unflatten(self._state_tree, lambda v: v)

    def _unflatten(self, pair, read):
        if pair is None:
            return None
        treedef, variables = pair
        return _jax().tree_util.tree_unflatten(treedef, [read(v) for v in variables])

    # -- calling -------------------------------------------------------------------------

    def _pure_call(self, params, state, rng, inputs, training):
        """`call_fn` with the arguments it takes; returns `(outputs, new_state or None)`."""
        values = {
            "params": params,
            "state": state,
            "rng": rng,
            "inputs": inputs,
            "training": training,
        }
        result = self.call_fn(**{name: values[name] for name in self._call_arguments})
        if "state" not in self._call_arguments:
            return result, None
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise ValueError(
                f"JaxLayer '{self.name}': `call_fn` takes a `state` argument, so it must return "
                f"a tuple `(outputs, new_state)`; it returned {type(result).__name__}."
            )
        return result[0], result[1]

    def _draw_rng(self, training):
        if not training or "rng" not in self._call_arguments:
            return None
        return self.seed_generator.next()

    def call(self, inputs, training=False):
        training = bool(training)
        if backend.backend() == "tensorflow":
            outputs, new_state = self._call_tensorflow(inputs, training)
        else:
            outputs, new_state = self._pure_call(
                self._unflatten(self._params_tree, _read),
                self._unflatten(self._state_tree, _read),
                self._draw_rng(training),
                inputs,
                training,
            )
            new_state = None if new_state is None else _jax().tree_util.tree_leaves(new_state)
        if training and new_state is not None:
            self._assign_state(new_state)
        return outputs

    def _assign_state(self, new_leaves):
        variables = self._state_tree[1]
        if len(new_leaves) != len(variables):
            raise ValueError(
                f"JaxLayer '{self.name}': `call_fn` returned a state with {len(new_leaves)} "
                f"arrays, but the layer's state has {len(variables)}. Return the new state "
                "in the same structure as the state it received."
            )
        for variable, value in zip(variables, new_leaves):
            variable.assign(value)

    def _call_tensorflow(self, inputs, training):
        import tensorflow as tf

        rng = self._draw_rng(training)
        if rng is not None:
            rng = tf.cast(rng, tf.uint32)
        flat_inputs = tree.flatten(inputs)
        shapes = tuple(tuple(t.shape) for t in flat_inputs)
        key = (training, rng is not None, shapes)
        if key not in self._converted:
            self._converted[key] = self._convert(inputs, training, rng is not None)
        params = [_read(v) for v in self._params_tree[1]]
        state = [_read(v) for v in self._state_tree[1]]
        args = (params, state, rng, inputs) if rng is not None else (params, state, inputs)
        outputs, new_state = self._converted[key](*args)
        return outputs, (new_state if "state" in self._call_arguments else None)

    def _convert(self, inputs, training, with_rng):
        """`call_fn` as a TensorFlow function of flat weights (and rng) and the inputs."""
        from jax.experimental import jax2tf

        jax = _jax()

        def pure(params, state, *rest):
            rng, x = rest if with_rng else (None, rest[0])
            outputs, new_state = self._pure_call(
                jax.tree_util.tree_unflatten(self._params_tree[0], params),
                jax.tree_util.tree_unflatten(self._state_tree[0], state),
                rng,
                x,
                training,
            )
            new_state = [] if new_state is None else jax.tree_util.tree_leaves(new_state)
            return outputs, new_state

        flat = tree.flatten(inputs)
        polymorphic = tree.pack_sequence_as(
            inputs, [_polymorphic_shape(x, i) for i, x in enumerate(flat)]
        )
        if all(p is None for p in tree.flatten(polymorphic)):
            polymorphic = None
        else:
            polymorphic = (None, None) + ((None,) if with_rng else ()) + (polymorphic,)
        options = {}
        if self.native_serialization_platforms is not None:
            options["native_serialization_platforms"] = tuple(self.native_serialization_platforms)
        return jax2tf.convert(pure, polymorphic_shapes=polymorphic, **options)

    def compute_output_spec(self, inputs, training=False):
        jax = _jax()
        training = bool(training)
        specs = _abstract_inputs(inputs)

        def pure(params, state, x):
            with_rng = training and "rng" in self._call_arguments
            rng = _jax().numpy.zeros((2,), "uint32") if with_rng else None
            return self._pure_call(params, state, rng, x, training)[0]

        params = self._unflatten(self._params_tree, _spec_of)
        state = self._unflatten(self._state_tree, _spec_of)
        out = jax.eval_shape(pure, params, state, specs)
        return jax.tree_util.tree_map(
            lambda o: KerasTensor(
                tuple(d if isinstance(d, int) else None for d in o.shape),
                dtype=np.dtype(o.dtype).name,
            ),
            out,
        )

    # -- config --------------------------------------------------------------------------

    def get_config(self):
        return {
            **super().get_config(),
            "call_fn": _serialize_function(self.call_fn),
            "init_fn": _serialize_function(self.init_fn),
            "native_serialization_platforms": self.native_serialization_platforms,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("call_fn", "init_fn"):
            if isinstance(config.get(key), (dict, str)):
                config[key] = _deserialize_function(config[key])
        return cls(**config)


def _read(variable):
    return variable.value


def _spec_of(variable):
    return _jax().ShapeDtypeStruct(tuple(variable.shape), backend.standardize_dtype(variable.dtype))


def _polymorphic_shape(x, index):
    """jax2tf's shape spec for input `index` with unknown dimensions ("b" for every input's
    batch axis, so batch sizes may be combined), or None when all are known."""
    shape = tuple(x.shape)
    if all(d is not None for d in shape):
        return None
    dims = [
        str(d) if d is not None else ("b" if axis == 0 else f"d{index}_{axis}")
        for axis, d in enumerate(shape)
    ]
    return "(" + ", ".join(dims) + ")"


def _abstract_inputs(inputs):
    """`jax.ShapeDtypeStruct`s for (symbolic) inputs; None dimensions become shared symbolic
    dimensions ("b" for every batch axis) so the output keeps them unknown."""
    jax = _jax()
    from jax import export

    leaves = tree.flatten(inputs)
    names = sorted(
        {
            "b" if axis == 0 else f"d{i}_{axis}"
            for i, x in enumerate(leaves)
            for axis, d in enumerate(x.shape)
            if d is None
        }
    )
    symbols = dict(zip(names, export.symbolic_shape(", ".join(names)))) if names else {}
    specs = []
    for i, x in enumerate(leaves):
        shape = tuple(
            d if d is not None else symbols["b" if axis == 0 else f"d{i}_{axis}"]
            for axis, d in enumerate(x.shape)
        )
        specs.append(jax.ShapeDtypeStruct(shape, backend.standardize_dtype(x.dtype)))
    return tree.pack_sequence_as(inputs, specs)


class FlaxLayer(JaxLayer):
    """Wraps a `flax.linen.Module` as a cornu layer (a `JaxLayer` over `module.apply`).

    The module's "params" collection becomes the trainable weights (`layer.params` is
    `{"params": ...}`); every other collection (e.g. "batch_stats") becomes non-trainable
    weights (`layer.state`), updated in training (`mutable` is every collection but "params").
    The method is called with `inputs` and, when it takes one, `training`; in training the
    layer passes the "params" and "dropout" RNG streams from its seed. flax.nnx modules are
    not linen modules; wrap one with `flax.nnx.bridge.to_linen` first.

    Args:
        module: the `flax.linen.Module`.
        method: the method to call: None for `__call__`, a method of the module, or a
            function taking `module` and `inputs` (and optionally `training`).
        variables: already initialized variables (`module.init(...)`'s result); when None,
            the layer initializes the module at build time.

    Example:
        >>> class MLP(flax.linen.Module):
        ...     @flax.linen.compact
        ...     def __call__(self, inputs):
        ...         return flax.linen.Dense(2)(inputs)
        >>> FlaxLayer(MLP())(np.ones((3, 4), "float32")).shape
        (3, 2)
    """

    def __init__(self, module, method=None, variables=None, **kwargs):
        _check_backend(type(self).__name__)
        from flax import linen, nnx

        if isinstance(module, nnx.Module):
            raise TypeError(
                "FlaxLayer wraps flax.linen modules; received the flax.nnx module "
                f"{type(module).__name__}. Convert it with `flax.nnx.bridge.to_linen(...)` "
                "first, or wrap a plain function of params with JaxLayer."
            )
        if not isinstance(module, linen.Module):
            raise TypeError(
                f"FlaxLayer expects a flax.linen.Module; received {type(module).__name__}."
            )
        self.module = module
        self.method = method
        self._apply_method = getattr(module, method) if isinstance(method, str) else method
        target = self._apply_method or type(module).__call__
        self._takes_training = "training" in inspect.signature(target).parameters
        params = state = None
        if variables is not None:
            params, state = _split_collections(variables)
        super().__init__(
            call_fn=self._flax_call, init_fn=self._flax_init, params=params, state=state, **kwargs
        )

    def _rngs(self, rng):
        params_rng, dropout_rng = _jax().random.split(rng)
        return {"params": params_rng, "dropout": dropout_rng}

    def _flax_call(self, params, state, rng, inputs, training):
        from flax import core

        kwargs = {"training": training} if self._takes_training else {}
        outputs, updates = self.module.apply(
            {**params, **state},
            inputs,
            rngs=None if rng is None else self._rngs(rng),
            method=self._apply_method,
            mutable=core.DenyList(["params"]),
            **kwargs,
        )
        updates = core.unfreeze(updates)
        return outputs, {name: updates.get(name, value) for name, value in state.items()}

    def _flax_init(self, rng, inputs):
        kwargs = {"training": True} if self._takes_training else {}
        variables = self.module.init(self._rngs(rng), inputs, method=self._apply_method, **kwargs)
        return _split_collections(variables)

    def get_config(self):
        return {
            **Layer.get_config(self),
            "native_serialization_platforms": self.native_serialization_platforms,
            "module": serialization_lib.serialize_keras_object(self.module),
            "method": _serialize_function(self.method),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("module"), dict):
            config["module"] = serialization_lib.deserialize_keras_object(config["module"])
        method = config.get("method")
        if isinstance(method, dict):
            # A method of the module is saved by its name; find it on the module first.
            name = method.get("config") if method.get("class_name") == "function" else None
            own = getattr(type(config["module"]), str(name), None)
            config["method"] = own if callable(own) else _deserialize_function(method)
        return cls(**config)


def _split_collections(variables):
    """`({"params": ...}, {other collections})` from Flax variables."""
    from flax import core

    variables = dict(core.unfreeze(variables))
    params = {"params": variables.pop("params")} if "params" in variables else {}
    return params, variables
