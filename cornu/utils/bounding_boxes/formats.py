"""Bounding-box formats and `convert_format`.

A box is the last axis of a tensor, 4 numbers whose meaning the format names:

- "xyxy": (left, top, right, bottom) in pixels; "yxyx": (top, left, bottom, right);
- "xywh": (left, top, width, height); "center_xywh": (centre x, centre y, width, height);
  "center_yxhw": (centre y, centre x, height, width);
- "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh": the same, as fractions of the image
  width (x, width) and height (y, height).

Boxes may be unbatched `(num_boxes, 4)`, batched `(batch, num_boxes, 4)`, or a dict
`{"boxes": ..., "labels": ...}` holding either (the other entries are kept as they are).
"""

from cornu import ops

FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw",
           "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh")  # fmt: skip


def check_format(value, arg="bounding_box_format", where="convert_format()"):
    """The canonical (lower case) name of the format `value`, or a ValueError."""
    name = value.lower() if isinstance(value, str) else value
    if name not in FORMATS:
        raise ValueError(f"{where}: {arg} must be one of {FORMATS}; received {arg}={value!r}.")
    return name


def is_relative(box_format):
    return box_format.startswith("rel_")


def check_boxes(boxes, where="convert_format()"):
    """`boxes` as a tensor whose last axis has 4 coordinates."""
    boxes = ops.convert_to_tensor(boxes)
    if len(boxes.shape) == 0 or boxes.shape[-1] != 4:
        raise ValueError(
            f"{where} expects boxes whose last axis holds 4 coordinates; received boxes of "
            f"shape {tuple(boxes.shape)}."
        )
    return boxes


def _columns(boxes):
    return [boxes[..., i] for i in range(4)]


def _to_xyxy(boxes, layout):
    a, b, c, d = _columns(boxes)
    if layout == "xyxy":
        return boxes
    if layout == "yxyx":
        return ops.stack([b, a, d, c], axis=-1)
    if layout == "xywh":
        return ops.stack([a, b, a + c, b + d], axis=-1)
    if layout == "center_xywh":
        return ops.stack([a - c / 2, b - d / 2, a + c / 2, b + d / 2], axis=-1)
    # center_yxhw
    return ops.stack([b - d / 2, a - c / 2, b + d / 2, a + c / 2], axis=-1)


def _from_xyxy(boxes, layout):
    x1, y1, x2, y2 = _columns(boxes)
    if layout == "xyxy":
        return boxes
    if layout == "yxyx":
        return ops.stack([y1, x1, y2, x2], axis=-1)
    if layout == "xywh":
        return ops.stack([x1, y1, x2 - x1, y2 - y1], axis=-1)
    if layout == "center_xywh":
        return ops.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], axis=-1)
    # center_yxhw
    return ops.stack([(y1 + y2) / 2, (x1 + x2) / 2, y2 - y1, x2 - x1], axis=-1)


def _xyxy_scale(height, width, dtype):
    """(width, height, width, height) to turn relative xyxy coordinates into pixels."""
    h, w = ops.cast(height, dtype), ops.cast(width, dtype)
    return ops.stack([w, h, w, h], axis=-1)


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """Converts bounding boxes from the format `source` to the format `target`.

    Args:
        boxes: a tensor `(..., 4)`, or a dict whose "boxes" entry is one.
        source, target: format names (see `FORMATS`; case does not matter).
        height, width: the image size, needed between relative and absolute formats.
        dtype: the dtype of the result.

    Returns:
        The converted boxes (a dict, with "boxes" replaced, when given a dict).

    Example:
        >>> convert_format(np.array([[10., 20., 50., 80.]]), "xyxy", "center_xywh")
        array([[30., 50., 40., 60.]], dtype=float32)
    """
    if isinstance(boxes, dict):
        return {**boxes, "boxes": convert_format(boxes["boxes"], source, target, height,
                                                 width, dtype)}  # fmt: skip
    source = check_format(source, "source")
    target = check_format(target, "target")
    boxes = ops.cast(check_boxes(boxes), dtype)
    if source == target:
        return boxes
    src_rel, dst_rel = is_relative(source), is_relative(target)
    if src_rel != dst_rel and (height is None or width is None):
        raise ValueError(
            "convert_format() needs `height` and `width` to convert between relative and "
            f"absolute formats; received source={source!r}, target={target!r}, "
            f"height={height!r}, width={width!r}."
        )
    xyxy = _to_xyxy(boxes, source.removeprefix("rel_"))
    if src_rel and not dst_rel:
        xyxy = xyxy * _xyxy_scale(height, width, dtype)
    elif dst_rel and not src_rel:
        xyxy = xyxy / _xyxy_scale(height, width, dtype)
    return _from_xyxy(xyxy, target.removeprefix("rel_"))
