"""`cornu.ops.nn`: neural-network ops (Keras's `keras.ops.nn`), one module per topic.

The ops are composed from the backend's small kernels, so each formula is written once.

    activations    relu, gelu, softmax, ... (float outputs: int and bool inputs give floatx)
    encodings      one_hot, multi_hot
    losses         binary, categorical and sparse categorical crossentropy
    normalization  moments, normalize, batch, layer and RMS normalization
    convolution    conv, conv_transpose, depthwise_conv, separable_conv
    pooling        max_pool, average_pool, adaptive_average_pool, adaptive_max_pool
    folding        fold, unfold
    attention      dot_product_attention
    imaging        psnr, polar, depth_to_space, space_to_depth
    ctc            ctc_loss, ctc_decode

Helpers the modules share are in `_nn_common.py` and `_window_args.py`.
"""

from cornu.ops.nn import (
    activations,
    attention,
    convolution,
    ctc,
    encodings,
    folding,
    imaging,
    losses,
    normalization,
    pooling,
)
from cornu.ops.nn.activations import *  # noqa: F403 (the names in each module's __all__)
from cornu.ops.nn.attention import *  # noqa: F403
from cornu.ops.nn.convolution import *  # noqa: F403
from cornu.ops.nn.ctc import *  # noqa: F403
from cornu.ops.nn.encodings import *  # noqa: F403
from cornu.ops.nn.folding import *  # noqa: F403
from cornu.ops.nn.imaging import *  # noqa: F403
from cornu.ops.nn.losses import *  # noqa: F403
from cornu.ops.nn.normalization import *  # noqa: F403
from cornu.ops.nn.pooling import *  # noqa: F403

__all__ = [
    *activations.__all__,
    *encodings.__all__,
    *losses.__all__,
    *normalization.__all__,
    *convolution.__all__,
    *pooling.__all__,
    *folding.__all__,
    *attention.__all__,
    *imaging.__all__,
    *ctc.__all__,
]
