"""How much boxes overlap: `compute_iou` (every pair) and `compute_ciou` (element by
element, Zheng et al. 2020, "Distance-IoU Loss", the complete IoU of section 3.2)."""

import math

from cornu import config, ops
from cornu.utils.bounding_boxes import formats


def _image_size(image_shape, box_format, where):
    if not formats.is_relative(box_format):
        return None, None
    if image_shape is None:
        raise ValueError(
            f"{where} needs `image_shape` (height, width[, channels]) for the relative format "
            f"{box_format!r}; received image_shape=None."
        )
    return image_shape[0], image_shape[1]


def _absolute_xyxy(boxes, box_format, image_shape, where):
    box_format = formats.check_format(box_format, where=where)
    height, width = _image_size(image_shape, box_format, where)
    boxes = formats.check_boxes(boxes, where)
    return formats.convert_format(boxes, box_format, "xyxy", height, width, "float32")


def _area(x1, y1, x2, y2):
    return (x2 - x1) * (y2 - y1)


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1,
                image_shape=None):  # fmt: skip
    """The intersection over union of every box of `boxes1` with every box of `boxes2`.

    Args:
        boxes1: `(N, 4)` or batched `(batch, N, 4)`.
        boxes2: `(M, 4)` or batched `(batch, M, 4)`.
        bounding_box_format: the format of both.
        use_masking: give `mask_val` to every pair with a padding box (all coordinates < 0).
        mask_val: the value for masked pairs.
        image_shape: `(height, width[, channels])`, needed for relative formats.

    Returns:
        float32 `(N, M)`, or `(batch, N, M)` when either input is batched.

    Example:
        >>> compute_iou(np.array([[0., 0, 2, 2]]), np.array([[1., 1, 3, 3]]), "xyxy")
        array([[0.14285715]], dtype=float32)
    """
    where = "compute_iou()"
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        rank = len(ops.shape(boxes))
        if rank not in (2, 3):
            raise ValueError(
                f"{where} expects {name} unbatched (N, 4) or batched (batch, N, 4); received "
                f"{name} of shape {tuple(ops.shape(boxes))}."
            )
    a = _absolute_xyxy(boxes1, bounding_box_format, image_shape, where)
    b = _absolute_xyxy(boxes2, bounding_box_format, image_shape, where)
    a = ops.expand_dims(a, -2)  # (..., N, 1, 4) against (..., 1, M, 4)
    b = ops.expand_dims(b, -3)
    ax1, ay1, ax2, ay2 = (a[..., i] for i in range(4))
    bx1, by1, bx2, by2 = (b[..., i] for i in range(4))
    inter_w = ops.maximum(ops.minimum(ax2, bx2) - ops.maximum(ax1, bx1), 0.0)
    inter_h = ops.maximum(ops.minimum(ay2, by2) - ops.maximum(ay1, by1), 0.0)
    inter = inter_w * inter_h
    union = _area(ax1, ay1, ax2, ay2) + _area(bx1, by1, bx2, by2) - inter
    iou = inter / ops.maximum(union, config.epsilon())
    iou = ops.where(ops.greater(union, 0.0), iou, ops.zeros_like(iou))
    if use_masking:
        padded = ops.logical_or(ops.all(ops.less(a, 0.0), axis=-1),
                                ops.all(ops.less(b, 0.0), axis=-1))  # fmt: skip
        iou = ops.where(padded, ops.full_like(iou, mask_val), iou)
    return iou


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """The complete IoU of `boxes1[i]` with `boxes2[i]` (shapes broadcast): the IoU minus the
    squared centre distance over the squared diagonal of the enclosing box, minus the
    aspect-ratio term `alpha * v`.

    Returns:
        float32 of the broadcast shape without the last axis.

    Example:
        >>> compute_ciou(np.array([[0., 0, 2, 2]]), np.array([[0., 0, 2, 2]]), "xyxy")
        array([1.], dtype=float32)
    """
    where = "compute_ciou()"
    a = _absolute_xyxy(boxes1, bounding_box_format, image_shape, where)
    b = _absolute_xyxy(boxes2, bounding_box_format, image_shape, where)
    eps = config.epsilon()
    ax1, ay1, ax2, ay2 = (a[..., i] for i in range(4))
    bx1, by1, bx2, by2 = (b[..., i] for i in range(4))
    aw, ah, bw, bh = ax2 - ax1, ay2 - ay1, bx2 - bx1, by2 - by1
    inter = ops.maximum(ops.minimum(ax2, bx2) - ops.maximum(ax1, bx1), 0.0) * ops.maximum(
        ops.minimum(ay2, by2) - ops.maximum(ay1, by1), 0.0
    )
    iou = inter / (aw * ah + bw * bh - inter + eps)
    enclose_w = ops.maximum(ax2, bx2) - ops.minimum(ax1, bx1)
    enclose_h = ops.maximum(ay2, by2) - ops.minimum(ay1, by1)
    diagonal2 = enclose_w**2 + enclose_h**2 + eps
    centre2 = ((bx1 + bx2 - ax1 - ax2) ** 2 + (by1 + by2 - ay1 - ay2) ** 2) / 4.0
    v = (4.0 / math.pi**2) * (ops.arctan(bw / (bh + eps)) - ops.arctan(aw / (ah + eps))) ** 2
    alpha = v / (v - iou + (1.0 + eps))
    return iou - (centre2 / diagonal2 + v * alpha)
