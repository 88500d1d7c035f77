"""Python operators (`+`, `@`, `<`, `x[i]`, ...) for tensor-like classes, written once.

`Variable` (which operates on its value) and `KerasTensor` (which is the operand itself) get
the same dunder methods, each calling the op of that name in a namespace given to
`install_operators`. The namespace is `cornu.ops`, a floor above this one: cornu/ops/operators.py
installs the operators when cornu.ops is imported, so nothing here imports it.
"""

# dunder name -> the op it calls (reflected forms get __r<name>__).
ARITHMETIC = {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "truediv": "true_divide",
    "floordiv": "floor_divide",
    "mod": "mod",
    "pow": "power",
    "matmul": "matmul",
    "and": "logical_and",
    "or": "logical_or",
    "xor": "logical_xor",
}
COMPARISON = {
    "eq": "equal",
    "ne": "not_equal",
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
}
UNARY = {"neg": "negative", "abs": "absolute", "invert": "invert"}


def _binary(namespace, op_name, operand, reflected):
    # The op is looked up on each call: the namespace may still be filling in when the
    # operators are installed (cornu.ops installs them while it is being imported).
    if reflected:

        def method(self, other):
            return getattr(namespace, op_name)(other, operand(self))

    else:

        def method(self, other):
            return getattr(namespace, op_name)(operand(self), other)

    method.__name__ = op_name
    return method


def _unary(namespace, op_name, operand):
    def method(self):
        return getattr(namespace, op_name)(operand(self))

    method.__name__ = op_name
    return method


def install_operators(cls, operand, namespace):
    """Adds arithmetic, comparison, unary and indexing operators to `cls`.

    Args:
        cls: the class.
        operand: `self -> the value the ops receive` (e.g. a Variable's current value).
        namespace: where the ops live (`cornu.ops`); read when an operator runs.
    """
    for dunder, op_name in ARITHMETIC.items():
        setattr(cls, f"__{dunder}__", _binary(namespace, op_name, operand, reflected=False))
        setattr(cls, f"__r{dunder}__", _binary(namespace, op_name, operand, reflected=True))
    for dunder, op_name in COMPARISON.items():
        setattr(cls, f"__{dunder}__", _binary(namespace, op_name, operand, reflected=False))
    for dunder, op_name in UNARY.items():
        setattr(cls, f"__{dunder}__", _unary(namespace, op_name, operand))
    cls.__getitem__ = lambda self, key: namespace.get_item(operand(self), key)
    cls.__hash__ = object.__hash__  # defining __eq__ would otherwise make it unhashable
