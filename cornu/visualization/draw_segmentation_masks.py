"""`draw_segmentation_masks`: class masks painted (or blended) over images."""

import numpy as np

from cornu import backend
from cornu.visualization import _images


def class_colors(num_classes):
    """The default colour of each class id: `(id, 127 * id, 31 * id) mod 255` (Keras's)."""
    ids = np.arange(num_classes, dtype=np.int64)[:, None]
    return (ids * np.array([1, 127, 31])) % 255


def draw_segmentation_masks(
    images,
    segmentation_masks,
    num_classes=None,
    color_mapping=None,
    alpha=0.8,
    blend=True,
    ignore_index=-1,
    data_format=None,
):
    """Paints each pixel of a class with the class's colour.

    Pixels whose class is outside `[0, num_classes)` or equal to `ignore_index` keep the
    image's value. With `blend`, painted pixels become `(1 - alpha) * image + alpha * colour`
    and the result is clipped to [0, 255] and returned as uint8; without it they take the
    colour and the result is a float32 tensor of the backend. Images are used as given (no rescaling).

    Args:
        images: a batch of images, `(batch, height, width, channels)` (or channels-first).
        segmentation_masks: integer class ids, `(batch, height, width, 1)` or
            `(batch, height, width)` (channels-first: `(batch, 1, height, width)`).
        num_classes: how many classes to paint; None for the largest id in the masks (as
            Keras, that id itself is then not painted).
        color_mapping: `{class id: (r, g, b)}`; None for the default colours.
        alpha: the mask's weight when blending.
        blend: blend the colours with the image (else replace the pixels).
        ignore_index: a class id never painted (with or without `blend`; Keras 3.15 paints
            it when `blend=False`).
        data_format: "channels_last" or "channels_first"; None for the global setting.

    Returns:
        A channels-last array of the images' shape (NumPy uint8 when blending, else a
        float32 backend tensor).

    Example:
        >>> masks = np.zeros((1, 4, 4, 1), "int32"); masks[0, :2] = 1
        >>> draw_segmentation_masks(np.zeros((1, 4, 4, 3)), masks, num_classes=2).shape
        (1, 4, 4, 3)
    """
    images = _images.batched_channels_last(images, data_format).astype("float32")
    masks = _images.to_numpy(segmentation_masks)
    if not np.issubdtype(masks.dtype, np.integer):
        raise TypeError(
            "`segmentation_masks` must be in integer dtype. Received: "
            f"segmentation_masks.dtype={masks.dtype}. Cast the class ids to int32."
        )
    if masks.ndim == 4:
        axis = 1 if (data_format or "channels_last") == "channels_first" else -1
        masks = np.squeeze(masks, axis=axis)
    if masks.shape != images.shape[:3]:
        raise ValueError(
            f"`segmentation_masks` must hold one class id per pixel, shape {images.shape[:3]} "
            f"(or with a last axis of 1); received shape {masks.shape}."
        )
    if num_classes is None:
        num_classes = int(masks.max()) if masks.size else 0
    colors = class_colors(num_classes).astype("float32")
    if color_mapping is not None:
        for class_id, color in color_mapping.items():
            if 0 <= class_id < num_classes:
                colors[class_id] = color
    painted = (masks >= 0) & (masks < num_classes) & (masks != ignore_index)
    mask_colors = colors[np.where(painted, masks, 0)] if num_classes else np.zeros_like(images)
    mask_colors = mask_colors[..., : images.shape[-1]]
    if blend:
        mixed = images * (1 - alpha) + mask_colors * alpha
        out = np.where(painted[..., None], mixed, images)
        return np.clip(out, 0, 255).astype("uint8")
    # As Keras: without blending the result is a tensor of the backend, not a NumPy array.
    return backend.convert_to_tensor(np.where(painted[..., None], mask_colors, images), "float32")
