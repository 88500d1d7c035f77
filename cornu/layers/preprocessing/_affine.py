"""Projective transforms (the `ops.image.affine_transform` layout [a0, a1, a2, b0, b1, b2,
c0, c1], output pixel -> input pixel) for rotation, zoom and translation, one row per image."""

import math

from cornu import ops


def _stack(columns):
    return ops.stack(columns, axis=1)


def rotation(angles, height, width):
    """Counter-clockwise rotation by `angles` (radians) about the image centre."""
    h, w = ops.cast(height, angles.dtype) - 1, ops.cast(width, angles.dtype) - 1
    cos, sin = ops.cos(angles), ops.sin(angles)
    x_offset = (w - (cos * w - sin * h)) / 2.0
    y_offset = (h - (sin * w + cos * h)) / 2.0
    zero = ops.zeros_like(angles)
    return _stack([cos, -sin, x_offset, sin, cos, y_offset, zero, zero])


def zoom(zoom_y, zoom_x, height, width):
    """Zoom about the centre: a factor above 1 zooms out (the output sees more input)."""
    h, w = ops.cast(height, zoom_y.dtype) - 1, ops.cast(width, zoom_y.dtype) - 1
    zero = ops.zeros_like(zoom_y)
    x_offset = w / 2.0 * (1.0 - zoom_x)
    y_offset = h / 2.0 * (1.0 - zoom_y)
    return _stack([zoom_x, zero, x_offset, zero, zoom_y, y_offset, zero, zero])


def translation(dy, dx):
    """Shift the content down by `dy` and right by `dx` pixels."""
    zero, one = ops.zeros_like(dy), ops.ones_like(dy)
    return _stack([one, zero, -dx, zero, one, -dy, zero, zero])


TWO_PI = 2.0 * math.pi


def apply(layer, images, transforms, interpolation=None):
    """`images` moved by `transforms` (one row per image) with the layer's `interpolation`
    (unless given: "nearest" for segmentation masks), `fill_mode`, `fill_value` and
    `data_format`."""
    return ops.image.affine_transform(
        images,
        transforms,
        interpolation=interpolation or layer.interpolation,
        fill_mode=layer.fill_mode,
        fill_value=layer.fill_value,
        data_format=layer.data_format,
    )


def zoom_boxes(boxes, zoom_y, zoom_x, height, width):
    """Pixel "xyxy" boxes moved with `zoom` (about the same centre, scaled by 1 / zoom)."""
    cy = (ops.cast(height, boxes.dtype) - 1.0) / 2.0
    cx = (ops.cast(width, boxes.dtype) - 1.0) / 2.0
    zx, zy = ops.expand_dims(zoom_x, -1), ops.expand_dims(zoom_y, -1)
    xs = [cx + (boxes[..., i] - cx) / zx for i in (0, 2)]
    ys = [cy + (boxes[..., i] - cy) / zy for i in (1, 3)]
    return ops.stack([xs[0], ys[0], xs[1], ys[1]], axis=-1)


def translation_boxes(boxes, dy, dx):
    """Pixel "xyxy" boxes moved with `translation(dy, dx)`."""
    dx, dy = ops.expand_dims(dx, -1), ops.expand_dims(dy, -1)
    return ops.stack([boxes[..., 0] + dx, boxes[..., 1] + dy, boxes[..., 2] + dx,
                      boxes[..., 3] + dy], axis=-1)  # fmt: skip
