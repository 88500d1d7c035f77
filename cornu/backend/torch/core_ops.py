"""PyTorch kernels for the core ops (control flow, custom gradients, slices and scatters)."""

import warnings

import torch

from cornu.backend.common.array_kernels import slice_window as _slice_window
from cornu.backend.torch import manipulation as _manipulation
from cornu.backend.torch.core import fori_loop as fori_loop
from cornu.backend.torch.core import stop_gradient as stop_gradient


def switch(index, branches, *operands):
    index = min(max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


concat = _manipulation.concatenate


class _CustomGradient(torch.autograd.Function):
    """Runs `f` forward and its own `grad_fn` backward."""

    @staticmethod
    def forward(ctx, f, kwargs, *args):
        output, grad_fn = f(*args, **kwargs)
        ctx.grad_fn = grad_fn
        ctx.multiple = isinstance(output, (tuple, list))
        ctx.is_tensor = [isinstance(a, torch.Tensor) for a in args]
        return tuple(output) if ctx.multiple else output

    @staticmethod
    def backward(ctx, *upstream):
        grads = ctx.grad_fn(*upstream) if ctx.multiple else ctx.grad_fn(upstream[0])
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        grads = [g if is_t else None for g, is_t in zip(grads, ctx.is_tensor)]
        grads += [None] * (len(ctx.is_tensor) - len(grads))
        return (None, None, *grads)


def custom_gradient(f):
    """`f(*args) -> (output, grad_fn)` as an autograd.Function."""

    def wrapper(*args, **kwargs):
        return _CustomGradient.apply(f, kwargs, *args)

    return wrapper


def dynamic_slice(x, starts, shape):
    return x[_slice_window(x.shape, starts, shape)]


def dynamic_update_slice(x, starts, updates):
    out = x.clone()
    out[_slice_window(x.shape, starts, updates.shape)] = updates
    return out


def _index_tuple(indices):
    indices = indices.long()
    return tuple(indices[..., i] for i in range(indices.shape[-1]))


def scatter(indices, values, shape):
    out = torch.zeros(shape, dtype=values.dtype, device=values.device)
    return out.index_put(_index_tuple(indices), values, accumulate=True)


_REDUCE = {"max": "amax", "min": "amin", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction):
    index = _index_tuple(indices)
    if reduction is None:
        return inputs.index_put(index, updates)
    if reduction == "add":
        return inputs.index_put(index, updates, accumulate=True)
    # max/min/mul: flatten the indexed dimensions and reduce along them.
    k = len(index)
    lead = tuple(inputs.shape[:k])
    linear = torch.zeros_like(index[0])
    for i, dim in zip(index, lead):
        linear = linear * dim + i
    flat_linear = linear.reshape(-1)
    flat_inputs = inputs.reshape((-1,) + tuple(inputs.shape[k:]))
    flat_updates = updates.reshape((-1,) + tuple(inputs.shape[k:]))
    with warnings.catch_warnings():  # index_reduce warns that it is a beta API
        warnings.simplefilter("ignore", UserWarning)
        out = flat_inputs.index_reduce(0, flat_linear, flat_updates, _REDUCE[reduction])
    return out.reshape(inputs.shape)


def unstack(x, num, axis):
    return list(torch.unbind(x, dim=axis))
