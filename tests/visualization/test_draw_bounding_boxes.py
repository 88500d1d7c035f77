"""draw_bounding_boxes: boxes drawn as OpenCV draws them, formats, labels, text and errors."""

import numpy as np
import pytest

from cornu import visualization

cv2 = pytest.importorskip("cv2", reason="draw_bounding_boxes needs OpenCV (as Keras)")


def _boxes(boxes, labels, **extra):
    return {"boxes": np.array(boxes, "float32"), "labels": np.array(labels), **extra}


def _reference(height, width, value, box, color, thickness):
    image = np.full((height, width, 3), value, "uint8")
    cv2.rectangle(image, tuple(box[:2]), tuple(box[2:]), color, thickness)
    return image


def test_rectangle_matches_opencv_and_padding_is_skipped():
    images = np.full((1, 24, 32, 3), 50, "float32")
    boxes = _boxes([[[2, 3, 20, 15], [5, 5, 9, 9]]], [[1, -1]])
    out = visualization.draw_bounding_boxes(images, boxes, "xyxy")
    assert out.dtype == np.uint8 and out.shape == (1, 24, 32, 3)
    np.testing.assert_array_equal(out[0], _reference(24, 32, 50, (2, 3, 20, 15), (128,) * 3, 2))


@pytest.mark.parametrize(
    "fmt, box",
    [
        ("rel_xyxy", [0.1, 0.1, 0.5, 0.6]),
        ("xywh", [2, 2, 8, 10]),
        ("center_xywh", [6, 7, 8, 10]),
    ],
    ids=["rel_xyxy", "xywh", "center_xywh"],
)
def test_formats_convert_to_pixels(fmt, box):
    images = np.full((1, 20, 20, 3), 50, "float32")
    expected = visualization.draw_bounding_boxes(images, _boxes([[[2, 2, 10, 12]]], [[1]]), "xyxy")
    out = visualization.draw_bounding_boxes(images, _boxes([[box]], [[1]]), fmt)
    np.testing.assert_array_equal(out, expected)


def test_images_in_unit_range_are_scaled():
    images = np.full((1, 20, 20, 3), 0.5, "float32")
    out = visualization.draw_bounding_boxes(images, _boxes([[[2, 2, 10, 12]]], [[1]]), "xyxy")
    assert out[0, 0, 0].tolist() == [127, 127, 127]


def test_class_name_and_confidence_text():
    images = np.full((1, 40, 60, 3), 50, "float32")
    boxes = _boxes([[[2, 3, 50, 35]]], [[1]], confidences=np.array([[0.25]]))
    out = visualization.draw_bounding_boxes(
        images, boxes, "xyxy", class_mapping={1: "cat"}, color=(255, 0, 0), line_thickness=1,
        font_scale=0.5,
    )  # fmt: skip
    reference = _reference(40, 60, 50, (2, 3, 50, 35), (255, 0, 0), 1)
    # No room above the box: the text goes inside it, 3 px in.
    cv2.putText(reference, "cat | 0.25", (5, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 0, 0),
                1, cv2.LINE_AA)  # fmt: skip
    np.testing.assert_array_equal(out[0], reference)


def test_label_without_name_gets_no_text():
    images = np.full((1, 20, 20, 3), 50, "float32")
    boxes = _boxes([[[1, 1, 9, 9]]], [[2]])
    named = visualization.draw_bounding_boxes(images, boxes, "xyxy", class_mapping={1: "cat"})
    plain = visualization.draw_bounding_boxes(images, boxes, "xyxy")
    np.testing.assert_array_equal(named, plain)


def test_channels_first_is_returned_channels_last():
    images = np.full((1, 3, 20, 20), 50, "float32")
    out = visualization.draw_bounding_boxes(
        images, _boxes([[[2, 2, 10, 12]]], [[1]]), "xyxy", data_format="channels_first"
    )
    assert out.shape == (1, 20, 20, 3)


def test_errors():
    images = np.zeros((1, 8, 8, 3), "float32")
    with pytest.raises(TypeError, match="should be a dict"):
        visualization.draw_bounding_boxes(images, np.zeros((1, 1, 4)), "xyxy")
    with pytest.raises(ValueError, match="containing 'boxes' and 'labels'"):
        visualization.draw_bounding_boxes(images, {"boxes": np.zeros((1, 1, 4))}, "xyxy")
    with pytest.raises(ValueError, match="must be batched 4D tensor"):
        visualization.draw_bounding_boxes(images[0], _boxes([[[1, 1, 4, 4]]], [[0]]), "xyxy")
