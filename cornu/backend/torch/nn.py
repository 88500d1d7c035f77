"""PyTorch kernels for `cornu.ops.nn` (inputs already promoted to one dtype by the front end).

Most nn ops are composed in the front end from the backend's shared primitives (`add`, `sum`,
`reshape`, ... in elementwise.py, reduction.py, manipulation.py); conv and pooling live in
`nn_conv.py`.
"""

import functools

import torch
import torch.nn.functional as F

sigmoid = torch.sigmoid


def softplus(x):
    return F.softplus(x)


def slice(x, index):
    return x[index]


def sort_descending(x, axis):
    return torch.sort(x, dim=axis, descending=True).values


def complex_from_parts(real, imag):
    return torch.complex(real, imag)


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
