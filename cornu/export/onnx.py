"""ONNX export: `Model.export(filepath, format="onnx")` and `cornu.export.export_onnx`.

Each training backend hands the model's inference call to its own converter, so jax and torch
need no TensorFlow:

- torch: `torch.onnx.export` (the `torch.export` based exporter, which needs `onnxscript`);
- jax: `jax2onnx`, which converts the jaxpr of a pure function of the inputs (the variables'
  values become constants of the graph);
- tensorflow: `tf2onnx`, from a `tf.function` with the input signature.

The converted graph is then given the same face on every backend: inputs named after the
model's `Input`s (or `input_0`, `input_1`, ... ), outputs named `output_0`, ... (a dict
output's keys), and every unknown dimension of the signature a symbol (`batch` for the first),
so the file accepts any batch size. numpy has no tracer: it raises, naming the backends to use.
"""

import logging
import os

import numpy as np

# cornu.models imports this module through cornu.export.saved_model: the Functional and
# Sequential classes are looked up on the package at call time.
import cornu
from cornu import config, tree
from cornu.backend.common import dtypes


class _Spec:
    """One input of the exported graph: its name, shape (None where unknown) and dtype. A
    plain class, not a namedtuple, so that `tree` treats it as a leaf."""

    __slots__ = ("name", "shape", "dtype")

    def __init__(self, name, shape, dtype):
        self.name, self.shape, self.dtype = name, tuple(shape), dtype


_BACKENDS = ("jax", "torch", "tensorflow")
# Opset used by the torch and tensorflow converters (jax2onnx picks its own: 23 in 0.17).
_OPSET = 18


def export_onnx(model, filepath, verbose=None, input_signature=None, **kwargs):
    """Writes `model`'s inference call (`training=False`) as an ONNX file.

    Args:
        model: a built cornu Model (or Layer).
        filepath: the `.onnx` file to write (written as given, extension or not).
        verbose: print where the file went (default True); on torch, `True` is also passed to
            `torch.onnx.export`.
        input_signature: optional list with one entry per positional argument of the model,
            each a `cornu.InputSpec`, `cornu.KerasTensor`, `tf.TensorSpec`, array or a nested
            structure of them. Default: the model's inputs with a dynamic batch dimension.
        **kwargs: passed to the converter (`torch.onnx.export`, `jax2onnx.to_onnx` or
            `tf2onnx.convert.from_function`), e.g. `opset`/`opset_version`.

    Returns:
        None.

    Example:
        >>> model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
        >>> model.export("model.onnx", format="onnx")
        >>> import onnxruntime
        >>> session = onnxruntime.InferenceSession("model.onnx")
        >>> session.run(None, {session.get_inputs()[0].name: x})
    """
    current = config.backend()
    if current not in _BACKENDS:
        raise ValueError(
            f"Model.export(format='onnx') needs a backend that can trace the model "
            f"({', '.join(_BACKENDS)}); the current backend is '{current}'. Switch backend "
            "(e.g. CORNU_BACKEND=torch), load the model there (e.g. from a .keras file) and "
            "export it."
        )
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "Model.export(format='onnx') needs the `onnx` package (and the backend's converter: "
            "onnxscript on torch, jax2onnx on jax, tf2onnx on tensorflow): pip install onnx"
        ) from error
    structure = signature_structure(model, input_signature)
    flat = unique_names(tree.flatten(structure))
    filepath = os.fspath(filepath)
    convert = {"jax": _convert_jax, "torch": _convert_torch, "tensorflow": _convert_tf}[current]
    proto, outputs = convert(model, structure, flat, verbose, kwargs)
    proto = _finalize(proto, flat, output_names(outputs))
    onnx.checker.check_model(proto)
    parent = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)
    onnx.save(proto, filepath)
    if verbose is None or verbose:
        print(f"Saved artifact at '{filepath}'.")


# ---------------------------------------------------------------------------------------------
# Input signature: nested structure of _Spec, one entry per positional argument.
# ---------------------------------------------------------------------------------------------


def _to_spec(item, name=None):
    """InputSpec / KerasTensor / tf.TensorSpec / array -> _Spec (name None: chosen later)."""
    shape = getattr(item, "shape", None)
    if shape is None:
        raise TypeError(
            "Model.export(format='onnx'): each input_signature entry must be a "
            "cornu.InputSpec, KerasTensor, tf.TensorSpec or array with a shape; received "
            f"{type(item).__name__} {item!r}."
        )
    dims = tuple(shape.as_list() if hasattr(shape, "as_list") else shape)
    dims = tuple(None if d is None else int(d) for d in dims)
    dtype = getattr(item, "dtype", None)
    dtype = dtypes.standardize_dtype(getattr(dtype, "name", dtype) or config.floatx())
    given = getattr(item, "name", None)
    # A KerasTensor or named TensorSpec keeps its name; InputSpec has none to give.
    name = name or (given if isinstance(given, str) and given else None)
    return _Spec(name, dims, dtype)


def _model_inputs(model):
    """The model's symbolic inputs (Functional and built Sequential), else None."""
    if isinstance(model, cornu.models.Functional):
        return model.input
    functional = getattr(model, "_functional", None)
    return None if functional is None else functional.input


def signature_structure(model, input_signature):
    """A list (one entry per positional argument) of nested `_Spec`s."""
    if input_signature is None:
        inputs = _model_inputs(model)
        if inputs is not None:
            return [tree.map_structure(_to_spec, inputs)]
        shapes = getattr(model, "_build_shapes", None)
        if not getattr(model, "built", False) or shapes is None:
            raise ValueError(
                f"Model.export(format='onnx'): model '{model.name}' has not yet been built, so "
                "its input signature is unknown. Call it on data first, or pass "
                "input_signature=[cornu.InputSpec(shape=(None, ...), dtype='float32')]."
            )
        dtype = getattr(model, "input_dtype", None) or model.compute_dtype
        return [
            tree.map_shape_structure(
                lambda shape: _Spec(None, (None,) + tuple(shape)[1:], dtype), shapes
            )
        ]
    if not isinstance(input_signature, (list, tuple)):
        input_signature = [input_signature]
    n_inputs = len(getattr(model, "inputs", None) or ())
    if (
        n_inputs > 1
        and len(input_signature) == n_inputs
        and all(hasattr(s, "shape") for s in input_signature)
    ):
        # One spec per input of a multi-input model: the model takes them as one list.
        input_signature = [list(input_signature)]
    return [
        _to_spec(item) if hasattr(item, "shape") else tree.map_structure(_to_spec, item)
        for item in input_signature
    ]


def unique_names(flat):
    """The flat specs, each with a unique name (`input_<i>` where none was given)."""
    used, named = set(), []
    for i, spec in enumerate(flat):
        base = (spec.name or f"input_{i}").replace("/", "_").replace(":", "_")
        name, k = base, 1
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        named.append(_Spec(name, spec.shape, spec.dtype))
    return named


def output_names(outputs):
    """Names for the flat outputs: a dict's keys, else `output_<i>`."""
    flat = tree.flatten(outputs)
    nested = isinstance(outputs, dict) and any(
        isinstance(v, (dict, list, tuple)) for v in outputs.values()
    )
    if isinstance(outputs, dict) and not nested:
        keys = sorted(outputs)  # tree.flatten orders a dict by its sorted keys
        if len(keys) == len(flat):
            return [str(k) for k in keys]
    return [f"output_{i}" for i in range(len(flat))]


def _symbol(position):
    return "batch" if position == 0 else f"dim_{position}"


def _example(spec, batch=2):
    """A numpy array of the spec's shape (unknown dims 2: torch.export specializes 0 and 1)."""
    shape = tuple(batch if d is None else d for d in spec.shape)
    return np.ones(shape, dtype=spec.dtype)


def _call(model, structure, flat_values):
    """The model's inference output for the flat input values."""
    args = tree.pack_sequence_as(structure, list(flat_values))
    return model(*args, training=False)


# ---------------------------------------------------------------------------------------------
# Converters: each returns (onnx.ModelProto with inputs named as `flat`, output structure).
# ---------------------------------------------------------------------------------------------


def _convert_torch(model, structure, flat, verbose, kwargs):
    import torch

    try:
        import onnxscript  # noqa: F401  (torch.onnx's exporter needs it)
    except ImportError as error:
        raise ImportError(
            "Model.export(format='onnx') on the torch backend uses torch.onnx, which needs "
            "the `onnxscript` package: pip install onnxscript onnx"
        ) from error
    found = {}

    class Wrapper(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *values):
            outputs = _call(self.model, structure, values)
            found["outputs"] = outputs
            return tuple(tree.flatten(outputs))

    examples = tuple(torch.as_tensor(_example(spec)) for spec in flat)
    dynamic = tuple(
        {i: torch.export.Dim.DYNAMIC for i, d in enumerate(spec.shape) if d is None} or None
        for spec in flat
    )
    options = {"opset_version": _OPSET, "verbose": bool(verbose)}
    options.update(kwargs)
    with torch.no_grad():
        program = torch.onnx.export(
            Wrapper(),  # not .eval(): training=False is explicit (no side effect)
            examples,
            input_names=[spec.name for spec in flat],
            dynamic_shapes=(dynamic,),  # forward's one *values argument
            dynamo=True,
            **options,
        )
    return program.model_proto, found["outputs"]


class _QuietLogger:
    """Raises a logger's level for a block: jax2onnx logs a traceback for each optional plugin
    whose library is absent (equinox, dm_pix examples), which does not concern cornu models."""

    def __init__(self, name):
        self._logger = logging.getLogger(name)

    def __enter__(self):
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)

    def __exit__(self, *exc_info):
        self._logger.setLevel(self._level)


def _convert_jax(model, structure, flat, verbose, kwargs):
    import jax

    from cornu.export import onnx_rewrite

    try:
        with _QuietLogger("jax2onnx"):
            import jax2onnx
    except ImportError as error:
        raise ImportError(
            "Model.export(format='onnx') on the jax backend uses the `jax2onnx` converter "
            "(no TensorFlow needed): pip install jax2onnx onnx"
        ) from error
    found = {}

    def fn(*values):
        outputs = _call(model, structure, values)
        found["outputs"] = outputs
        return tuple(tree.flatten(outputs))

    # One symbolic scope, so that "batch" is the same symbol in every input.
    scope = jax.export.SymbolicScope()
    inputs = [
        jax.ShapeDtypeStruct(
            jax.export.symbolic_shape(
                ", ".join(_symbol(i) if d is None else str(d) for i, d in enumerate(spec.shape)),
                scope=scope,
            ),
            spec.dtype,
        )
        for spec in flat
    ]
    options = {"model_name": model.name}
    options.update(kwargs)
    try:
        with _QuietLogger("jax2onnx"):
            proto = jax2onnx.to_onnx(
                fn, inputs, input_names=[spec.name for spec in flat], return_mode="proto",
                **options,
            )  # fmt: skip
    except Exception as error:
        # jax's shape-polymorphism error has no public name to catch it by.
        if type(error).__name__ != "InconclusiveDimensionOperation":
            raise
        raise ValueError(
            f"Model.export(format='onnx') on jax: a layer of model '{model.name}' needs a "
            "static size where the input signature has an unknown one (jax traces unknown "
            "sizes as symbols). Pass input_signature with every size fixed, e.g. "
            "input_signature=[cornu.InputSpec(shape=(1, ...), dtype='float32')] (the file then "
            "takes that batch size only), or export on torch or tensorflow. Detail: "
            f"{str(error).splitlines()[0]}"
        ) from error
    finally:
        # jax2onnx swaps functions such as jax.nn.relu for export-only primitives while it
        # traces; op bodies jitted during the trace (cornu's fused kernels) would stay in jax's
        # caches and fail to compile on the next eager call with the same shapes.
        jax.clear_caches()
    del verbose
    onnx_rewrite.rewrite_channels_last_pooling(proto.graph)
    return proto, found["outputs"]


def _convert_tf(model, structure, flat, verbose, kwargs):
    import tensorflow as tf

    try:
        import tf2onnx
    except ImportError as error:
        raise ImportError(
            "Model.export(format='onnx') on the tensorflow backend uses `tf2onnx`: "
            "pip install tf2onnx onnx"
        ) from error
    found = {}
    specs = [tf.TensorSpec(spec.shape, spec.dtype, name=spec.name) for spec in flat]

    def fn(*values):
        outputs = _call(model, structure, values)
        found["outputs"] = outputs
        return tuple(tree.flatten(outputs))

    function = tf.function(fn, input_signature=specs, autograph=False)
    options = {"opset": _OPSET}
    options.update(kwargs)
    proto, _ = tf2onnx.convert.from_function(function, input_signature=specs, **options)
    del verbose
    return proto, found["outputs"]


# ---------------------------------------------------------------------------------------------
# The same face on every backend.
# ---------------------------------------------------------------------------------------------


def _finalize(proto, flat, names):
    """Names the graph's outputs and gives the signature's unknown dims their symbols."""
    graph = proto.graph
    if len(graph.output) != len(names):
        raise ValueError(
            f"Model.export(format='onnx'): the converter produced {len(graph.output)} "
            f"outputs but the model returns {len(names)}; please report this."
        )
    taken = {o for node in graph.node for o in node.output} | {i.name for i in graph.input}
    for output, name in zip(graph.output, names):
        if output.name == name or name in taken:
            continue
        # An Identity node gives the output its name without renaming the value inside the
        # graph (loop bodies of recurrent layers refer to values by name).
        graph.node.append(_identity(output.name, name))
        output.name = name
    batch_dynamic = False
    for value, spec in zip(graph.input, flat):
        for i, d in enumerate(spec.shape):
            if d is None and i < len(value.type.tensor_type.shape.dim):
                value.type.tensor_type.shape.dim[i].dim_param = _symbol(i)
                batch_dynamic = batch_dynamic or i == 0
    if batch_dynamic:
        for value in graph.output:
            dims = value.type.tensor_type.shape.dim
            if dims and not dims[0].HasField("dim_value"):
                dims[0].dim_param = "batch"
    return proto


def _identity(source, target):
    import onnx

    return onnx.helper.make_node("Identity", [source], [target], name=f"{target}_identity")
