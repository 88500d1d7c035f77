"""Moving boxes with their image: `clip_to_image_size`, `crop`, `pad`, `affine_transform`.

Each function converts the boxes to pixel "xyxy", moves them, and converts them back to the
format they came in.
"""

import math

from cornu import ops
from cornu.utils.bounding_boxes import formats


def _per_image(value, boxes, dtype):
    """A scalar, or one value per image of batched `boxes`, shaped to broadcast against one
    coordinate column `boxes[..., i]`."""
    value = ops.cast(value, dtype)
    if len(value.shape) == 0:
        return value
    if len(boxes.shape) != 3 or len(value.shape) != 1:
        raise ValueError(
            "Per-image values need batched boxes (batch, num_boxes, 4) and one value per "
            f"image; received boxes of shape {tuple(boxes.shape)} and a value of shape "
            f"{tuple(value.shape)}."
        )
    return ops.expand_dims(value, -1)


def _xyxy_in(boxes, box_format, where, height=None, width=None, absolute_only=False):
    box_format = formats.check_format(box_format, where=where)
    if absolute_only:
        _absolute_only(box_format, where)
    boxes = formats.check_boxes(boxes, where)
    dtype = boxes.dtype if "float" in str(boxes.dtype) else "float32"
    return box_format, formats.convert_format(boxes, box_format, "xyxy", height, width, dtype)


def _absolute_only(box_format, where):
    if formats.is_relative(box_format):
        raise ValueError(
            f"{where} works on pixel coordinates; received bounding_box_format="
            f"{box_format!r}. Convert the boxes to an absolute format first (convert_format)."
        )


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Clips boxes to the image and marks those left with no area with the label -1.

    Args:
        bounding_boxes: a dict `{"boxes": (..., 4), "labels": (...)}` (labels optional), or
            a boxes tensor.
        height, width: the image size (not needed for relative formats, clipped to [0, 1]).
        bounding_box_format: the format of the boxes.

    Returns:
        The same structure with clipped boxes (and int32 labels, -1 for empty boxes).

    Example:
        >>> clip_to_image_size({"boxes": np.array([[-5., 0, 20, 10]]), "labels": np.array([1])},
        ...                    height=8, width=16)["boxes"]   # [[0, 0, 16, 8]]
    """
    where = "clip_to_image_size()"
    box_format = formats.check_format(bounding_box_format, where=where)
    is_dict = isinstance(bounding_boxes, dict)
    boxes = bounding_boxes["boxes"] if is_dict else bounding_boxes
    relative = formats.is_relative(box_format)
    if not relative and (height is None or width is None):
        raise ValueError(
            f"{where} needs `height` and `width` for the absolute format "
            f"{box_format!r}; received height={height!r}, width={width!r}."
        )
    boxes = formats.check_boxes(boxes, where)
    dtype = boxes.dtype if "float" in str(boxes.dtype) else "float32"
    unit = "rel_xyxy" if relative else "xyxy"
    xyxy = formats.convert_format(boxes, box_format, unit, height, width, dtype)
    high_x, high_y = (1.0, 1.0) if relative else (width, height)
    x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
    x1, x2 = (ops.clip(v, 0.0, ops.cast(high_x, dtype)) for v in (x1, x2))
    y1, y2 = (ops.clip(v, 0.0, ops.cast(high_y, dtype)) for v in (y1, y2))
    clipped = formats.convert_format(ops.stack([x1, y1, x2, y2], axis=-1), unit, box_format,
                                     height, width, dtype)  # fmt: skip
    if not is_dict:
        return clipped
    result = {**bounding_boxes, "boxes": clipped}
    if "labels" in bounding_boxes:
        has_area = ops.logical_and(ops.greater(x2 - x1, 0.0), ops.greater(y2 - y1, 0.0))
        labels = ops.cast(bounding_boxes["labels"], "int32")
        result["labels"] = ops.where(has_area, labels, ops.full_like(labels, -1))
    return result


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """Boxes in the frame of the window `(top, left, height, width)` of their image: shifted
    by (-left, -top), clipped below at 0 and, when `height`/`width` are given, above at them.

    `top` and `left` are scalars, or one value per image for batched boxes.
    """
    where = "crop()"
    if isinstance(boxes, dict):
        return {**boxes, "boxes": crop(boxes["boxes"], top, left, height, width,
                                       bounding_box_format)}  # fmt: skip
    box_format, xyxy = _xyxy_in(boxes, bounding_box_format, where, absolute_only=True)
    dtype = xyxy.dtype
    top, left = _per_image(top, xyxy, dtype), _per_image(left, xyxy, dtype)
    x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
    xs = [v - left for v in (x1, x2)]
    ys = [v - top for v in (y1, y2)]
    xs = [ops.maximum(v, 0.0) if width is None else ops.clip(v, 0.0, ops.cast(width, dtype))
          for v in xs]  # fmt: skip
    ys = [ops.maximum(v, 0.0) if height is None else ops.clip(v, 0.0, ops.cast(height, dtype))
          for v in ys]  # fmt: skip
    out = ops.stack([xs[0], ys[0], xs[1], ys[1]], axis=-1)
    return formats.convert_format(out, "xyxy", box_format, dtype=dtype)


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """Boxes in the frame of their image padded by `top` rows and `left` columns (shifted by
    (left, top)). `height` and `width` (the padded size) are accepted for symmetry with
    `crop` and not needed."""
    where = "pad()"
    if isinstance(boxes, dict):
        return {**boxes, "boxes": pad(boxes["boxes"], top, left, height, width,
                                      bounding_box_format)}  # fmt: skip
    box_format, xyxy = _xyxy_in(boxes, bounding_box_format, where, absolute_only=True)
    dtype = xyxy.dtype
    top, left = _per_image(top, xyxy, dtype), _per_image(left, xyxy, dtype)
    x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
    out = ops.stack([x1 + left, y1 + top, x2 + left, y2 + top], axis=-1)
    return formats.convert_format(out, "xyxy", box_format, dtype=dtype)


def _linear_part(angle, shear_x, shear_y, scale):
    """The 2x2 matrix (m00, m01, m10, m11) acting on (x, y) about the centre: rotation by
    `angle` degrees (counter-clockwise on screen, y pointing down), shears given as angles in
    degrees, and `scale`. The first row folds in the x shear after the y shear the way
    Keras 3.15 composes them (measured: its row is (c - kx * m10, s + kx * m11))."""
    radians = math.pi / 180.0
    cos, sin = ops.cos(angle * radians), ops.sin(angle * radians)
    kx, ky = ops.tan(shear_x * radians), ops.tan(shear_y * radians)
    m10 = -sin + ky * cos
    m11 = cos + ky * sin
    m00 = cos - kx * m10
    m01 = sin + kx * m11
    return m00 * scale, m01 * scale, m10 * scale, m11 * scale


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                     width, center_x=None, center_y=None, bounding_box_format="xyxy"):  # fmt: skip
    """Moves boxes with an affine transform of their image and returns the boxes around the
    moved corners.

    A point p goes to `c + M (p - c + t)`: `t = (translate_x * (width - 1), translate_y *
    (height - 1))`, `c = (center_x * (width - 1), center_y * (height - 1))` (the image centre
    by default), and M rotates by `angle` degrees, shears by the angles `shear_x`/`shear_y`
    (degrees) and scales by `scale`. The result is not clipped to the image.

    Args:
        boxes: batched `(batch, num_boxes, 4)` with one value per image for each parameter
            (shape `(batch,)`), or unbatched `(num_boxes, 4)` with scalar parameters.
        angle, translate_x, translate_y, scale, shear_x, shear_y: the transform.
        height, width: the image size.
        center_x, center_y: the fixed point as a fraction of the image size (default 0.5).
        bounding_box_format: the format of `boxes` (and of the result).

    Returns:
        The moved boxes, same shape and format.
    """
    where = "affine_transform()"
    box_format, xyxy = _xyxy_in(boxes, bounding_box_format, where, height, width)
    dtype = xyxy.dtype

    def param(value, default=None):
        return _per_image(default if value is None else value, xyxy, dtype)

    w1 = ops.cast(width, dtype) - 1.0
    h1 = ops.cast(height, dtype) - 1.0
    cx, cy = param(center_x, 0.5) * w1, param(center_y, 0.5) * h1
    tx, ty = param(translate_x) * w1, param(translate_y) * h1
    m00, m01, m10, m11 = _linear_part(param(angle), param(shear_x), param(shear_y),
                                      param(scale))  # fmt: skip
    x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
    xs, ys = [], []
    for x, y in ((x1, y1), (x2, y1), (x1, y2), (x2, y2)):
        u, v = x - cx + tx, y - cy + ty
        xs.append(cx + m00 * u + m01 * v)
        ys.append(cy + m10 * u + m11 * v)
    xs, ys = ops.stack(xs, axis=-1), ops.stack(ys, axis=-1)
    out = ops.stack([ops.min(xs, axis=-1), ops.min(ys, axis=-1), ops.max(xs, axis=-1),
                     ops.max(ys, axis=-1)], axis=-1)  # fmt: skip
    return formats.convert_format(out, "xyxy", box_format, height, width, dtype)
