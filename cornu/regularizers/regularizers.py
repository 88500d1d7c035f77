"""Weight penalties: `regularizer(weight)` returns a scalar added to the training loss."""

from cornu import ops


class Regularizer:
    """Base class: subclasses implement `__call__(x)` and `get_config()`."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative number; received {value!r}.")
    return float(value)


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x**2)`."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check("l1", l1)
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        total = 0.0
        if self.l1:
            total = total + self.l1 * ops.sum(ops.absolute(x))
        if self.l2:
            total = total + self.l2 * ops.sum(ops.square(x))
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * sum(|x|)`."""

    def __init__(self, l1=0.01):
        self.l1 = _check("l1", l1)

    def __call__(self, x):
        return self.l1 * ops.sum(ops.absolute(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(x**2)`."""

    def __init__(self, l2=0.01):
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalizes non-orthogonal rows (or columns) of a 2-D weight.

    The rows (`mode="rows"`) or columns (`mode="columns"`) are L2-normalized, and the penalty is
    `factor` times the mean absolute dot product over all pairs of distinct rows/columns: zero
    exactly when they are mutually orthogonal.

    Args:
        factor: the penalty weight.
        mode: "rows" or "columns".
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: mode must be 'rows' or 'columns'; received {mode!r}."
            )
        self.mode = mode

    def __call__(self, x):
        if len(x.shape) != 2:
            raise ValueError(
                "OrthogonalRegularizer applies to 2-D weights (e.g. a Dense kernel); received "
                f"shape {tuple(x.shape)}."
            )
        vectors = x if self.mode == "rows" else ops.transpose(x)
        count = vectors.shape[0]
        if count < 2:
            return ops.zeros((), dtype=x.dtype)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(vectors), axis=1, keepdims=True), 1e-12))
        unit = vectors / norms
        products = ops.absolute(ops.matmul(unit, ops.transpose(unit)))
        off_diagonal = ops.sum(products) - ops.trace(products)
        return self.factor * off_diagonal / (count * (count - 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}
