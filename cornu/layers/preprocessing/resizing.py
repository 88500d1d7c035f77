"""`Resizing`: resizes images to a fixed (height, width)."""

from cornu import ops
from cornu.layers.preprocessing import _targets
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
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`: boxes are scaled (and
            cropped or padded) with their images, masks resized with "nearest".

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
        self.bounding_box_format = _targets.pop_box_format("Resizing", kwargs)
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
        if isinstance(inputs, dict):
            return _targets.apply(self, inputs, self._resize, self._resize_boxes,
                                  lambda masks: self._resize(masks, "nearest"))  # fmt: skip
        image_axes(f"Resizing layer '{self.name}'", inputs.shape, self.data_format)
        return self._resize(ops.cast(inputs, self.compute_dtype))

    def _resize(self, images, interpolation=None):
        return ops.image.resize(
            images,
            (self.height, self.width),
            interpolation=interpolation or self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def _resize_boxes(self, boxes, height, width):
        window = resize_window(height, width, self.height, self.width,
                               self.crop_to_aspect_ratio, self.pad_to_aspect_ratio)  # fmt: skip
        return resize_boxes(boxes, window, self.height, self.width)

    def compute_output_spec(self, inputs, *args, **kwargs):
        if isinstance(inputs, dict):
            return _targets.output_spec(self, inputs, self.compute_output_shape)
        return super().compute_output_spec(inputs, *args, **kwargs)

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
            **_targets.box_format_config(self),
        }


def resize_window(in_h, in_w, height, width, crop_to_aspect_ratio=False,
                  pad_to_aspect_ratio=False):  # fmt: skip
    """(top, left, window_h, window_w): the window of an `(in_h, in_w)` input that
    `ops.image.resize` stretches onto `(height, width)` (its centred crop to the target's
    aspect ratio, or the padded image, starting at a negative offset)."""
    if crop_to_aspect_ratio:
        crop_h = max(min(in_h, int(in_w * height / width)), 1)
        crop_w = max(min(in_w, int(in_h * width / height)), 1)
        return (in_h - crop_h) // 2, (in_w - crop_w) // 2, crop_h, crop_w
    if pad_to_aspect_ratio:
        pad_h = max(in_h, int(in_w * height / width))
        pad_w = max(in_w, int(in_h * width / height))
        return -((pad_h - in_h) // 2), -((pad_w - in_w) // 2), pad_h, pad_w
    return 0, 0, in_h, in_w


def resize_boxes(boxes, window, height, width):
    """Pixel "xyxy" boxes of the input, in the frame of the `(height, width)` output that
    shows `window` (from `resize_window`)."""
    top, left, window_h, window_w = window
    scale_x, scale_y = width / window_w, height / window_h
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    return ops.stack([(x1 - left) * scale_x, (y1 - top) * scale_y, (x2 - left) * scale_x,
                      (y2 - top) * scale_y], axis=-1)  # fmt: skip
