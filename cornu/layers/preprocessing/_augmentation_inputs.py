"""`AugmentationLayer`: a random image layer that also takes Keras's dict inputs.

Besides an images tensor, the layer takes `{"images": ..., "labels": ...,
"segmentation_masks": ..., "bounding_boxes": ...}` (every key but "images" optional) and
returns a dict with the same keys. A call draws one set of random parameters per image
(`draw`) and applies it to each entry: `transform_images`, `transform_labels` (unchanged by
default), `transform_masks` (the image transform with nearest interpolation by default) and
`transform_boxes` (an error by default: a layer that moves pixels must move boxes too;
`move_boxes` moves them by a projective transform).
"""

import sys

import numpy as np

from cornu import backend, ops, tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._augmentation import RandomImageLayer
from cornu.layers.preprocessing._image_args import image_axes
from cornu.utils.bounding_boxes import formats, geometry

KEYS = ("images", "labels", "segmentation_masks", "bounding_boxes")


def check_probability_factor(layer, value):
    """Keras's probability `factor`: a number f (a probability drawn from [0, f] per image)
    or a pair (low, high), each in [0, 1]. Returns (low, high)."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = (float(v) for v in value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = 0.0, float(value)
    else:
        raise ValueError(
            f"{layer}: factor must be a number or a pair of numbers in [0, 1]; received "
            f"factor={value!r}."
        )
    if not 0.0 <= low <= 1.0 or not 0.0 <= high <= 1.0:
        raise ValueError(f"{layer}: factor must be in [0, 1]; received factor={value!r}.")
    return min(low, high), max(low, high)


def factor_config(value):
    """How Keras records a `(0, f)`-style factor: `(0, f)` for a number, the pair as given."""
    return tuple(value) if isinstance(value, (list, tuple)) else (0, value)


def check_data_keys(layer, data):
    unknown = sorted(set(data) - set(KEYS))
    if "images" not in data or unknown:
        raise ValueError(
            f"{layer} expects an images tensor or a dict with the key 'images' and optionally "
            f"'labels', 'segmentation_masks', 'bounding_boxes'; received keys {sorted(data)}."
        )


class AugmentationLayer(RandomImageLayer):
    """Base class: subclasses implement `draw(images, batch_size)` (the random parameters,
    any structure) and `transform_images(images, params)` on 4D images."""

    def __init__(self, seed=None, data_format=None, bounding_box_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if bounding_box_format is not None:
            formats.check_format(bounding_box_format, where=type(self).__name__)
        self.bounding_box_format = bounding_box_format

    def __call__(self, *args, **kwargs):
        if args and isinstance(args[0], dict) and self._needs_py_function(args[0]):
            return _call_dict_through_py_function(self, args[0], kwargs)
        return super().__call__(*args, **kwargs)

    def call(self, inputs, training=True):
        layer = f"{type(self).__name__} layer '{self.name}'"
        data = dict(inputs) if isinstance(inputs, dict) else {"images": inputs}
        check_data_keys(layer, data)
        images = ops.cast(data["images"], self.compute_dtype)
        image_axes(layer, images.shape, self.data_format)
        unbatched = len(images.shape) == 3
        if unbatched:
            data = {k: _map(lambda t: ops.expand_dims(t, 0), v) for k, v in data.items()}
            images = ops.expand_dims(images, 0)
        data["images"] = images
        data = self.transform_data(data, training)
        if unbatched:
            data = {k: _map(lambda t: ops.squeeze(t, 0), v) for k, v in data.items()}
        return data if isinstance(inputs, dict) else data["images"]

    def transform_data(self, data, training):
        """The dict of batched entries after the layer (`infer` on images at inference)."""
        if not training:
            return {**data, "images": self.infer(data["images"])}
        images = data["images"]
        # A static batch size where known: random draws then have static shapes too
        # (`ops.image.affine_transform` in a TensorFlow graph fails on images of static
        # batch with transforms of unknown batch).
        batch_size = images.shape[0] if images.shape[0] is not None else ops.shape(images)[0]
        params = self.draw(images, batch_size)
        out = {"images": self.transform_images(images, params)}
        if "labels" in data:
            out["labels"] = self.transform_labels(data["labels"], params)
        if "segmentation_masks" in data:
            out["segmentation_masks"] = self.transform_masks(data["segmentation_masks"], params)
        if "bounding_boxes" in data:
            size = self.spatial_size(images)
            out["bounding_boxes"] = self.transform_boxes(data["bounding_boxes"], params, *size)
        return out

    def augment(self, images, batch_size):
        return self.transform_images(images, self.draw(images, batch_size))

    def draw(self, images, batch_size):
        raise NotImplementedError(f"{type(self).__name__} must implement draw().")

    def transform_images(self, images, params):
        raise NotImplementedError(f"{type(self).__name__} must implement transform_images().")

    def transform_labels(self, labels, params):
        return labels

    def transform_masks(self, masks, params):
        return masks

    def transform_boxes(self, boxes, params, height, width):
        raise NotImplementedError(
            f"{type(self).__name__} layer '{self.name}' does not support 'bounding_boxes' in "
            f"cornu yet; pass the boxes around the layer or drop them from the inputs."
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


def _call_dict_through_py_function(layer, inputs, kwargs):
    """`DataLayer`'s `tf.py_function` route for a dict of TensorFlow graph tensors (inside
    `tf.data` on a backend other than tensorflow): the flat entries go to the host as NumPy,
    through the layer eagerly, and back with the static shapes of the output spec (every
    entry in the layer's compute dtype)."""
    tf = sys.modules["tensorflow"]
    keys = sorted(inputs)
    specs = {k: tree.map_structure(lambda t: KerasTensor(tuple(t.shape.as_list())), inputs[k])
             for k in keys}  # fmt: skip
    out_spec = layer.compute_output_spec(specs)
    flat_spec = tree.flatten(out_spec)

    def host(*values):
        data = _unflatten(inputs, [v.numpy() for v in values])
        out = tree.flatten(layer(data, **kwargs))
        return [np.asarray(backend.convert_to_numpy(v)).astype(spec.dtype)
                for v, spec in zip(out, flat_spec)]  # fmt: skip

    dtypes = [tf.as_dtype(spec.dtype) for spec in flat_spec]
    outs = tf.py_function(host, tree.flatten(inputs), Tout=dtypes)
    for out, spec in zip(outs, flat_spec):
        out.set_shape(spec.shape)
    return _unflatten(out_spec, outs)


def _unflatten(structure, flat):
    """`flat` in the nesting of `structure` (dicts of tensors or of dicts of tensors)."""
    flat = iter(flat)
    return tree.map_structure(lambda _: next(flat), structure)


def _map(fn, value):
    if isinstance(value, dict):
        return {k: fn(v) for k, v in value.items()}
    return fn(value)


def require_box_format(layer):
    """Raises the ValueError for 'bounding_boxes' given to a layer without a box format."""
    if layer.bounding_box_format is None:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' received 'bounding_boxes' but has "
            "no bounding_box_format; pass e.g. bounding_box_format='xyxy' to the layer."
        )


def move_boxes(layer, bounding_boxes, transforms, height, width):
    """Bounding boxes after the projective `transforms` (one row per image, output pixel ->
    input pixel, as `ops.image.affine_transform`): each box's corners go through the inverse
    transform, the box becomes their enclosing box, clipped to the image (a box left with no
    area gets the label -1)."""
    require_box_format(layer)
    dtype, box_format = layer.compute_dtype, layer.bounding_box_format
    xyxy = formats.convert_format(bounding_boxes["boxes"], box_format, "xyxy", height, width,
                                  dtype=dtype)  # fmt: skip
    x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
    # Pixel centres sit at index + 0.5 in box coordinates.
    xs = ops.stack([x1, x2, x1, x2], axis=-1) - 0.5  # (batch, boxes, 4 corners)
    ys = ops.stack([y1, y1, y2, y2], axis=-1) - 0.5
    t = ops.cast(transforms, dtype)
    one = ops.ones_like(t[:, 0])
    matrix = ops.reshape(ops.stack([*(t[:, i] for i in range(8)), one], axis=1), (-1, 3, 3))
    inverse = ops.inv(matrix)  # input pixel -> output pixel
    points = ops.stack([xs, ys, ops.ones_like(xs)], axis=-1)  # (batch, boxes, 4, 3)
    moved = ops.einsum("bij,bnkj->bnki", inverse, points)
    out_x = moved[..., 0] / moved[..., 2] + 0.5
    out_y = moved[..., 1] / moved[..., 2] + 0.5
    boxes = ops.stack([ops.min(out_x, axis=-1), ops.min(out_y, axis=-1),
                       ops.max(out_x, axis=-1), ops.max(out_y, axis=-1)], axis=-1)  # fmt: skip
    labels = bounding_boxes.get("labels")
    clipped = geometry.clip_to_image_size(
        {"boxes": boxes, **({} if labels is None else {"labels": labels})}, height, width
    )
    result = {**bounding_boxes, "boxes": formats.convert_format(
        clipped["boxes"], "xyxy", box_format, height, width, dtype=dtype)}  # fmt: skip
    if labels is not None:
        result["labels"] = clipped["labels"]
    return result
