"""Rematerialization on PyTorch: `torch.utils.checkpoint` in its non-reentrant form (the
activations inside `fn` are dropped after the forward pass and recomputed by calling `fn`
again during `backward()`)."""

import torch
import torch.utils.checkpoint


def checkpoint(fn, *tensors):
    """Calls `fn(*tensors)`, recomputing its intermediates when gradients are taken.

    Without autograd recording (`torch.no_grad()`, inference) there is nothing to save, so
    `fn` simply runs. `fn` is called a second time during `backward()`.
    """
    if not torch.is_grad_enabled():
        return fn(*tensors)
    # Non-reentrant: works with parameters read inside `fn` (closures) and with inputs that
    # do not require gradients; `preserve_rng_state` keeps torch's own RNG draws identical.
    return torch.utils.checkpoint.checkpoint(fn, *tensors, use_reentrant=False)
