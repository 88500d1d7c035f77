"""`cornu.ops.image`: resizing, colour conversions, cropping/padding, patches, geometric
transforms, filters and SSIM (Keras's `keras.ops.image`).

Every op is written once over a few array primitives (`cornu/backend/<b>/image.py`):
resampling is a product of small weight matrices computed in NumPy from static shapes (the
half-pixel-centre convention of `jax.image.resize`/`scale_and_translate`), point sampling is a
gather of the 2**ndim neighbours of each coordinate (the conventions of
`jax.scipy.ndimage.map_coordinates`), and filters are contractions with band matrices.

Op bodies run through the backend's `compiled` hook (`jax.jit` on JAX, so each op is one XLA
program; eager elsewhere).

Images are 3D (one image) or 4D (a batch), `channels_last` (default, from
`cornu.config.image_data_format()`) or `channels_first`. Internally every op works on a 4D
channels-last tensor and restores the caller's layout at the end.

    resizing   resize, scale_and_translate
    color      rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb
    crop       crop_images, pad_images, extract_patches, extract_patches_3d
    warp       map_coordinates, affine_transform, perspective_transform, elastic_transform
    filters    gaussian_blur, sobel_edges, ssim

Helpers the modules share are in `_image_common.py`.
"""

from cornu.ops.image import color, crop, filters, resizing, warp
from cornu.ops.image.color import *  # noqa: F403 (the names in each module's __all__)
from cornu.ops.image.crop import *  # noqa: F403
from cornu.ops.image.filters import *  # noqa: F403
from cornu.ops.image.resizing import *  # noqa: F403

# The resampling weights, which cornu/utils/image_resize.py also applies to NumPy images.
from cornu.ops.image.resizing import (
    _METHOD_ALIASES,
    _kernel,
    _nearest_indices,
    _weight_matrix,
)
from cornu.ops.image.warp import *  # noqa: F403

__all__ = [
    *resizing.__all__,
    *color.__all__,
    *crop.__all__,
    *warp.__all__,
    *filters.__all__,
]
