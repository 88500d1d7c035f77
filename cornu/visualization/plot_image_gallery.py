"""`plot_image_gallery`: a grid of images (with their labels) as a matplotlib figure."""

import math

import numpy as np

from cornu.visualization import _images


def pyplot():
    """matplotlib.pyplot, or an ImportError that says what to install."""
    try:
        from matplotlib import pyplot as plt
    except ImportError as error:
        raise ImportError(
            "cornu.visualization's plotting functions require matplotlib. Install it with "
            "`pip install matplotlib`."
        ) from error
    return plt


def to_uint8_range(images, value_range):
    """Images rescaled from `value_range` to [0, 255] (unchanged when it is (0, 255))."""
    images = images.astype("float32")
    low, high = value_range
    if (low, high) != (0, 255):
        images = (images - low) / (high - low) * 255.0
    return np.clip(images, 0, 255)


def grid_size(count, rows, cols):
    """Keras's default grid: `ceil(sqrt(n))` rows and `n // rows` columns (so some images may
    not be shown); given one of them, the other holds the rest."""
    if rows is None and cols is None:
        rows = math.ceil(math.sqrt(count))
        cols = max(1, count // rows)
    elif rows is None:
        rows = max(1, math.ceil(count / cols))
    elif cols is None:
        cols = max(1, math.ceil(count / rows))
    return rows, cols


def _title(index, y_true, y_pred, label_map):
    parts = []
    if y_true is not None:
        parts.append(f"Label: {label_map[int(y_true[index])]}")
    if y_pred is not None:
        parts.append(f"Pred: {label_map[int(y_pred[index])]}")
    return "  ".join(parts)


def plot_image_gallery(
    images,
    y_true=None,
    y_pred=None,
    label_map=None,
    rows=None,
    cols=None,
    value_range=(0, 255),
    scale=2,
    path=None,
    show=None,
    transparent=True,
    dpi=60,
    legend_handles=None,
    data_format=None,
):
    """Shows (or saves) a batch of images as a `rows` x `cols` grid, titled with their labels.

    Args:
        images: a batch of images `(batch, height, width, channels)` (or channels-first).
        y_true: integer labels, shown as "Label: <name>" (needs `label_map`).
        y_pred: integer predictions, shown as "Pred: <name>" (needs `label_map`).
        label_map: `{label: name}`.
        rows: grid rows; cols: grid columns (defaults as in Keras: `ceil(sqrt(n))` rows and
            `n // rows` columns). Cells beyond the images stay blank.
        value_range: the images' value range, rescaled to [0, 255] for display.
        scale: inches per grid cell.
        path: save the figure there (then it is not shown).
        show: show the figure (default: when `path` is None).
        transparent: save with a transparent background.
        dpi: the saved file's resolution.
        legend_handles: matplotlib handles for a figure legend.
        data_format: "channels_last" or "channels_first"; None for the global setting.

    Example:
        >>> plot_image_gallery(np.zeros((4, 8, 8, 3)), path="gallery.png")
    """
    plt = pyplot()
    if path is not None and show:
        raise ValueError("plot_gallery() expects either `path` to be set, or `show` to be true.")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError(
            "If `y_true` or `y_pred` are provided, a `label_map` must also be provided."
        )
    images = _images.to_numpy(images)
    if images.ndim != 4:
        raise ValueError(
            "`plot_images_gallery()` requires you to batch your `np.array` samples together; "
            f"received shape {images.shape}. Add a batch axis, e.g. `images[None]`."
        )
    images = to_uint8_range(_images.batched_channels_last(images, data_format), value_range)
    y_true = None if y_true is None else _images.to_numpy(y_true).reshape(-1)
    y_pred = None if y_pred is None else _images.to_numpy(y_pred).reshape(-1)
    rows, cols = grid_size(len(images), rows, cols)
    figure = plt.figure(figsize=(cols * scale, rows * scale))
    figure.tight_layout()
    plt.subplots_adjust(wspace=0, hspace=0)
    if legend_handles is not None:
        figure.legend(handles=legend_handles, loc="lower center")
    for index in range(min(rows * cols, len(images))):
        axis = plt.subplot(rows, cols, index + 1)
        image = images[index].astype("uint8")
        axis.imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap="gray")
        axis.axis("off")
        axis.margins(x=0, y=0)
        if label_map is not None:
            axis.set_title(_title(index, y_true, y_pred, label_map), fontsize=4)
    if path is not None:
        plt.savefig(fname=path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
        plt.close()
    elif show is None or show:
        plt.show()
        plt.close()
