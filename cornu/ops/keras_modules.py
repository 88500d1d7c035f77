"""The Keras module each op is written under in a saved Functional config.

Keras writes an op called in a Functional graph as an object of its op class, with the module
of that class: `{"module": "keras.src.ops.numpy", "class_name": "Add", ...}`. cornu writes the
same, so Keras can load cornu's files. The module comes from this table, one Keras family per
`cornu.ops` family package, built from each package's `__all__`; the file an op is defined in
does not matter, so moving an op between the topic modules of its family changes no saved file.
"""

import functools

from cornu import ops

# Keras's op families; `cornu.ops.<family>` lists the ops of each in its `__all__`.
FAMILIES = ("core", "image", "linalg", "math", "nn", "numpy")

# Names a family package exports that belong to another family.
_BORROWED = {"numpy": frozenset({"vectorize"})}  # a core op Keras also lists under numpy

# The family of an OpCall whose function is no public op's: those `vectorize` makes, named
# after the user's function (which may share an op's name), are written as the core op.
_VECTORIZED_FAMILY = "core"


def keras_module(family):
    """`"nn"` -> `"keras.src.ops.nn"`."""
    return f"keras.src.ops.{family}"


@functools.cache
def _table():
    """`{public name: (family, value)}` over every family package's `__all__`."""
    table = {}
    for family in FAMILIES:
        package = getattr(ops, family)
        for name in package.__all__:
            if name in _BORROWED.get(family, ()):
                continue
            if name in table:
                raise RuntimeError(
                    f"cornu.ops.{family} and cornu.ops.{table[name][0]} both export {name!r}; "
                    f"list it in _BORROWED of cornu/ops/keras_modules.py under the family that "
                    f"borrows it."
                )
            table[name] = (family, getattr(package, name))
    return table


def modules():
    """`{public name: Keras module}` of every name the family packages export (ops and the
    plain functions beside them), e.g. `{"relu": "keras.src.ops.nn", ...}`."""
    return {name: keras_module(family) for name, (family, _) in _table().items()}


def module_of(fn):
    """The Keras module an `OpCall` of `fn` is written under.

    Args:
        fn: the OpCall's function: the eager function of a public op (`ops.relu.eager`),
            that function with fixed arguments bound (an op loaded from a config), or a
            function `vectorize` made.
    """
    if isinstance(fn, functools.partial):
        fn = fn.func
    family, public = _table().get(fn.__name__, (None, None))
    if getattr(public, "eager", None) is not fn:
        family = _VECTORIZED_FAMILY
    return keras_module(family)


def op_for(module, name):
    """The public op a config entry of Keras module `module` names (`name` in snake case), or
    None. Keras lists image ops only under `keras.ops.image` and every other family in the flat
    `keras.ops`, so an op of any other family is found whatever family the file gives it."""
    namespace = ops.image if module == keras_module("image") else ops
    return getattr(namespace, name, None)
