"""PyTorch kernels for `cornu.ops.nn` (inputs already promoted to one dtype by the front end).

Most nn ops are composed in the front end from the small primitives here; conv and pooling
live in `nn_conv.py`.
"""

import functools

import torch
import torch.nn.functional as F

from cornu.backend.torch.core import current_device

exp = torch.exp
expm1 = torch.expm1
log = torch.log
log1p = torch.log1p
tanh = torch.tanh
sqrt = torch.sqrt
absolute = torch.abs
sign = torch.sign
cos = torch.cos
sin = torch.sin
erf = torch.erf
sigmoid = torch.sigmoid


def softplus(x):
    return F.softplus(x)


add = torch.add
subtract = torch.subtract
multiply = torch.multiply
divide = torch.divide
maximum = torch.maximum
minimum = torch.minimum
power = torch.pow
greater = torch.greater
greater_equal = torch.greater_equal
less = torch.less
less_equal = torch.less_equal
equal = torch.eq
logical_and = torch.logical_and
where = torch.where
not_equal = torch.ne
logical_not = torch.logical_not


def _dims(x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def sum(x, axis=None, keepdims=False):
    return torch.sum(x, dim=_dims(x, axis), keepdim=keepdims, dtype=x.dtype)


def max(x, axis=None, keepdims=False):
    return torch.amax(x, dim=_dims(x, axis), keepdim=keepdims)


def mean(x, axis=None, keepdims=False):
    return torch.mean(x, dim=_dims(x, axis), keepdim=keepdims)


def any(x, axis=None, keepdims=False):
    out = x
    for d in sorted(_dims(x, axis), reverse=True):
        out = torch.any(out, dim=d, keepdim=keepdims)
    return out


def reshape(x, shape):
    return torch.reshape(x, tuple(shape))


def transpose(x, axes):
    return torch.permute(x, tuple(axes))


def slice(x, index):
    return x[index]


def concatenate(xs, axis):
    return torch.cat(list(xs), dim=axis)


def pad(x, pad_width, constant_value):
    flat = []
    for before, after in reversed(list(pad_width)):
        flat += [int(before), int(after)]
    return F.pad(x, flat, mode="constant", value=constant_value)


def _torch_dtype(dtype):
    from cornu.backend.torch.core import to_framework_dtype

    return to_framework_dtype(dtype)


def arange(n, dtype):
    return torch.arange(n, dtype=_torch_dtype(dtype), device=current_device())


def ones(shape, dtype):
    return torch.ones(tuple(shape), dtype=_torch_dtype(dtype), device=current_device())


def zeros(shape, dtype):
    return torch.zeros(tuple(shape), dtype=_torch_dtype(dtype), device=current_device())


def sort_descending(x, axis):
    return torch.sort(x, dim=axis, descending=True).values


def cumsum(x, axis):
    return torch.cumsum(x, dim=axis, dtype=x.dtype)


def take_along_axis(x, indices, axis):
    return torch.take_along_dim(x, indices.long(), dim=axis)


def einsum(subscripts, *operands):
    return torch.einsum(subscripts, *operands)


def stop_gradient(x):
    return x.detach()


def complex_from_parts(real, imag):
    return torch.complex(real, imag)


def argmax(x, axis):
    return torch.argmax(x, dim=axis).to(torch.int32)


def expand_dims(x, axis):
    return torch.unsqueeze(x, axis)


def flip(x, axes):
    return torch.flip(x, dims=tuple(axes))


def fuse(fn):
    """Op bodies run eagerly on this backend (see jax/nn.py's `fuse`).

    A body with a native torch kernel of the same math (`_NATIVE`, by name) tries that
    kernel first; the kernel returns NotImplemented for arguments it does not cover, and the
    portable body runs instead.
    """
    native = _NATIVE.get(fn.__name__)
    if native is None:
        return fn

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        result = native(*args, **kwargs)
        return fn(*args, **kwargs) if result is NotImplemented else result

    return wrapped


_INDEX_DTYPES = (torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64)


def _sparse_ce_from_logits(target, output, from_logits=False, axis=-1):
    """`F.cross_entropy` (fused log-softmax + gather) for int labels and float32/64 logits
    with the class axis last. Labels outside [0, classes) give 0, as the portable body's
    one-hot does."""
    if not (
        from_logits
        and isinstance(output, torch.Tensor)
        and isinstance(target, torch.Tensor)
        and output.dtype in (torch.float32, torch.float64)
        and target.dtype in _INDEX_DTYPES
        and output.dim() >= 1
        and axis in (-1, output.dim() - 1)
        and target.shape == output.shape[:-1]
    ):
        return NotImplemented
    classes = output.shape[-1]
    flat = output.dim() == 2  # (the common case needs no reshapes, so no extra graph nodes)
    labels = (target if flat else target.reshape(-1)).long()
    in_range = False
    if labels.device.type == "cpu" and labels.numel():  # (a host read is free on CPU)
        low, high = torch.aminmax(labels)
        in_range = 0 <= int(low) and int(high) < classes
    if not in_range:
        labels = torch.where((labels >= 0) & (labels < classes), labels, -100)
    loss = F.cross_entropy(
        output if flat else output.reshape(-1, classes), labels, reduction="none"
    )
    return loss if flat else loss.reshape(target.shape)


_NATIVE = {"sparse_categorical_crossentropy": _sparse_ce_from_logits}


relu = torch.relu
