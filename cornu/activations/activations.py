"""Activation functions by name, written once over `cornu.ops` (and so on every backend)."""

from cornu import ops


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with an optional slope below `threshold` and a cap at `max_value`."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    x = ops.convert_to_tensor(x)
    above = ops.greater(x, threshold)
    out = ops.where(
        above, x, negative_slope * (x - threshold) if negative_slope else ops.zeros_like(x)
    )
    if max_value is not None:
        out = ops.minimum(out, ops.cast(max_value, ops.dtype(out)))
    return out


def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    return ops.relu6(x)


def elu(x, alpha=1.0):
    return ops.elu(x, alpha=alpha)


def celu(x, alpha=1.0):
    return ops.celu(x, alpha=alpha)


def selu(x):
    return ops.selu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit; exact (erf) by default, tanh approximation if asked."""
    return ops.gelu(x, approximate=approximate)


def glu(x, axis=-1):
    return ops.glu(x, axis=axis)


def sigmoid(x):
    return ops.sigmoid(x)


def hard_sigmoid(x):
    return ops.hard_sigmoid(x)


def sparse_sigmoid(x):
    return ops.sparse_sigmoid(x)


def log_sigmoid(x):
    return ops.log_sigmoid(x)


def tanh(x):
    return ops.tanh(x)


def hard_tanh(x):
    return ops.hard_tanh(x)


def tanh_shrink(x):
    return ops.tanh_shrink(x)


def hard_shrink(x, threshold=0.5):
    return ops.hard_shrink(x, threshold=threshold)


def soft_shrink(x, threshold=0.5):
    return ops.soft_shrink(x, threshold=threshold)


def threshold(x, threshold, default_value):
    return ops.threshold(x, threshold, default_value)


def softplus(x):
    return ops.softplus(x)


def sparse_plus(x):
    return ops.sparse_plus(x)


def squareplus(x, b=4):
    return ops.squareplus(x, b=b)


def softsign(x):
    return ops.softsign(x)


def silu(x):
    return ops.silu(x)


swish = silu


def hard_silu(x):
    return ops.hard_silu(x)


hard_swish = hard_silu


def mish(x):
    """x * tanh(softplus(x)) (Misra 2019)."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def softmax(x, axis=-1):
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return ops.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    return ops.sparsemax(x, axis=axis)


def exponential(x):
    return ops.exp(x)


def linear(x):
    """The identity."""
    return x
