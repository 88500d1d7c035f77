"""draw_segmentation_masks: colours, blending, ignored pixels, layouts and errors."""

import numpy as np
import pytest

from cornu import ops, visualization

_MASK = np.array([0, 1, -1, 2], "int32").reshape(1, 1, 4, 1)


def _image(value=100.0, dtype="float32"):
    return np.full((1, 1, 4, 3), value, dtype)


def test_default_colours_blend_and_truncate():
    out = visualization.draw_segmentation_masks(_image(), _MASK, num_classes=3)
    assert out.dtype == np.uint8
    # 0.2 * 100 + 0.8 * colour, truncated; class colours (id, 127 id, 31 id) mod 255.
    assert out[0, 0].tolist() == [[20, 20, 20], [20, 121, 44], [100, 100, 100], [21, 223, 69]]


def test_class_colours_wrap_modulo_255():
    masks = np.arange(12, dtype="int32").reshape(1, 1, 12, 1)
    out = visualization.draw_segmentation_masks(
        np.zeros((1, 1, 12, 3), "float32"), masks, num_classes=12, alpha=1.0
    )
    assert out[0, 0, 3].tolist() == [3, 126, 93]
    assert out[0, 0, 9].tolist() == [9, 123, 24]


def test_without_blend_replaces_pixels_as_float32():
    out = visualization.draw_segmentation_masks(_image(), _MASK, num_classes=3, blend=False)
    out = ops.convert_to_numpy(out)
    assert out.dtype == np.float32
    assert out[0, 0].tolist() == [[0, 0, 0], [1, 127, 31], [100, 100, 100], [2, 254, 62]]


def test_ignore_index_and_colour_mapping():
    out = visualization.draw_segmentation_masks(_image(), _MASK, num_classes=3, ignore_index=0)
    assert out[0, 0, 0].tolist() == [100, 100, 100]
    mapping = {0: (255, 0, 0), 1: (0, 255, 0), 2: (0, 0, 255)}
    out = visualization.draw_segmentation_masks(
        _image(), _MASK, num_classes=3, color_mapping=mapping, alpha=0.5
    )
    assert out[0, 0].tolist() == [[177, 50, 50], [50, 177, 50], [100, 100, 100], [50, 50, 177]]


def test_num_classes_none_paints_ids_below_the_largest():
    # As Keras: num_classes defaults to the largest id, so that id itself stays unpainted.
    out = visualization.draw_segmentation_masks(_image(), _MASK)
    assert out[0, 0, 1].tolist() == [20, 121, 44]
    assert out[0, 0, 3].tolist() == [100, 100, 100]


def test_clipped_to_uint8_range():
    out = visualization.draw_segmentation_masks(_image(300.0), _MASK, num_classes=3)
    assert out[0, 0, 2].tolist() == [255, 255, 255]


def test_channels_first_and_backend_tensors():
    images = ops.convert_to_tensor(np.full((1, 3, 1, 4), 100.0, "float32"))
    masks = ops.convert_to_tensor(_MASK.reshape(1, 1, 1, 4))
    out = visualization.draw_segmentation_masks(
        images, masks, num_classes=3, data_format="channels_first"
    )
    assert out.shape == (1, 1, 4, 3)
    assert out[0, 0, 1].tolist() == [20, 121, 44]


def test_errors():
    with pytest.raises(TypeError, match="must be in integer dtype"):
        visualization.draw_segmentation_masks(_image(), _MASK.astype("float32"), num_classes=3)
    with pytest.raises(ValueError, match="must be batched 4D tensor"):
        visualization.draw_segmentation_masks(_image()[0], _MASK[0], num_classes=3)
    with pytest.raises(ValueError, match="one class id per pixel"):
        visualization.draw_segmentation_masks(_image(), _MASK[:, :, :2], num_classes=3)


def test_ignore_index_also_holds_without_blend():
    # Keras 3.15 paints ignore_index pixels when blend=False; cornu leaves them in both modes.
    out = visualization.draw_segmentation_masks(
        _image(), _MASK, num_classes=3, ignore_index=1, blend=False
    )
    assert ops.convert_to_numpy(out)[0, 0, 1].tolist() == [100, 100, 100]
