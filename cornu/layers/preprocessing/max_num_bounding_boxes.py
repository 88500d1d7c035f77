"""`MaxNumBoundingBoxes`: pads or truncates the bounding boxes of each image to a fixed count."""

from cornu import ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._augmentation_inputs import AugmentationLayer


class MaxNumBoundingBoxes(AugmentationLayer):
    """Gives every image exactly `max_number` boxes: `inputs["bounding_boxes"]` (a dict of
    "boxes" (batch, n, 4) and "labels" (batch, n)) keeps its first `max_number` boxes or is
    padded with `fill_value`. Images and other entries pass through; it acts in training and
    inference alike. Like Keras, the layer needs `bounding_box_format` when boxes come.

    Args:
        max_number: the number of boxes per image (a positive int).
        fill_value: the value of the padding boxes and labels.
        **kwargs: `bounding_box_format`, `data_format` and the base layer's arguments.

    Example:
        >>> boxes = {"boxes": np.zeros((2, 1, 4)), "labels": np.zeros((2, 1))}
        >>> layer = MaxNumBoundingBoxes(3, bounding_box_format="xyxy")
        >>> layer({"images": np.zeros((2, 8, 8, 3)), "bounding_boxes": boxes})[
        ...     "bounding_boxes"]["boxes"].shape
        (2, 3, 4)
    """

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or not isinstance(max_number, int) or max_number < 1:
            raise ValueError(
                "MaxNumBoundingBoxes: max_number must be a positive int; received "
                f"max_number={max_number!r}."
            )
        self.max_number = max_number
        self.fill_value = fill_value

    def transform_data(self, data, training):
        if "bounding_boxes" not in data:
            return data
        if self.bounding_box_format is None:
            raise ValueError(
                f"MaxNumBoundingBoxes layer '{self.name}' received 'bounding_boxes' but has "
                "no bounding_box_format; pass e.g. bounding_box_format='xyxy' to the layer."
            )
        boxes = data["bounding_boxes"]
        if not isinstance(boxes, dict) or "boxes" not in boxes:
            raise ValueError(
                f"MaxNumBoundingBoxes layer '{self.name}' expects 'bounding_boxes' to be a "
                "dict with 'boxes' (batch, n, 4) and 'labels' (batch, n); received "
                f"{type(boxes).__name__}."
            )
        fixed = {key: self._fit(value) for key, value in boxes.items()}
        return {**data, "bounding_boxes": fixed}

    def _fit(self, value):
        count = value.shape[1]
        if count is None:
            raise ValueError(
                f"MaxNumBoundingBoxes layer '{self.name}' needs a known number of boxes; "
                f"received shape {tuple(value.shape)}."
            )
        if count >= self.max_number:
            return value[:, : self.max_number]
        pads = [(0, 0), (0, self.max_number - count)] + [(0, 0)] * (len(value.shape) - 2)
        return ops.pad(value, pads, constant_values=ops.cast(self.fill_value, value.dtype))

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, dict) or "bounding_boxes" not in input_shape:
            return input_shape
        # Lists, as Keras gives them.
        boxes = {
            key: [shape[0], self.max_number] + list(shape[2:])
            for key, shape in input_shape["bounding_boxes"].items()
        }
        return {**input_shape, "bounding_boxes": boxes}

    def compute_output_spec(self, inputs, *args, **kwargs):
        spec = super().compute_output_spec(inputs, *args, **kwargs)
        if not isinstance(inputs, dict) or "bounding_boxes" not in inputs:
            return spec
        boxes = {
            # Padding keeps each entry's dtype (float labels stay float).
            key: KerasTensor(
                (t.shape[0], self.max_number) + tuple(t.shape[2:]),
                dtype=inputs["bounding_boxes"][key].dtype,
            )  # fmt: skip
            for key, t in spec["bounding_boxes"].items()
        }
        return {**spec, "bounding_boxes": boxes}

    def get_config(self):
        config = {**super().get_config(), "max_number": self.max_number}
        del config["seed"]
        if self.fill_value != -1:  # Keras drops fill_value from its config; cornu keeps it
            config["fill_value"] = self.fill_value
        return config
