"""`cornu.ops.math`: reductions (logsumexp, segment_*), top-k, distances and Fourier transforms.

    reductions  logsumexp, segment_sum/prod/max/min, top_k, in_top_k, cdist, logdet
    spectral    extract_sequences, fft, fft2, ifft2, rfft, irfft, stft, istft (complex values
                as `(real, imag)` pairs of float tensors)

Helpers the modules share are in `_math_common.py`.
"""

from cornu.ops.math import reductions, spectral
from cornu.ops.math.reductions import *  # noqa: F403 (the names in each module's __all__)
from cornu.ops.math.spectral import *  # noqa: F403

__all__ = [
    *reductions.__all__,
    *spectral.__all__,
]
