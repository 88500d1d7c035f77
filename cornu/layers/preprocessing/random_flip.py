"""`RandomFlip`: flips each image horizontally and/or vertically with probability 1/2."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import RandomImageLayer, check_choice
from cornu.layers.preprocessing._image_args import image_axes

HORIZONTAL, VERTICAL, BOTH = "horizontal", "vertical", "horizontal_and_vertical"


class RandomFlip(RandomImageLayer):
    """During training, flips each image left-right ("horizontal"), top-bottom ("vertical")
    or both independently ("horizontal_and_vertical"), each with probability 1/2.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical".
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`, flipped with their images.

    Example:
        >>> RandomFlip("horizontal", seed=1)(np.ones((2, 4, 4, 3)), training=True).shape
        (2, 4, 4, 3)
    """

    def __init__(self, mode=BOTH, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = check_choice("RandomFlip", "mode", mode, (HORIZONTAL, VERTICAL, BOTH))

    def get_random_transformation(self, images, batch_size):
        """Per-image booleans {"horizontal": ..., "vertical": ...} for the flipped axes."""
        draws = {}
        for direction, modes in (
            ("horizontal", (HORIZONTAL, BOTH)),
            ("vertical", (VERTICAL, BOTH)),
        ):
            if self.mode in modes:
                draws[direction] = ops.less(self.uniform((batch_size,), 0.0, 1.0), 0.5)
        return draws

    def transform_images(self, images, transformation):
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        for direction, axis in (("horizontal", w_axis), ("vertical", h_axis)):
            if direction in transformation:
                flip = ops.reshape(transformation[direction], (-1, 1, 1, 1))
                images = ops.where(flip, ops.flip(images, axis=axis), images)
        return images

    def transform_segmentation_masks(self, masks, transformation):
        return self.transform_images(masks, transformation)

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
        if "horizontal" in transformation:
            w = ops.cast(width, boxes.dtype)
            flip = ops.expand_dims(transformation["horizontal"], -1)
            x1, x2 = ops.where(flip, w - x2, x1), ops.where(flip, w - x1, x2)
        if "vertical" in transformation:
            h = ops.cast(height, boxes.dtype)
            flip = ops.expand_dims(transformation["vertical"], -1)
            y1, y2 = ops.where(flip, h - y2, y1), ops.where(flip, h - y1, y2)
        return ops.stack([x1, y1, x2, y2], axis=-1)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
