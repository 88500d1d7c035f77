"""plot_image_gallery, plot_bounding_box_gallery, plot_segmentation_mask_gallery (Agg)."""

import numpy as np
import pytest

from cornu import visualization

matplotlib = pytest.importorskip("matplotlib", reason="the galleries need matplotlib")
matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402

_IMAGES = np.random.RandomState(0).uniform(0, 255, (6, 8, 8, 3)).astype("float32")


@pytest.fixture
def kept_figure(monkeypatch):
    """Keeps the gallery's figure open (the functions close it after showing/saving)."""
    calls = []
    close = plt.close
    monkeypatch.setattr(plt, "show", lambda *a, **k: calls.append("show"))
    monkeypatch.setattr(plt, "close", lambda *a, **k: calls.append("close"))
    yield calls
    close("all")


def _grid(figure):
    return figure.axes[0].get_subplotspec().get_geometry()[:2]


@pytest.mark.parametrize(
    "count, grid", [(1, (1, 1)), (3, (2, 1)), (5, (3, 1)), (6, (3, 2))], ids=str
)
def test_default_grid_and_size(kept_figure, count, grid):
    visualization.plot_image_gallery(_IMAGES[:count])
    figure = plt.gcf()
    assert _grid(figure) == grid
    assert len(figure.axes) == grid[0] * grid[1]
    assert tuple(figure.get_size_inches()) == (grid[1] * 2, grid[0] * 2)
    assert kept_figure == ["show", "close"]


def test_titles_and_saving_to_a_path(kept_figure, tmp_path):
    path = tmp_path / "gallery.png"
    visualization.plot_image_gallery(
        _IMAGES, y_true=[0, 1, 2, 0, 1, 2], y_pred=[0, 1, 1, 0, 1, 2],
        label_map={0: "a", 1: "b", 2: "c"}, rows=2, cols=2, path=str(path),
    )  # fmt: skip
    figure = plt.gcf()
    assert [ax.get_title() for ax in figure.axes][:3] == [
        "Label: a  Pred: a",
        "Label: b  Pred: b",
        "Label: c  Pred: b",
    ]
    assert kept_figure == ["close"]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_more_cells_than_images_leaves_them_blank(kept_figure):
    visualization.plot_image_gallery(_IMAGES[:5], rows=2, cols=3)
    assert len(plt.gcf().axes) == 5


def test_value_range_rescales(kept_figure):
    visualization.plot_image_gallery(_IMAGES[:1] / 255.0, value_range=(0, 1))
    shown = plt.gcf().axes[0].images[0].get_array()
    assert shown.dtype == np.uint8 and shown.max() >= 250


def test_gallery_errors():
    with pytest.raises(ValueError, match="either `path` to be set, or `show`"):
        visualization.plot_image_gallery(_IMAGES, path="x.png", show=True)
    with pytest.raises(ValueError, match="`label_map` must also be provided"):
        visualization.plot_image_gallery(_IMAGES, y_true=np.zeros(6))
    with pytest.raises(ValueError, match="requires you to batch"):
        visualization.plot_image_gallery(_IMAGES[0])


def test_bounding_box_gallery_with_legend(kept_figure, tmp_path):
    pytest.importorskip("cv2", reason="drawing boxes needs OpenCV")
    boxes = {"boxes": np.array([[[2, 2, 6, 6]]] * 6, "float32"), "labels": np.ones((6, 1))}
    visualization.plot_bounding_box_gallery(
        _IMAGES, "xyxy", y_true=boxes, y_pred=boxes, class_mapping={1: "x"}, legend=True,
        rows=2, cols=3, path=str(tmp_path / "boxes.png"),
    )  # fmt: skip
    figure = plt.gcf()
    assert _grid(figure) == (2, 3)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["Ground Truth", "Prediction"]
    assert (tmp_path / "boxes.png").exists()
    with pytest.raises(ValueError, match="Only pass `legend` OR `legend_handles`"):
        visualization.plot_bounding_box_gallery(_IMAGES, "xyxy", legend=True, legend_handles=[])


def test_segmentation_mask_gallery_rows_per_image(kept_figure):
    masks = np.zeros((6, 8, 8, 1), "int32")
    masks[:, 2:4] = 1
    visualization.plot_segmentation_mask_gallery(_IMAGES[:4], 2, y_true=masks[:4], y_pred=masks[:4])
    figure = plt.gcf()
    assert _grid(figure) == (4, 3)
    assert tuple(figure.get_size_inches()) == (6, 8)
    painted = figure.axes[1].images[0].get_array()
    assert not np.array_equal(painted, figure.axes[0].images[0].get_array())
    with pytest.raises(TypeError, match="sets `rows` itself"):
        visualization.plot_segmentation_mask_gallery(_IMAGES, 2, y_true=masks, rows=2)
