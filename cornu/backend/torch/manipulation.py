"""PyTorch shape-manipulation kernels."""

import torch

reshape = torch.reshape


def squeeze(x, axes):
    return torch.squeeze(x, dim=axes) if axes else x
