"""`draw_bounding_boxes`: boxes (and class names, confidences) drawn on images with OpenCV."""

import numpy as np

from cornu.utils import bounding_boxes as box_utils
from cornu.visualization import _images


def _cv2():
    try:
        import cv2
    except ImportError as error:
        raise ImportError(
            "The `draw_bounding_boxes` function requires the `cv2` package  (OpenCV). Please "
            "install it with `pip install opencv-python` (or opencv-python-headless)."
        ) from error
    return cv2


def _as_uint8(images):
    """Images in [0, 1] are scaled to [0, 255] (as Keras does); then clipped and truncated."""
    images = images.astype("float32")
    if images.size and images.max() <= 1.0:
        images = images * 255.0
    return np.clip(images, 0, 255).astype("uint8")


def _label_origin(x1, y1, font_scale, text_thickness):
    """Where the label's text starts: just above the box when it fits, else inside it.

    The text's height is taken as `2 * int(12 * font_scale + 2)` pixels (matching Keras's
    placement pixel for pixel)."""
    height = 2 * int(12 * font_scale + 2)
    if y1 >= height + 5:
        return x1, y1 - 8
    return x1 + 3, y1 + height + text_thickness - 1


def draw_bounding_boxes(
    images,
    bounding_boxes,
    bounding_box_format,
    class_mapping=None,
    color=(128, 128, 128),
    line_thickness=2,
    text_thickness=1,
    font_scale=1.0,
    data_format=None,
):
    """Draws each box (label -1 means padding: skipped) and, with `class_mapping`, its class
    name and confidence ("cat | 0.25") in `color`.

    Images whose largest value is at most 1 are scaled by 255; all are clipped to [0, 255]
    and returned as uint8, channels-last. Needs OpenCV (`cv2`), as Keras does.

    Args:
        images: a batch of images `(batch, height, width, channels)` (or channels-first).
        bounding_boxes: `{"boxes": (batch, num_boxes, 4), "labels": (batch, num_boxes)}`,
            optionally with "confidences" `(batch, num_boxes)`.
        bounding_box_format: the boxes' format, e.g. "xyxy", "rel_xyxy", "xywh".
        class_mapping: `{label: name}`; labels without a name get no text.
        color: the RGB colour of boxes and text.
        line_thickness: the boxes' line thickness in pixels.
        text_thickness: the text's stroke thickness.
        font_scale: the text's size (OpenCV's Hershey simplex font scale).
        data_format: "channels_last" or "channels_first"; None for the global setting.

    Returns:
        A uint8 NumPy array `(batch, height, width, channels)`.

    Example:
        >>> boxes = {"boxes": np.array([[[2, 2, 10, 12]]]), "labels": np.array([[0]])}
        >>> draw_bounding_boxes(np.zeros((1, 16, 16, 3)), boxes, "xyxy").shape
        (1, 16, 16, 3)
    """
    cv2 = _cv2()
    if not isinstance(bounding_boxes, dict):
        raise TypeError(
            "`bounding_boxes` should be a dict. Received: "
            f"bounding_boxes={bounding_boxes} of type {type(bounding_boxes)}"
        )
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError(
            "`bounding_boxes` should be a dict containing 'boxes' and 'labels' keys. "
            f"Received: bounding_boxes={bounding_boxes}"
        )
    images = _as_uint8(_images.batched_channels_last(images, data_format))
    height, width = images.shape[1:3]
    boxes = box_utils.convert_format(
        _images.to_numpy(bounding_boxes["boxes"]).astype("float32"),
        source=bounding_box_format,
        target="xyxy",
        height=height,
        width=width,
    )
    boxes = np.asarray(boxes).astype("int32")
    labels = _images.to_numpy(bounding_boxes["labels"]).astype("int32")
    confidences = bounding_boxes.get("confidences")
    confidences = None if confidences is None else _images.to_numpy(confidences)
    color = tuple(int(c) for c in color)[: images.shape[-1]]
    drawn = []
    for i, image in enumerate(images):
        image = np.ascontiguousarray(image)
        for j, (x1, y1, x2, y2) in enumerate(boxes[i].tolist()):
            label = int(labels[i][j])
            if label == -1:
                continue
            cv2.rectangle(image, (x1, y1), (x2, y2), color, line_thickness)
            if class_mapping is None or label not in class_mapping:
                continue
            text = str(class_mapping[label])
            if confidences is not None:
                text = f"{text} | {float(confidences[i][j]):.2f}"
            origin = _label_origin(x1, y1, font_scale, text_thickness)
            cv2.putText(
                image,
                text,
                origin,
                cv2.FONT_HERSHEY_SIMPLEX,
                font_scale,
                color,
                text_thickness,
                cv2.LINE_AA,
            )
        drawn.append(image)
    return np.stack(drawn) if drawn else images
