"""Dict inputs of the image preprocessing layers: images with their bounding boxes and
segmentation masks, moved together.

A layer called on `{"images": ..., "bounding_boxes": {"boxes": ..., "labels": ...},
"segmentation_masks": ...}` (boxes and masks optional; other entries pass through) returns
the same structure. Boxes are moved in pixel "xyxy" in the layer's `bounding_box_format`,
then clipped to the output image: a box left with no area gets the label -1. Masks follow
the images' geometry with nearest-neighbour sampling and come out in the compute dtype.
"""

from cornu import ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._image_args import image_axes
from cornu.utils.bounding_boxes import formats, geometry

IMAGES, BOXES, MASKS = "images", "bounding_boxes", "segmentation_masks"


def pop_box_format(layer_name, kwargs):
    """The `bounding_box_format` keyword (checked), removed from a layer's kwargs."""
    value = kwargs.pop("bounding_box_format", None)
    if value is None:
        return None
    return formats.check_format(value, where=layer_name)


def box_format_config(layer):
    """The config entry for a layer's box format (none when it has no format)."""
    if layer.bounding_box_format is None:
        return {}
    return {"bounding_box_format": layer.bounding_box_format}


def unpack(layer, inputs):
    """(images, bounding_boxes dict or None, masks or None) from a layer's dict input."""
    where = f"{type(layer).__name__} layer '{layer.name}'"
    if IMAGES not in inputs:
        raise ValueError(
            f"{where} received a dict without an 'images' entry (keys: {sorted(inputs)}). "
            f"Pass {{'images': ..., 'bounding_boxes': ..., 'segmentation_masks': ...}}."
        )
    boxes = inputs.get(BOXES)
    if boxes is not None:
        if layer.bounding_box_format is None:
            raise ValueError(
                f"{where} received 'bounding_boxes' but has no bounding_box_format. Create "
                f"it with a format, e.g. {type(layer).__name__}(..., "
                f"bounding_box_format='xyxy')."
            )
        if not isinstance(boxes, dict) or "boxes" not in boxes or "labels" not in boxes:
            raise ValueError(
                f"{where} expects 'bounding_boxes' to be a dict with the keys 'boxes' and "
                f"'labels'; received {type(boxes).__name__}"
                f"{' with keys ' + str(sorted(boxes)) if isinstance(boxes, dict) else ''}."
            )
    return inputs[IMAGES], boxes, inputs.get(MASKS)


def _spatial(name, images, data_format):
    h_axis, w_axis = image_axes(name, images.shape, data_format)
    shape = ops.shape(images)
    return shape[h_axis], shape[w_axis]


def apply(layer, inputs, transform_images, transform_boxes=None, transform_masks=None):
    """Runs a layer's transforms over a dict input and returns the dict output.

    Args:
        layer: the layer (its `compute_dtype`, `data_format`, `bounding_box_format`).
        inputs: the dict the layer was called on.
        transform_images: batched images -> batched images.
        transform_boxes: `(xyxy, height, width)` -> xyxy boxes, batched, in the frame of the
            output images (`height`/`width` are the input's); None leaves boxes as given.
        transform_masks: batched masks -> batched masks (default: `transform_images`).
    """
    name = f"{type(layer).__name__} layer '{layer.name}'"
    images, boxes, masks = unpack(layer, inputs)
    images = ops.cast(ops.convert_to_tensor(images), layer.compute_dtype)
    unbatched = len(images.shape) == 3
    image_axes(name, images.shape, layer.data_format)
    batched = ops.expand_dims(images, 0) if unbatched else images
    height, width = _spatial(name, batched, layer.data_format)
    out_images = transform_images(batched)
    result = dict(inputs)
    result[IMAGES] = ops.squeeze(out_images, 0) if unbatched else out_images
    if boxes is not None and transform_boxes is not None:
        out_h, out_w = _spatial(name, out_images, layer.data_format)
        result[BOXES] = _move_boxes(layer, boxes, unbatched, (height, width), (out_h, out_w),
                                    transform_boxes)  # fmt: skip
    if masks is not None:
        masks = ops.cast(ops.convert_to_tensor(masks), layer.compute_dtype)
        if len(masks.shape) != len(images.shape):
            raise ValueError(
                f"{name} expects segmentation_masks with the rank of the images "
                f"({len(images.shape)}); received masks of shape {tuple(masks.shape)}."
            )
        masks = ops.expand_dims(masks, 0) if unbatched else masks
        masks = (transform_masks or transform_images)(masks)
        result[MASKS] = ops.squeeze(masks, 0) if unbatched else masks
    return result


def _move_boxes(layer, bounding_boxes, unbatched, in_size, out_size, transform_boxes):
    box_format, dtype = layer.bounding_box_format, layer.compute_dtype
    boxes = formats.check_boxes(bounding_boxes["boxes"], f"{type(layer).__name__}")
    if len(boxes.shape) != (2 if unbatched else 3):
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects boxes of shape "
            f"{'(num_boxes, 4)' if unbatched else '(batch, num_boxes, 4)'} with "
            f"{'unbatched' if unbatched else 'batched'} images; received boxes of shape "
            f"{tuple(boxes.shape)}."
        )
    labels = ops.convert_to_tensor(bounding_boxes["labels"])
    if unbatched:
        boxes, labels = ops.expand_dims(boxes, 0), ops.expand_dims(labels, 0)
    xyxy = formats.convert_format(boxes, box_format, "xyxy", *in_size, dtype=dtype)
    xyxy = transform_boxes(xyxy, *in_size)
    clipped = geometry.clip_to_image_size({"boxes": xyxy, "labels": labels}, *out_size)
    boxes = formats.convert_format(clipped["boxes"], "xyxy", box_format, *out_size, dtype=dtype)
    labels = clipped["labels"]
    if unbatched:
        boxes, labels = ops.squeeze(boxes, 0), ops.squeeze(labels, 0)
    return {**bounding_boxes, "boxes": boxes, "labels": labels}


def output_spec(layer, inputs, image_shape):
    """The KerasTensors of a symbolic dict call: images and masks get the shape
    `image_shape(shape)` (their own channels kept), boxes and labels keep theirs."""
    images, boxes, masks = unpack(layer, inputs)
    dtype = layer.compute_dtype
    result = dict(inputs)
    result[IMAGES] = KerasTensor(image_shape(tuple(images.shape)), dtype=dtype)
    if boxes is not None:
        result[BOXES] = {
            **boxes,
            "boxes": KerasTensor(tuple(boxes["boxes"].shape), dtype=dtype),
            "labels": KerasTensor(tuple(boxes["labels"].shape), dtype="int32"),
        }
    if masks is not None:
        result[MASKS] = KerasTensor(image_shape(tuple(masks.shape)), dtype=dtype)
    return result
