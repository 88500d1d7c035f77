"""`plot_bounding_box_gallery`: a gallery of images with true and predicted boxes drawn."""

from cornu.visualization import _images
from cornu.visualization.draw_bounding_boxes import draw_bounding_boxes
from cornu.visualization.plot_image_gallery import plot_image_gallery, pyplot, to_uint8_range


def plot_bounding_box_gallery(
    images,
    bounding_box_format,
    y_true=None,
    y_pred=None,
    value_range=(0, 255),
    true_color=(0, 188, 212),
    pred_color=(255, 235, 59),
    line_thickness=2,
    font_scale=1.0,
    text_thickness=None,
    class_mapping=None,
    ground_truth_mapping=None,
    prediction_mapping=None,
    legend=False,
    legend_handles=None,
    rows=None,
    cols=None,
    data_format=None,
    **kwargs,
):
    """Draws `y_true` boxes in `true_color` and `y_pred` boxes in `pred_color` on the images
    (with `draw_bounding_boxes`) and shows them with `plot_image_gallery`.

    Args:
        images: a batch of images (channels-last, or channels-first with `data_format`).
        bounding_box_format: the boxes' format, e.g. "xyxy".
        y_true: ground-truth boxes, `{"boxes": ..., "labels": ...}`.
        y_pred: predicted boxes (optionally with "confidences").
        value_range: the images' value range.
        true_color, pred_color: RGB colours of the two kinds of boxes.
        line_thickness, font_scale, text_thickness: as in `draw_bounding_boxes`
            (`text_thickness` None: `line_thickness`).
        class_mapping: `{label: name}` for both; `ground_truth_mapping` and
            `prediction_mapping` override it for each kind.
        legend: add a "Ground Truth"/"Prediction" legend (not with `legend_handles`).
        legend_handles: matplotlib handles for the legend instead.
        rows, cols: the grid (see `plot_image_gallery`).
        data_format: "channels_last" or "channels_first".
        **kwargs: passed on to `plot_image_gallery` (`path`, `show`, `scale`, `dpi`, ...).

    Example:
        >>> boxes = {"boxes": np.array([[[2, 2, 6, 6]]]), "labels": np.array([[0]])}
        >>> plot_bounding_box_gallery(np.zeros((1, 8, 8, 3)), "xyxy", y_true=boxes,
        ...                           path="boxes.png")
    """
    if legend and legend_handles is not None:
        raise ValueError("Only pass `legend` OR `legend_handles` to `plot_bounding_box_gallery()`.")
    if legend:
        from matplotlib import patches

        pyplot()
        legend_handles = [
            patches.Patch(color=[c / 255.0 for c in true_color], label="Ground Truth"),
            patches.Patch(color=[c / 255.0 for c in pred_color], label="Prediction"),
        ]
    images = _images.batched_channels_last(images, data_format)
    plotted = to_uint8_range(images, value_range)
    text_thickness = line_thickness if text_thickness is None else text_thickness
    options = {
        "bounding_box_format": bounding_box_format,
        "line_thickness": line_thickness,
        "text_thickness": text_thickness,
        "font_scale": font_scale,
    }
    for boxes, color, mapping in (
        (y_true, true_color, ground_truth_mapping),
        (y_pred, pred_color, prediction_mapping),
    ):
        if boxes is not None:
            plotted = draw_bounding_boxes(
                plotted,
                boxes,
                color=color,
                class_mapping=mapping or class_mapping,
                data_format="channels_last",
                **options,
            )
    return plot_image_gallery(
        plotted,
        value_range=(0, 255),
        legend_handles=legend_handles,
        rows=rows,
        cols=cols,
        data_format="channels_last",
        **kwargs,
    )
