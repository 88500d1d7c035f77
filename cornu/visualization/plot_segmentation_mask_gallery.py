"""`plot_segmentation_mask_gallery`: each image next to its true and predicted masks."""

import numpy as np

from cornu.visualization import _images
from cornu.visualization.draw_segmentation_masks import draw_segmentation_masks
from cornu.visualization.plot_image_gallery import plot_image_gallery, to_uint8_range


def plot_segmentation_mask_gallery(
    images,
    num_classes,
    value_range=(0, 255),
    y_true=None,
    y_pred=None,
    color_mapping=None,
    blend=True,
    alpha=0.8,
    ignore_index=-1,
    data_format=None,
    **kwargs,
):
    """Shows one row per image: the image, then the image with `y_true`'s mask drawn, then
    with `y_pred`'s (each when given), via `draw_segmentation_masks` and
    `plot_image_gallery`.

    Args:
        images: a batch of images (channels-last, or channels-first with `data_format`).
        num_classes: the number of classes in the masks.
        value_range: the images' value range.
        y_true, y_pred: integer masks `(batch, height, width, 1)`.
        color_mapping, blend, alpha, ignore_index: as in `draw_segmentation_masks`.
        data_format: "channels_last" or "channels_first".
        **kwargs: passed on to `plot_image_gallery` (`path`, `show`, `scale`, ...; the grid
            is fixed to one row per image).

    Example:
        >>> masks = np.zeros((2, 8, 8, 1), "int32")
        >>> plot_segmentation_mask_gallery(np.zeros((2, 8, 8, 3)), 2, y_true=masks,
        ...                                path="masks.png")
    """
    for key in ("rows", "cols"):
        if key in kwargs:
            raise TypeError(
                f"plot_segmentation_mask_gallery() sets `{key}` itself (one row per image, "
                "one column per image/mask); do not pass it."
            )
    images = to_uint8_range(_images.batched_channels_last(images, data_format), value_range)
    columns = [images]
    for masks in (y_true, y_pred):
        if masks is None:
            continue
        masks = _images.to_numpy(masks)
        if (data_format or "channels_last") == "channels_first" and masks.ndim == 4:
            masks = np.transpose(masks, (0, 2, 3, 1))
        drawn = draw_segmentation_masks(
            images,
            masks,
            num_classes=num_classes,
            color_mapping=color_mapping,
            alpha=alpha,
            blend=blend,
            ignore_index=ignore_index,
            data_format="channels_last",
        )
        columns.append(_images.to_numpy(drawn).astype("float32"))
    gallery = np.stack(columns, axis=1).reshape((-1,) + images.shape[1:])
    return plot_image_gallery(
        gallery,
        value_range=(0, 255),
        rows=len(images),
        cols=len(columns),
        data_format="channels_last",
        **kwargs,
    )
