"""`Resizing`: resizes images to a fixed (height, width)."""

from cornu import ops
from cornu.layers.preprocessing._image_args import (
    check_data_format,
    check_size,
    image_axes,
    resized_shape,
)
from cornu.layers.preprocessing.data_layer import DataLayer

_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")


class Resizing(DataLayer):
    """Resizes 3D (unbatched) or 4D (batched) images to `(height, width)`.

    Inputs of any dtype are cast to the compute dtype first, so outputs are floats.

    Args:
        height, width: the output size.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5" or "area".
        crop_to_aspect_ratio: first crop the largest centred window with the target aspect
            ratio (no distortion).
        pad_to_aspect_ratio: first pad the images (with `fill_value`) to the target aspect
            ratio.
        fill_mode: how padding is filled; only "constant".
        fill_value: the padding value.
        antialias: low-pass filter when downsampling (kernel interpolations only).
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> Resizing(4, 6)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 4, 6, 3)
    """

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        antialias=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.height = check_size("Resizing", "height", height)
        self.width = check_size("Resizing", "width", width)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"Resizing: interpolation must be one of {_INTERPOLATIONS}; received "
                f"interpolation={interpolation!r}."
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Resizing: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True."
            )
        if fill_mode != "constant":
            raise ValueError(
                f"Resizing: fill_mode must be 'constant' (the only mode supported); received "
                f"fill_mode={fill_mode!r}."
            )
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)
        self.data_format = check_data_format("Resizing", data_format)
        self.built = True

    def call(self, inputs):
        image_axes(f"Resizing layer '{self.name}'", inputs.shape, self.data_format)
        return ops.image.resize(
            ops.cast(inputs, self.compute_dtype),
            (self.height, self.width),
            interpolation=self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        return resized_shape(
            f"Resizing layer '{self.name}'", input_shape, self.data_format, self.height, self.width
        )

    def get_config(self):
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "data_format": self.data_format,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }
