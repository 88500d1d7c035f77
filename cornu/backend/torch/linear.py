"""PyTorch linear-algebra product kernels."""

import torch

matmul = torch.matmul
