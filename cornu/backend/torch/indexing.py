"""PyTorch indexing kernels."""

import torch


def _index(key):
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, torch.Tensor) and key.dtype not in (torch.bool, torch.int64, torch.int32):
        return key.to(torch.int64)  # torch indexes with int64/int32/bool only
    return key


def get_item(x, key):
    return x[_index(key)]
