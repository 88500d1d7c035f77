"""The keyword arguments a layer's symbolic call records in its graph node, as Keras records them.

A functional model's config lists, for each layer call, the keyword arguments it was called
with. When the user passed none, Keras fills in what the call would have used: `training` when
`call` declares a non-None default for it (`Dropout`: `False`), and `mask` (None) when `call`
takes a mask. cornu records the same, so `get_config()` and saved files match Keras's; and the
functional replay drops those filled-in values again (`replay_kwargs`), since they change
nothing a call would do on its own.
"""

import inspect

from cornu.graph.keras_tensor import KerasTensor

_NO_DEFAULT = object()


def _training_default(cls):
    """`call`'s default for `training` (`_NO_DEFAULT` when absent or None), cached per class."""
    default = cls.__dict__.get("_cornu_training_default")
    if default is None:
        param = inspect.signature(cls.call).parameters.get("training")
        default = _NO_DEFAULT
        if param is not None and param.default not in (inspect.Parameter.empty, None):
            default = param.default
        cls._cornu_training_default = default
    return default


def recorded_call_kwargs(layer, args, kwargs):
    """What the node of `layer(*args, **kwargs)` records: the given kwargs, or Keras's fill-ins.

    A mask that is itself computed (a KerasTensor) is left out: cornu attaches such masks
    outside the graph, and the replay passes them along itself.
    """
    if kwargs:
        return kwargs
    recorded = {}
    default = _training_default(type(layer))
    if default is not _NO_DEFAULT:
        recorded["training"] = default
    if layer._call_flags[1] and len(args) == 1 and isinstance(args[0], KerasTensor):
        if not isinstance(getattr(args[0], "_keras_mask", None), KerasTensor):
            recorded["mask"] = None
    return recorded


def replay_kwargs(layer, kwargs):
    """`kwargs` without the recorded fill-ins that equal what the call does by itself
    (`mask=None`, `training` at its default), so replaying a node costs nothing extra."""
    if not kwargs:
        return kwargs
    default = _training_default(type(layer)) if "training" in kwargs else _NO_DEFAULT
    return {
        k: v
        for k, v in kwargs.items()
        if not (k == "mask" and v is None)
        and not (k == "training" and type(v) is bool and v == default)
    }
