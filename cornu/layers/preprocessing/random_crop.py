"""`RandomCrop`: crops a random (height, width) window of the images."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import RandomImageLayer
from cornu.layers.preprocessing._image_args import check_size, image_axes, resized_shape
from cornu.layers.preprocessing.center_crop import center_crop, center_crop_boxes
from cornu.utils.bounding_boxes import geometry


class RandomCrop(RandomImageLayer):
    """During training, crops a window of `(height, width)` at a random position (one
    position per batch); at inference, crops the centred window. Images smaller than the
    target are resized instead, keeping the largest centred window of its aspect ratio.

    Keras 3.15 returns the input unchanged at inference, although its documentation and its
    symbolic output shape say centre crop; cornu follows the documentation, so the output
    always has the layer's size.

    Args:
        height, width: the output size.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`, cropped with their images.
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height = check_size("RandomCrop", "height", height)
        self.width = check_size("RandomCrop", "width", width)

    def infer(self, images, interpolation="bilinear"):
        return center_crop(images, self.height, self.width, self.data_format,
                           f"RandomCrop layer '{self.name}'", interpolation)  # fmt: skip

    def infer_segmentation_masks(self, masks):
        return self.infer(masks, "nearest")

    def infer_bounding_boxes(self, boxes, height, width):
        return center_crop_boxes(boxes, height, width, self.height, self.width)

    def get_random_transformation(self, images, batch_size):
        """(top, left) of the window, one for the batch; None when the images are too small
        (or of unknown size) and are centre-cropped instead."""
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        in_h, in_w = images.shape[h_axis], images.shape[w_axis]
        if in_h is None or in_w is None or in_h < self.height or in_w < self.width:
            return None
        return self._offset(in_h - self.height), self._offset(in_w - self.width)

    def transform_images(self, images, transformation):
        if transformation is None:
            return self.infer(images)
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        start = [0, 0, 0, 0]
        start[h_axis], start[w_axis] = transformation
        size = list(ops.shape(images))
        size[h_axis], size[w_axis] = self.height, self.width
        return ops.slice(images, start, size)

    def transform_segmentation_masks(self, masks, transformation):
        if transformation is None:
            return self.infer_segmentation_masks(masks)
        return self.transform_images(masks, transformation)

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        if transformation is None:
            return self.infer_bounding_boxes(boxes, height, width)
        top, left = transformation
        return geometry.crop(boxes, top, left, None, None)

    def _offset(self, room):
        if room == 0:
            return 0
        draw = ops.floor(self.uniform((), 0.0, float(room + 1)))
        return ops.minimum(ops.cast(draw, "int32"), room)

    def compute_output_shape(self, input_shape):
        return resized_shape(f"RandomCrop layer '{self.name}'", input_shape, self.data_format,
                             self.height, self.width)  # fmt: skip

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
