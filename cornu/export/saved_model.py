"""TensorFlow SavedModel export: `ExportArchive` and `Model.export(format="tf_saved_model")`.

A SavedModel holds TensorFlow graphs and `tf.Variable`s. On the tensorflow backend every
cornu Variable is backed by a `tf.Variable` (its `_storage`), and tracing a cornu layer inside
`tf.function` records a graph that reads those variables. On the jax backend the archive keeps
`tf.Variable` copies of the tracked variables and converts each endpoint with `jax2tf`, running
it as a pure function of those values (through `StatelessScope`). torch and numpy cannot be
traced by TensorFlow: exporting there raises a ValueError saying to switch backends.

The archive is a trackable object that owns the variables and one `tf.function` per endpoint;
it reloads with `tf.saved_model.load` alone (no cornu needed) and serves `archive.serve(x)` or
the `serving_default` signature.
"""

import os
import shutil
import tempfile

# cornu.models imports this module (for Model.export): Functional is looked up on the package at
# call time, once `import cornu` has finished.
import cornu
from cornu import backend, config, tree
from cornu.backend.common import dtypes
from cornu.backend.common.scopes import StatelessScope
from cornu.export import onnx as onnx_export
from cornu.layers.layer import Layer

_FORMATS = ("tf_saved_model", "onnx")
# Attributes every archive has; endpoints and variable collections cannot take these names.
_RESERVED = ("variables", "trainable_variables", "non_trainable_variables")


def _require_tensorflow(what):
    """TensorFlow, if the backend can be traced into a SavedModel (tensorflow natively, jax
    through jax2tf); a ValueError saying what to do otherwise."""
    current = config.backend()
    if current not in ("tensorflow", "jax"):
        raise ValueError(
            f"{what} writes a TensorFlow SavedModel, which needs TensorFlow to trace the "
            f"model; the current backend is '{current}', which it cannot trace. Switch to the "
            "tensorflow backend (CORNU_BACKEND=tensorflow, or "
            "cornu.config.set_backend('tensorflow')), load the model there (e.g. from a .keras "
            "file) and export it"
            + (
                "; or export with format='onnx', which works on torch without TensorFlow."
                if current == "torch"
                else "."
            )
        )
    try:
        import tensorflow as tf
    except ImportError as error:
        raise ImportError(
            f"{what} writes a TensorFlow SavedModel, which needs TensorFlow, and TensorFlow is "
            "not installed. Install it (pip install tensorflow), or export with "
            "format='onnx', which needs no TensorFlow on the jax and torch backends."
        ) from error
    return tf


def _storage(variable):
    """The `tf.Variable` behind a cornu Variable (or the tf.Variable itself)."""
    import tensorflow as tf

    if isinstance(variable, tf.Variable):
        return variable
    storage = getattr(variable, "_storage", None)
    if isinstance(storage, tf.Variable):
        return storage
    raise TypeError(
        f"ExportArchive: expected a cornu Variable or a tf.Variable; received "
        f"{type(variable).__name__} {variable!r}."
    )


def _to_tensor_spec(spec, name=None):
    """InputSpec / KerasTensor / tf.TensorSpec / tensor -> tf.TensorSpec."""
    import tensorflow as tf

    if isinstance(spec, tf.TensorSpec):
        return spec if spec.name or name is None else tf.TensorSpec(spec.shape, spec.dtype, name)
    shape = getattr(spec, "shape", None)
    dtype = getattr(spec, "dtype", None)
    if shape is None:
        raise TypeError(
            "ExportArchive: each input_signature entry must be a cornu.InputSpec, KerasTensor, "
            f"tf.TensorSpec or tensor with a shape; received {type(spec).__name__} {spec!r}."
        )
    shape = tuple(None if d is None else int(d) for d in shape)
    dtype = tf.as_dtype(dtypes.standardize_dtype(dtype or config.floatx()))
    return tf.TensorSpec(shape, dtype, name=name)


def _standardize_signature(input_signature):
    if input_signature is None:
        return None
    if not isinstance(input_signature, (list, tuple)):
        input_signature = [input_signature]

    return [
        _to_tensor_spec(item)
        if hasattr(item, "shape")
        else tree.map_structure(_to_tensor_spec, item)
        for item in input_signature
    ]


def _flat_specs(signature):
    """The signature's TensorSpecs, flat, each with a unique valid name (for signatures)."""
    import tensorflow as tf

    flat = tree.flatten(signature)
    used, named = set(), []
    for i, spec in enumerate(flat):
        base = (spec.name or ("inputs" if i == 0 else f"inputs_{i}")).replace("/", "_")
        name, k = base, 1
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        named.append(tf.TensorSpec(spec.shape, spec.dtype, name=name))
    return named


class ExportArchive:
    """Builds a TensorFlow SavedModel from tracked cornu layers and serving endpoints.

    Call `track()` on each layer or model the endpoints use (so their variables are saved),
    `add_endpoint()` for each function to serve, then `write_out()`.

    Example:
        >>> archive = cornu.export.ExportArchive()
        >>> archive.track(model)
        >>> archive.add_endpoint(
        ...     "serve", lambda x: model(x, training=False),
        ...     input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")])
        >>> archive.write_out("path/to/dir")
        >>> tf.saved_model.load("path/to/dir").serve(x)   # no cornu needed
    """

    def __init__(self):
        tf = _require_tensorflow("ExportArchive")
        # On jax the archive holds tf.Variable copies of the tracked variables (refreshed by
        # write_out) and endpoints are converted with jax2tf; (cornu variable, copy) pairs.
        self._jax_pairs = [] if config.backend() == "jax" else None
        self._copies = {}
        self._module = tf.__internal__.tracking.AutoTrackable()
        self._module.variables = []
        self._module.trainable_variables = []
        self._module.non_trainable_variables = []
        self._module._tracked = []
        self._endpoint_names = []
        self._endpoint_signatures = {}
        self._tracked_ids = set()
        self._variable_collections = {}

    @property
    def variables(self):
        return list(self._module.variables)

    @property
    def trainable_variables(self):
        return list(self._module.trainable_variables)

    @property
    def non_trainable_variables(self):
        return list(self._module.non_trainable_variables)

    def track(self, resource):
        """Tracks a cornu Layer/Model (its variables go into the archive) or a TensorFlow
        trackable (a `tf.Module`, lookup table, ...), which is attached as is."""
        import tensorflow as tf

        if isinstance(resource, Layer):
            if not resource.built:
                raise ValueError(
                    f"ExportArchive.track: layer '{resource.name}' is not built; call it on "
                    "data (or build it) first so it has its variables."
                )
            trainable = {id(v) for v in resource.trainable_variables}
            for variable in resource.variables:
                storage = self._tf_variable(variable)
                if id(storage) in self._tracked_ids:
                    continue
                self._tracked_ids.add(id(storage))
                self._module.variables.append(storage)
                if id(variable) in trainable:
                    self._module.trainable_variables.append(storage)
                else:
                    self._module.non_trainable_variables.append(storage)
            return resource
        if isinstance(resource, tf.__internal__.tracking.Trackable):
            self._module._tracked.append(resource)
            for v in getattr(resource, "variables", ()) or ():
                self._tracked_ids.add(id(v))
            return resource
        raise TypeError(
            "ExportArchive.track expects a cornu Layer/Model or a TensorFlow trackable; "
            f"received {type(resource).__name__}."
        )

    def _tf_variable(self, variable):
        """The tf.Variable the archive saves for `variable` (its storage, or on jax a copy)."""
        import tensorflow as tf

        if self._jax_pairs is None or isinstance(variable, tf.Variable):
            return _storage(variable)
        copy = self._copies.get(id(variable))
        if copy is None:
            copy = tf.Variable(backend.convert_to_numpy(variable.value),
                               trainable=variable.trainable, name=variable.name)  # fmt: skip
            self._copies[id(variable)] = copy
            self._jax_pairs.append((variable, copy))
        return copy

    def _jax_to_tf(self, fn, signature, is_static=True, jax2tf_kwargs=None):
        """`fn` as a TF-callable function of the signature's tensors: jax2tf converts a pure
        version of it (the tracked variables' values are an explicit argument, fed from the
        tf.Variable copies)."""
        from jax.experimental import jax2tf

        variables = [v for v, _ in self._jax_pairs]
        copies = [c for _, c in self._jax_pairs]

        def pure(values, *args):
            # State updates (seed counters of random layers) are discarded: each call of the
            # endpoint sees the exported state, which is what `is_static` promises anyway.
            with StatelessScope(state_mapping=list(zip(variables, values))):
                return fn(*args)

        def shape_of(spec):
            # Unknown dims become jax2tf symbols: "batch" for the leading one, one per
            # position otherwise, so the SavedModel accepts any batch size like the model.
            dims = [
                str(d) if d is not None else ("batch" if i == 0 else f"d{i}")
                for i, d in enumerate(spec.shape.as_list())
            ]
            return "(" + ", ".join(dims) + ")"

        polymorphic = [tree.map_structure(shape_of, item) for item in signature]
        options = {"polymorphic_shapes": [None] + polymorphic, "with_gradient": False}
        options.update(jax2tf_kwargs or {})
        converted = jax2tf.convert(pure, **options)
        del is_static  # the conversion is stateless either way

        def call(*args):
            return converted(copies, *args)

        return call

    def add_endpoint(self, name, fn, input_signature=None, **kwargs):
        """Adds `fn` as the method `name` of the archive.

        Args:
            name: the endpoint's name (a Python identifier, not used yet).
            fn: a function of tensors built from tracked layers, or a `tf.function` that
                already has an input signature.
            input_signature: a list with one entry per positional argument of `fn`, each a
                `cornu.InputSpec`, KerasTensor, `tf.TensorSpec` or a nested structure of
                them. Optional when `fn` is a `tf.function` with a signature.
            **kwargs: passed to `tf.function` (e.g. `jit_compile`); on the jax backend
                `is_static` and `jax2tf_kwargs` (options for `jax2tf.convert`) instead.

        Returns:
            The `tf.function` stored as the endpoint.
        """
        import tensorflow as tf

        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"ExportArchive.add_endpoint: name must be a Python identifier; received {name!r}."
            )
        if (
            name in self._endpoint_names
            or name in self._variable_collections
            or (name in _RESERVED)
        ):
            raise ValueError(f"ExportArchive.add_endpoint: the name '{name}' is already used.")
        signature = _standardize_signature(input_signature)
        if signature is None:
            signature = getattr(fn, "input_signature", None)
            if signature is None:
                raise ValueError(
                    f"ExportArchive.add_endpoint('{name}'): input_signature is required unless "
                    "fn is a tf.function created with an input_signature; e.g. "
                    "input_signature=[cornu.InputSpec(shape=(None, 3), dtype='float32')]."
                )
            signature = list(signature)
            decorated = fn
        else:
            python_fn = getattr(fn, "python_function", fn)
            if self._jax_pairs is not None:
                python_fn = self._jax_to_tf(
                    python_fn,
                    signature,
                    kwargs.pop("is_static", True),
                    kwargs.pop("jax2tf_kwargs", None),
                )
            decorated = tf.function(python_fn, input_signature=signature, autograph=False,
                                    **kwargs)  # fmt: skip
        concrete = decorated.get_concrete_function()
        self._check_captures(name, concrete)
        setattr(self._module, name, decorated)
        self._endpoint_names.append(name)
        self._endpoint_signatures[name] = signature
        return decorated

    def _check_captures(self, name, concrete):
        used = list(getattr(concrete, "variables", ()) or ())
        missing = [v for v in used if id(v) not in self._tracked_ids]
        if missing:
            raise ValueError(
                f"ExportArchive.add_endpoint('{name}'): the function uses variables that are "
                f"not tracked ({[v.name for v in missing[:5]]}...). Call "
                "archive.track(layer) on every layer/model it uses before adding the endpoint."
            )

    def track_and_add_endpoint(self, name, resource, input_signature=None, **kwargs):
        """Tracks `resource` (a layer or model) and serves its inference call as `name`."""
        self.track(resource)
        return self.add_endpoint(
            name, lambda *args: resource(*args, training=False), input_signature, **kwargs
        )

    def add_variable_collection(self, name, variables):
        """Stores a list of variables as the attribute `name` of the reloaded archive."""
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                "ExportArchive.add_variable_collection: name must be a Python identifier; "
                f"received {name!r}."
            )
        if (
            name in self._endpoint_names
            or name in self._variable_collections
            or (name in _RESERVED)
        ):
            raise ValueError(
                f"ExportArchive.add_variable_collection: the name '{name}' is already used."
            )
        if not isinstance(variables, (list, tuple, set)):
            raise TypeError(
                "ExportArchive.add_variable_collection: variables must be a list of Variables; "
                f"received {type(variables).__name__}."
            )
        storages = [self._tf_variable(v) for v in variables]
        for storage in storages:
            self._tracked_ids.add(id(storage))
        self._variable_collections[name] = storages
        setattr(self._module, name, list(storages))

    def write_out(self, filepath, options=None, verbose=True):
        """Writes the SavedModel directory `filepath` (replacing an existing one only once
        the new one is complete).

        The endpoint `serve` (else the first endpoint) is also the `serving_default`
        signature; every endpoint is a signature under its own name.
        """
        import tensorflow as tf

        if not self._endpoint_names:
            raise ValueError(
                "ExportArchive.write_out: no endpoint was added; call add_endpoint() first."
            )
        filepath = os.fspath(filepath)
        if self._jax_pairs is not None:
            for variable, copy in self._jax_pairs:  # the values as of now, not of track()
                copy.assign(backend.convert_to_numpy(variable.value))
        signatures = {}
        for name in self._endpoint_names:
            signatures[name] = self._signature_function(name)
        default = "serve" if "serve" in signatures else self._endpoint_names[0]
        signatures.setdefault("serving_default", signatures[default])
        parent = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".cornu-export-", dir=parent)
        try:
            tf.saved_model.save(self._module, staging, signatures=signatures, options=options)
            _replace_directory(staging, filepath)
        finally:
            if os.path.isdir(staging):
                shutil.rmtree(staging, ignore_errors=True)
        if verbose:
            lines = [f"Saved artifact at '{filepath}'. Endpoints:"]
            for name in self._endpoint_names:
                specs = ", ".join(
                    f"{tuple(s.shape.as_list())} {s.dtype.name}"
                    for s in tree.flatten(self._endpoint_signatures[name])
                )
                lines.append(f"  {name}({specs})")
            print("\n".join(lines))

    def _signature_function(self, name):
        """A concrete function with flat, named tensor arguments (what signatures need)."""
        import tensorflow as tf

        endpoint = getattr(self._module, name)
        structure = self._endpoint_signatures[name]
        flat = _flat_specs(structure)

        def serve_flat(*tensors):
            args = tree.pack_sequence_as(structure, list(tensors))
            return endpoint(*args)

        return tf.function(
            serve_flat, input_signature=flat, autograph=False
        ).get_concrete_function()


def _replace_directory(source, target):
    """Moves the finished directory `source` to `target`, keeping the old one until then."""
    if not os.path.exists(target):
        os.replace(source, target)
        return
    if not os.path.isdir(target):
        raise ValueError(
            f"Cannot export to '{target}': it exists and is not a directory (a SavedModel is "
            "a directory)."
        )
    backup = tempfile.mkdtemp(prefix=".cornu-export-old-", dir=os.path.dirname(target) or ".")
    os.rmdir(backup)
    os.replace(target, backup)
    try:
        os.replace(source, target)
    except OSError:
        os.replace(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _default_input_signature(model):
    """The model's inputs as a one-entry signature list (its input structure)."""
    inputs = None
    if isinstance(model, cornu.models.Functional):
        inputs = model.input
    elif getattr(model, "_functional", None) is not None:  # a built Sequential
        inputs = model._functional.input
    if inputs is not None:
        structure = tree.map_structure(
            lambda t: _to_tensor_spec(t, name=getattr(t, "name", None) or None), inputs
        )
        return [structure]
    shapes = getattr(model, "_build_shapes", None)
    if not model.built or shapes is None:
        raise ValueError(
            f"Model '{model.name}'.export: the model is not built, so its input signature is "
            "unknown. Call it on data first or pass input_signature=[cornu.InputSpec(...)]."
        )
    dtype = getattr(model, "input_dtype", None) or model.compute_dtype

    def spec(shape):
        shape = tuple(shape)
        return _to_tensor_spec(_Spec((None,) + shape[1:], dtype))

    return [tree.map_shape_structure(spec, shapes)]


class _Spec:
    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


def export_saved_model(model, filepath, verbose=None, input_signature=None, **kwargs):
    """Writes `model`'s inference call as a SavedModel with a `serve` endpoint."""
    archive = ExportArchive()
    n_inputs = len(getattr(model, "inputs", None) or ())
    if (
        isinstance(input_signature, (list, tuple))
        and n_inputs > 1
        and len(input_signature) == n_inputs
        and all(hasattr(s, "shape") for s in input_signature)
    ):
        # One spec per input of a multi-input model: the model takes them as one list.
        input_signature = [list(input_signature)]
    signature = _standardize_signature(input_signature) or _default_input_signature(model)
    archive.track_and_add_endpoint("serve", model, signature, **kwargs)
    archive.write_out(filepath, verbose=True if verbose is None else verbose)


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None,
                 **kwargs):  # fmt: skip
    """`Model.export`: checks the format and the backend, then writes the artifact."""
    if format not in _FORMATS:
        raise ValueError(f"Unrecognized format={format}. Supported formats are: {list(_FORMATS)}.")
    if format == "onnx":
        onnx_export.export_onnx(model, filepath, verbose=verbose, input_signature=input_signature,
                                **kwargs)  # fmt: skip
        return
    _require_tensorflow(f"Model.export(format={format!r})")
    export_saved_model(model, filepath, verbose=verbose, input_signature=input_signature,
                       **kwargs)  # fmt: skip
