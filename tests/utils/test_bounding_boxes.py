"""`cornu.utils.bounding_boxes`: every format conversion against hand-written NumPy, round
trips, dicts and batches, clipping/cropping/padding, affine moves, IoU/CIoU and deltas, and
the errors for bad input."""

import math

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.utils import bounding_boxes as bb

H, W = 100, 200
XYXY = np.array([[10.0, 20.0, 50.0, 80.0], [0.0, 0.0, 100.0, 100.0]], "float32")
# The same two boxes written in every format (computed by hand from XYXY, H and W).
IN_FORMAT = {
    "xyxy": XYXY,
    "yxyx": XYXY[:, [1, 0, 3, 2]],
    "xywh": np.array([[10, 20, 40, 60], [0, 0, 100, 100]], "float32"),
    "center_xywh": np.array([[30, 50, 40, 60], [50, 50, 100, 100]], "float32"),
    "center_yxhw": np.array([[50, 30, 60, 40], [50, 50, 100, 100]], "float32"),
    "rel_xyxy": XYXY / [W, H, W, H],
    "rel_yxyx": XYXY[:, [1, 0, 3, 2]] / [H, W, H, W],
    "rel_xywh": np.array([[10, 20, 40, 60], [0, 0, 100, 100]], "float32") / [W, H, W, H],
    "rel_center_xywh": np.array([[30, 50, 40, 60], [50, 50, 100, 100]], "float32") / [W, H, W, H],
}


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_public_names_are_keras_names():
    names = {n for n in dir(bb) if not n.startswith("_")} & set(bb.__all__)
    assert names == {"affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou",
                     "convert_format", "crop", "decode_deltas_to_boxes",
                     "encode_box_to_deltas", "pad"}  # fmt: skip
    assert cornu.utils.bounding_boxes is bb


@pytest.mark.parametrize("source", sorted(IN_FORMAT))
@pytest.mark.parametrize("target", sorted(IN_FORMAT))
def test_convert_format_every_pair(source, target):
    out = bb.convert_format(IN_FORMAT[source], source, target, height=H, width=W)
    np.testing.assert_allclose(to_np(out), IN_FORMAT[target], rtol=1e-6, atol=1e-6)
    assert out.dtype == "float32" or str(out.dtype).endswith("float32")


def test_convert_format_batched_dict_dtype_and_case():
    batched = np.stack([XYXY, XYXY + 1])
    out = bb.convert_format(batched, "XYXY", "Center_XYWH")
    assert tuple(out.shape) == (2, 2, 4)
    np.testing.assert_allclose(to_np(out)[1, 0], [31, 51, 40, 60])
    labels = np.array([1, 2])
    as_dict = bb.convert_format({"boxes": XYXY, "labels": labels}, "xyxy", "xywh")
    np.testing.assert_allclose(to_np(as_dict["boxes"]), IN_FORMAT["xywh"])
    assert as_dict["labels"] is labels
    ints = bb.convert_format(np.array([[1, 2, 3, 4]]), "xyxy", "xywh", dtype="int32")
    assert "int32" in str(ints.dtype)
    np.testing.assert_array_equal(to_np(ints), [[1, 2, 2, 2]])
    relative = bb.convert_format(IN_FORMAT["rel_xyxy"], "rel_xyxy", "rel_center_xywh")
    np.testing.assert_allclose(to_np(relative), IN_FORMAT["rel_center_xywh"], atol=1e-6)


def test_convert_format_errors():
    with pytest.raises(ValueError, match="target must be one of"):
        bb.convert_format(XYXY, "xyxy", "rel_center_yxhw")
    with pytest.raises(ValueError, match="needs `height` and `width`"):
        bb.convert_format(XYXY, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="last axis holds 4 coordinates"):
        bb.convert_format(np.zeros((2, 5)), "xyxy", "xywh")


def test_clip_to_image_size_marks_empty_boxes():
    boxes = np.array([[-10, 20, 50, 180], [10, 10, 20, 20], [250, 10, 300, 20]], "float32")
    out = bb.clip_to_image_size({"boxes": boxes, "labels": np.array([1, 2, 3])}, H, W)
    np.testing.assert_allclose(to_np(out["boxes"]),
                               [[0, 20, 50, 100], [10, 10, 20, 20], [200, 10, 200, 20]])  # fmt: skip
    np.testing.assert_array_equal(to_np(out["labels"]), [1, 2, -1])
    rel = bb.clip_to_image_size({"boxes": boxes / 300, "labels": np.array([1, 2, 3])},
                                bounding_box_format="rel_xyxy")  # fmt: skip
    assert to_np(rel["boxes"]).min() >= 0 and to_np(rel["boxes"]).max() <= 1
    batched = bb.clip_to_image_size({"boxes": boxes[None]}, H, W)
    assert tuple(batched["boxes"].shape) == (1, 3, 4) and "labels" not in batched
    xywh = bb.clip_to_image_size(bb.convert_format(boxes, "xyxy", "xywh"), H, W, "xywh")
    np.testing.assert_allclose(to_np(xywh)[0], [0, 20, 50, 80])
    with pytest.raises(ValueError, match="needs `height` and `width`"):
        bb.clip_to_image_size({"boxes": boxes})


def test_crop_and_pad_shift_boxes():
    boxes = np.array([[-10, 20, 50, 180], [250, 10, 300, 20]], "float32")
    np.testing.assert_allclose(to_np(bb.crop(boxes, 5, 10, 50, 60)),
                               [[0, 15, 40, 50], [60, 5, 60, 15]])  # fmt: skip
    np.testing.assert_allclose(to_np(bb.crop(boxes, 5, 10, None, None)),
                               [[0, 15, 40, 175], [240, 5, 290, 15]])  # fmt: skip
    np.testing.assert_allclose(to_np(bb.pad(boxes, 5, 10)), [[0, 25, 60, 185], [260, 15, 310, 25]])
    per_image = bb.crop(np.stack([boxes, boxes]), np.array([0.0, 5.0]), np.array([0.0, 10.0]),
                        None, None)  # fmt: skip
    np.testing.assert_allclose(to_np(per_image)[1], to_np(bb.crop(boxes, 5, 10, None, None)))
    np.testing.assert_allclose(to_np(per_image)[0], np.maximum(boxes, 0))
    yxyx = bb.pad(boxes[:, [1, 0, 3, 2]], 5, 10, bounding_box_format="yxyx")
    np.testing.assert_allclose(to_np(yxyx), to_np(bb.pad(boxes, 5, 10))[:, [1, 0, 3, 2]])
    with pytest.raises(ValueError, match="works on pixel coordinates"):
        bb.crop(boxes / 300, 1, 1, 10, 10, bounding_box_format="rel_xyxy")
    with pytest.raises(ValueError, match="one value per image"):
        bb.pad(boxes, np.array([1.0, 2.0]), 0)


def _corners_reference(box, matrix, shift, centre):
    x1, y1, x2, y2 = box
    pts = np.array([[x1, y1], [x2, y1], [x1, y2], [x2, y2]]) - centre + shift
    pts = pts @ np.asarray(matrix).T + centre
    return [*pts.min(0), *pts.max(0)]


def test_affine_transform_matches_corner_reference():
    angle, tx, ty, scale = 30.0, 0.1, -0.1, 1.5
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    rotation = np.array([[c, s], [-s, c]]) * scale
    centre = np.array([(W - 1) / 2, (H - 1) / 2])
    shift = np.array([tx * (W - 1), ty * (H - 1)])
    one = lambda v: np.array([v], "float32")  # noqa: E731
    out = bb.affine_transform(XYXY[None], one(angle), one(tx), one(ty), one(scale), one(0.0),
                              one(0.0), H, W)  # fmt: skip
    want = [_corners_reference(b, rotation, shift, centre) for b in XYXY]
    np.testing.assert_allclose(to_np(out)[0], want, rtol=1e-5, atol=1e-3)
    # A pure 90 degree turn about the centre, unbatched with scalars.
    turned = bb.affine_transform(XYXY, 90.0, 0.0, 0.0, 1.0, 0.0, 0.0, H, W)
    np.testing.assert_allclose(to_np(turned)[1], [50, 49, 150, 149], atol=1e-4)
    # A shear of 10 degrees in x leans the box by tan(10 deg) per row from the centre.
    sheared = bb.affine_transform(XYXY, 0.0, 0.0, 0.0, 1.0, 10.0, 0.0, H, W)
    k = math.tan(math.radians(10))
    np.testing.assert_allclose(to_np(sheared)[0], [10 + k * (20 - 49.5), 20, 50 + k * 30.5, 80],
                               rtol=1e-5)  # fmt: skip


def test_compute_iou_pairs_masking_and_batches():
    a = np.array([[10, 20, 50, 80], [0, 0, 100, 100], [5, 5, 5, 5]], "float32")
    b = np.array([[15, 25, 45, 70], [-1, -1, -1, -1]], "float32")
    iou = to_np(bb.compute_iou(a, b, "xyxy"))
    np.testing.assert_allclose(iou, [[0.5625, 0], [0.135, 0], [0, 0]], atol=1e-6)
    masked = to_np(bb.compute_iou(a[None], b[None], "xyxy", use_masking=True, mask_val=-7))
    np.testing.assert_allclose(masked[0, :, 1], [-7, -7, -7])
    assert to_np(bb.compute_iou(a[None], b, "xyxy")).shape == (1, 3, 2)
    rel = bb.compute_iou(a / 100, b / 100, "rel_xyxy", image_shape=(100, 200, 3))
    np.testing.assert_allclose(to_np(rel), iou, atol=1e-6)
    with pytest.raises(ValueError, match="needs `image_shape`"):
        bb.compute_iou(a / 100, b / 100, "rel_xyxy")
    with pytest.raises(ValueError, match=r"expects boxes1 unbatched \(N, 4\)"):
        bb.compute_iou(a[0], b, "xyxy")


def test_compute_ciou_against_formula():
    a = np.array([[10, 20, 50, 80], [0, 0, 100, 100]], "float32")
    b = np.array([[15, 25, 45, 70], [-1, -1, -1, -1]], "float32")
    np.testing.assert_allclose(to_np(bb.compute_ciou(a, b, "xyxy")), [0.561298, -0.304975],
                               atol=1e-5)  # fmt: skip
    same = bb.compute_ciou(a, a, "xyxy")
    np.testing.assert_allclose(to_np(same), [1.0, 1.0], atol=1e-5)
    rel = bb.compute_ciou(a / 100, b / 100, "rel_xyxy", image_shape=(100, 100))
    np.testing.assert_allclose(to_np(rel), to_np(bb.compute_ciou(a, b, "xyxy")), atol=1e-5)


def test_deltas_round_trip_and_values():
    anchors = XYXY
    boxes = np.array([[12, 18, 55, 70], [10, 20, 30, 40]], "float32")
    deltas = to_np(bb.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy"))
    # centre_yxhw: (dy / h_a, dx / w_a, log(h / h_a), log(w / w_a))
    np.testing.assert_allclose(deltas[0], [-6 / 60, 3.5 / 40, math.log(52 / 60),
                                           math.log(43 / 40)], rtol=1e-5)  # fmt: skip
    variance = [0.1, 0.1, 0.2, 0.2]
    for encoding in ("center_yxhw", "center_xywh"):
        d = bb.encode_box_to_deltas(anchors, boxes[None], "xyxy", "xyxy", encoding, variance)
        back = bb.decode_deltas_to_boxes(anchors, d, "xyxy", "xywh", encoding, variance)
        np.testing.assert_allclose(to_np(back)[0], to_np(bb.convert_format(boxes, "xyxy",
                                                                           "xywh")), atol=1e-4)  # fmt: skip
    levels = bb.decode_deltas_to_boxes({"p3": anchors}, {"p3": deltas}, "xyxy", "xyxy")
    np.testing.assert_allclose(to_np(levels["p3"]), boxes, atol=1e-4)
    rel = bb.decode_deltas_to_boxes(anchors, deltas, "xyxy", "rel_xyxy", image_shape=(100, 200))
    np.testing.assert_allclose(to_np(rel), boxes / [200, 100, 200, 100], atol=1e-6)


def test_deltas_errors():
    with pytest.raises(ValueError, match="encoding_format must be one of"):
        bb.encode_box_to_deltas(XYXY, XYXY, "xyxy", "xyxy", encoding_format="xyxy")
    with pytest.raises(ValueError, match="variance must hold 4 numbers"):
        bb.encode_box_to_deltas(XYXY, XYXY, "xyxy", "xyxy", variance=[0.1, 0.1, 0.2])
    with pytest.raises(ValueError, match="needs `image_shape`"):
        bb.decode_deltas_to_boxes(XYXY, XYXY, "rel_xyxy", "xyxy")
    with pytest.raises(ValueError, match="same keys"):
        bb.decode_deltas_to_boxes({"a": XYXY}, XYXY, "xyxy", "xyxy")
