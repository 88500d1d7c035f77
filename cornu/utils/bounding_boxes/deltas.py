"""Box regression targets: `encode_box_to_deltas` and its inverse `decode_deltas_to_boxes`.

With anchors and boxes in a centre format (cy, cx, h, w for "center_yxhw", cx, cy, w, h for
"center_xywh"), the deltas are `((b0 - a0) / a2, (b1 - a1) / a3, log(b2 / a2), log(b3 / a3))`,
each divided by its `variance` (Girshick et al. 2014, R-CNN, appendix C).
"""

import numpy as np

from cornu import ops
from cornu.utils.bounding_boxes import formats

ENCODINGS = ("center_xywh", "center_yxhw")


def _check_encoding(value, arg, where):
    if value not in ENCODINGS:
        raise ValueError(f"{where}: {arg} must be one of {ENCODINGS}; received {arg}={value!r}.")
    return value


def _check_variance(variance, where):
    if variance is None:
        return None
    values = np.asarray(
        variance if isinstance(variance, (list, tuple)) else ops.convert_to_numpy(variance),
        "float32",
    ).reshape(-1)
    if len(values) != 4:
        raise ValueError(
            f"{where}: variance must hold 4 numbers (one per delta); received variance="
            f"{variance!r}."
        )
    return ops.convert_to_tensor(values)


def _image_size(image_shape, box_formats, where):
    if not any(formats.is_relative(formats.check_format(f, where=where)) for f in box_formats):
        return None, None
    if image_shape is None:
        raise ValueError(
            f"{where} needs `image_shape` (height, width[, channels]) for the relative formats "
            f"{box_formats}; received image_shape=None."
        )
    return image_shape[0], image_shape[1]


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format,
                         encoding_format="center_yxhw", variance=None, image_shape=None):  # fmt: skip
    """The deltas that move each anchor onto the box at the same position.

    Args:
        anchors: `(..., 4)` in `anchor_format`.
        boxes: `(..., 4)` in `box_format`, broadcasting against `anchors`.
        anchor_format, box_format: their formats.
        encoding_format: "center_yxhw" or "center_xywh", the order of the deltas.
        variance: 4 numbers each delta is divided by (None: 1).
        image_shape: `(height, width[, channels])`, needed for relative formats.

    Returns:
        float32 deltas `(..., 4)`.
    """
    where = "encode_box_to_deltas()"
    _check_encoding(encoding_format, "encoding_format", where)
    variance = _check_variance(variance, where)
    height, width = _image_size(image_shape, (anchor_format, box_format), where)
    a = formats.convert_format(anchors, anchor_format, encoding_format, height, width)
    b = formats.convert_format(boxes, box_format, encoding_format, height, width)
    deltas = ops.stack(
        [(b[..., 0] - a[..., 0]) / a[..., 2], (b[..., 1] - a[..., 1]) / a[..., 3],
         ops.log(b[..., 2] / a[..., 2]), ops.log(b[..., 3] / a[..., 3])],
        axis=-1,
    )  # fmt: skip
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format,
                           encoded_format="center_yxhw", variance=None, image_shape=None):  # fmt: skip
    """The boxes that `encode_box_to_deltas` encoded: `anchors` moved by `boxes_delta`.

    Args:
        anchors: `(..., 4)` in `anchor_format`, or a dict of them (one per feature level).
        boxes_delta: deltas broadcasting against `anchors` (a dict with the same keys when
            `anchors` is one).
        anchor_format: the format of the anchors.
        box_format: the format of the returned boxes.
        encoded_format: "center_yxhw" or "center_xywh", the order of the deltas.
        variance: the 4 numbers the deltas were divided by.
        image_shape: `(height, width[, channels])`, needed for relative formats.

    Returns:
        float32 boxes `(..., 4)` in `box_format` (a dict when `anchors` is one).
    """
    where = "decode_deltas_to_boxes()"
    if isinstance(anchors, dict):
        if not isinstance(boxes_delta, dict) or set(boxes_delta) != set(anchors):
            raise ValueError(
                f"{where}: with a dict of anchors, boxes_delta must be a dict with the same "
                f"keys {sorted(anchors)}; received {type(boxes_delta).__name__}."
            )
        return {
            key: decode_deltas_to_boxes(anchors[key], boxes_delta[key], anchor_format,
                                        box_format, encoded_format, variance, image_shape)
            for key in anchors
        }  # fmt: skip
    _check_encoding(encoded_format, "encoded_format", where)
    variance = _check_variance(variance, where)
    height, width = _image_size(image_shape, (anchor_format, box_format), where)
    a = formats.convert_format(anchors, anchor_format, encoded_format, height, width)
    d = ops.cast(formats.check_boxes(boxes_delta, where), "float32")
    if variance is not None:
        d = d * variance
    centre = [a[..., 0] + d[..., 0] * a[..., 2], a[..., 1] + d[..., 1] * a[..., 3]]
    size = [ops.exp(d[..., 2]) * a[..., 2], ops.exp(d[..., 3]) * a[..., 3]]
    encoded = ops.stack(centre + size, axis=-1)
    return formats.convert_format(encoded, encoded_format, box_format, height, width)
