"""Python operators (`+`, `@`, `<`, ...) for tensor-like classes, routed to `cornu.ops`.

Written once for `Variable` (which operates on its value) and `KerasTensor` (which is the
operand itself): `install_operators(cls, operand)` adds the dunder methods.
"""

# dunder name -> the cornu.ops function it calls (reflected forms get __r<name>__).
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


def _ops():
    from cornu import ops  # lazily: ops imports the classes that use these operators

    return ops


def _binary(op_name, operand, reflected):
    if reflected:

        def method(self, other):
            return getattr(_ops(), op_name)(other, operand(self))

    else:

        def method(self, other):
            return getattr(_ops(), op_name)(operand(self), other)

    method.__name__ = op_name
    return method


def install_operators(cls, operand):
    """Adds arithmetic, comparison, unary and indexing operators to `cls`.

    Args:
        cls: the class.
        operand: `self -> the value the ops receive` (e.g. a Variable's current value).
    """
    for dunder, op_name in ARITHMETIC.items():
        setattr(cls, f"__{dunder}__", _binary(op_name, operand, reflected=False))
        setattr(cls, f"__r{dunder}__", _binary(op_name, operand, reflected=True))
    for dunder, op_name in COMPARISON.items():
        setattr(cls, f"__{dunder}__", _binary(op_name, operand, reflected=False))
    cls.__neg__ = lambda self: _ops().negative(operand(self))
    cls.__abs__ = lambda self: _ops().absolute(operand(self))
    cls.__invert__ = lambda self: _ops().invert(operand(self))
    cls.__getitem__ = lambda self, key: _ops().get_item(operand(self), key)
    cls.__hash__ = object.__hash__  # defining __eq__ would otherwise make it unhashable
