"""`keras.utils.bounding_boxes` and boxes through the image layers: every format conversion,
clipping, cropping, padding, affine moves, IoU/CIoU, deltas, and the box transforms of the
layers whose result does not depend on a random draw. Inputs are NumPy and results are read
back as NumPy (int64 labels), so the comparison is about values, not tensor types."""

import numpy as np

from tests.parity.case import ALL, case

FORMATS = ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx",
           "rel_xywh", "rel_center_xywh"]  # fmt: skip
BOXES = np.array([[[10.0, 20.0, 50.0, 80.0], [0.0, 0.0, 100.0, 100.0], [120, 5, 130, 45]]],
                 "float32")  # fmt: skip


def _np(keras, x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _boxes_dict(keras, out):
    return {"boxes": _np(keras, out["boxes"]).astype("float32"),
            "labels": _np(keras, out["labels"]).astype("int64")}  # fmt: skip


@case(backends=ALL, rtol=1e-5, atol=1e-4)
def case_box_convert_every_format_pair(keras, H):
    bb = keras.utils.bounding_boxes
    out = {}
    for source in FORMATS:
        given = _np(keras, bb.convert_format(BOXES, "xyxy", source, height=100, width=200))
        for target in FORMATS:
            converted = bb.convert_format(given, source, target, height=100, width=200)
            out[f"{source}->{target}"] = _np(keras, converted)
    out["dict"] = _boxes_dict(
        keras,
        bb.convert_format(
            {"boxes": BOXES[0], "labels": np.array([1, 2, 3])}, "xyxy", "center_yxhw"
        ),
    )
    out["int32"] = _np(keras, bb.convert_format(np.array([[1, 2, 5, 9]]), "xyxy", "xywh",
                                                dtype="int32"))  # fmt: skip
    out["bad_format"] = H.raises(bb.convert_format, BOXES, "xyxy", "xyhw")
    out["no_size"] = H.raises(bb.convert_format, BOXES, "xyxy", "rel_xyxy")
    return out


@case(backends=ALL, rtol=1e-5, atol=1e-4)
def case_box_clip_crop_pad(keras, H):
    bb = keras.utils.bounding_boxes
    boxes = np.array([[-10.0, 20.0, 50.0, 180.0], [10, 10, 20, 20], [250, 10, 300, 20]],
                     "float32")  # fmt: skip
    labels = np.array([1, 2, 3])
    return {
        "clip": _boxes_dict(keras, bb.clip_to_image_size({"boxes": boxes, "labels": labels},
                                                         100, 200)),
        "clip_batched": _boxes_dict(keras, bb.clip_to_image_size(
            {"boxes": boxes[None], "labels": labels[None]}, 100, 200)),
        "clip_rel": _boxes_dict(keras, bb.clip_to_image_size(
            {"boxes": boxes / 300, "labels": labels}, bounding_box_format="rel_xyxy")),
        "crop": _np(keras, bb.crop(boxes, 5, 10, 50, 60)),
        "crop_batched": _np(keras, bb.crop(boxes[None], 5, 10, 50, 60)),
        "pad": _np(keras, bb.pad(boxes, 5, 10)),
        "pad_batched": _np(keras, bb.pad(boxes[None], 5, 10, 110, 220)),
        "clip_no_size": H.raises(bb.clip_to_image_size, {"boxes": boxes, "labels": labels}),
    }  # fmt: skip


@case(backends=ALL, rtol=1e-4, atol=1e-3)
def case_box_affine_transform(keras, H):
    bb = keras.utils.bounding_boxes
    boxes = np.concatenate([BOXES, BOXES + 5.0])

    def p(*values):
        return np.array(values, "float32")

    settings = {
        "rotate": (p(30.0, -90.0), p(0, 0), p(0, 0), p(1, 1), p(0, 0), p(0, 0)),
        "translate": (p(0, 0), p(0.1, -0.3), p(0.2, 0.05), p(1, 1), p(0, 0), p(0, 0)),
        "scale": (p(0, 0), p(0, 0), p(0, 0), p(2.0, 0.5), p(0, 0), p(0, 0)),
        "shear": (p(0, 0), p(0, 0), p(0, 0), p(1, 1), p(10.0, -5.0), p(-20.0, 15.0)),
        "all": (p(30.0, -70.0), p(0.1, 0.3), p(-0.1, 0.2), p(1.5, 0.7), p(0.1, 15.0),
                p(-0.2, 25.0)),
    }  # fmt: skip
    out = {name: _np(keras, bb.affine_transform(boxes, *args, 100, 200))
           for name, args in settings.items()}  # fmt: skip
    out["centre"] = _np(keras, bb.affine_transform(boxes, *settings["all"], 100, 200,
                                                   center_x=0.2, center_y=0.7))  # fmt: skip
    return out


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_box_iou_and_ciou(keras, H):
    bb = keras.utils.bounding_boxes
    a = np.array([[10, 20, 50, 80], [-1, -1, -1, -1], [5, 5, 5, 5], [-2, 0, 3, 4]], "float32")
    b = np.array([[15, 25, 45, 70], [0, 0, 100, 100], [-1, -1, -1, -1]], "float32")
    out = {}
    for fmt in ("xyxy", "yxyx", "xywh", "center_xywh"):
        out[f"iou_{fmt}"] = _np(keras, bb.compute_iou(a, b, fmt))
        out[f"masked_{fmt}"] = _np(
            keras, bb.compute_iou(a[None], b[None], fmt, use_masking=True, mask_val=-3)
        )
        out[f"ciou_{fmt}"] = _np(keras, bb.compute_ciou(a[:3], b + 3, fmt))
    out["iou_batch_vs_flat"] = _np(keras, bb.compute_iou(a[None], b, "xyxy"))
    out["iou_rel"] = _np(
        keras, bb.compute_iou(a / 100, b / 90, "rel_xyxy", image_shape=(100, 200, 3))
    )
    out["ciou_batched"] = _np(keras, bb.compute_ciou(a[None, :3], b[None], "xyxy"))
    out["rel_no_shape"] = H.raises(bb.compute_iou, a / 100, b / 100, "rel_xyxy")
    out["rank1"] = H.raises(bb.compute_iou, a[0], b[0], "xyxy")
    return out  # fmt: skip


@case(backends=ALL, rtol=1e-4, atol=1e-4)
def case_box_deltas(keras, H):
    bb = keras.utils.bounding_boxes
    anchors = np.array([[10.0, 20.0, 50.0, 80.0], [0, 0, 100, 100]], "float32")
    boxes = np.array([[12.0, 18.0, 55.0, 70.0], [10, 20, 30, 40]], "float32")
    # Deltas as tensors: Keras 3.15 on torch cannot multiply NumPy deltas by its anchors.
    deltas = keras.ops.convert_to_tensor(
        np.array([[0.1, -0.2, 0.3, -0.1], [0.0, 0.5, -0.4, 0.2]], "float32")
    )
    out = {}
    for enc in ("center_yxhw", "center_xywh"):
        out[f"encode_{enc}"] = _np(
            keras,
            bb.encode_box_to_deltas(
                anchors, boxes, "xyxy", "xywh", encoding_format=enc, variance=[0.1, 0.1, 0.2, 0.2]
            ),
        )
        out[f"decode_{enc}"] = _np(
            keras,
            bb.decode_deltas_to_boxes(anchors, deltas, "xyxy", "center_xywh", encoded_format=enc),
        )
    out["encode_batched"] = _np(
        keras, bb.encode_box_to_deltas(anchors, boxes[None], "xyxy", "xyxy")
    )
    out["encode_rel"] = _np(
        keras,
        bb.encode_box_to_deltas(
            anchors, boxes / 100, "xyxy", "rel_xyxy", image_shape=(100, 200, 3)
        ),
    )
    out["decode_rel"] = _np(
        keras,
        bb.decode_deltas_to_boxes(anchors, deltas, "xyxy", "rel_xyxy", image_shape=(100, 200, 3)),
    )
    levels = bb.decode_deltas_to_boxes(
        {"p3": anchors, "p4": anchors[:1]}, {"p3": deltas, "p4": deltas[:1]}, "xyxy", "xyxy"
    )
    out["decode_levels"] = {k: _np(keras, v) for k, v in levels.items()}
    out["bad_encoding"] = H.raises(
        bb.encode_box_to_deltas, anchors, boxes, "xyxy", "xyxy", encoding_format="xyxy"
    )
    out["bad_variance"] = H.raises(
        bb.encode_box_to_deltas, anchors, boxes, "xyxy", "xyxy", variance=[0.1, 0.2, 0.3]
    )
    return out  # fmt: skip


def _scene():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (2, 100, 200, 3)).astype("float32")
    masks = rng.integers(0, 3, (2, 100, 200, 1)).astype("float32")
    boxes = np.array([[[10.0, 20.0, 50.0, 70.0], [30, 40, 190, 95], [120, 5, 130, 45]]] * 2,
                     "float32")  # fmt: skip
    labels = np.array([[1, 2, 3]] * 2)
    return images, masks, boxes, labels


def _run(keras, layer, fmt="xyxy", masks=True, **kwargs):
    images, seg, boxes, labels = _scene()
    given = _np(
        keras, keras.utils.bounding_boxes.convert_format(boxes, "xyxy", fmt, height=100, width=200)
    )
    data = {"images": images, "bounding_boxes": {"boxes": given, "labels": labels}}
    if masks:
        data["segmentation_masks"] = seg
    out = layer(data, **kwargs)
    seen = {"boxes": _boxes_dict(keras, out["bounding_boxes"]),
            "images": _np(keras, out["images"])}  # fmt: skip
    if masks:
        seen["masks"] = _np(keras, out["segmentation_masks"])
    return seen


@case(backends=ALL, rtol=1e-4, atol=1e-3)
def case_box_layers_without_randomness(keras, H):
    L = keras.layers
    out = {}
    for fmt in ("xyxy", "xywh", "center_yxhw", "rel_yxyx"):
        out[f"resize_{fmt}"] = _run(keras, L.Resizing(50, 50, bounding_box_format=fmt), fmt)
    out["resize_crop"] = _run(
        keras, L.Resizing(50, 50, crop_to_aspect_ratio=True, bounding_box_format="xyxy")
    )
    out["resize_crop_tall"] = _run(
        keras, L.Resizing(60, 20, crop_to_aspect_ratio=True, bounding_box_format="xyxy")
    )
    # An even padding (250 rows, 25 output rows): Keras rounds the box offset in output
    # pixels, which only agrees with the padded image when that offset is whole.
    out["resize_pad_tall"] = _run(
        keras, L.Resizing(60, 20, pad_to_aspect_ratio=True, bounding_box_format="xyxy")
    )
    out["center_crop"] = _run(keras, L.CenterCrop(50, 60, bounding_box_format="xyxy"))
    # Upscaling: Keras resizes masks bilinearly (mixing class ids); only boxes are compared.
    out["center_crop_up"] = _run(
        keras, L.CenterCrop(150, 60, bounding_box_format="xyxy"), masks=False
    )
    out["random_crop_full"] = _run(
        keras, L.RandomCrop(100, 200, seed=3, bounding_box_format="xyxy")
    )
    out["translation_inference"] = _run(
        keras, L.RandomTranslation(0.1, 0.1, bounding_box_format="xyxy"), training=False
    )
    return out  # fmt: skip


@case(backends=ALL, rtol=1e-4, atol=1e-3)
def case_box_layers_fixed_factors(keras, H):
    """Rotation, zoom and translation with a one-point range: the draw is the factor."""
    L = keras.layers
    # Masks of the affine layers differ between Keras backends (nearest sampling at exact
    # half-pixels), so these compare boxes and images only.
    layers = {
        "rot90": L.RandomRotation((0.25, 0.25), bounding_box_format="xyxy"),
        "rot36": L.RandomRotation((0.1, 0.1), fill_mode="constant", bounding_box_format="xyxy"),
        "rot_neg": L.RandomRotation((-0.3, -0.3), bounding_box_format="xyxy"),
        "zoom_out": L.RandomZoom((0.5, 0.5), bounding_box_format="xyxy"),
        "zoom_in": L.RandomZoom((-0.5, -0.5), (0.2, 0.2), bounding_box_format="xyxy"),
        "translate": L.RandomTranslation((0.1, 0.1), (-0.2, -0.2), bounding_box_format="xyxy"),
    }
    return {name: _run(keras, layer, masks=False)["boxes"] for name, layer in layers.items()}


@case(backends=ALL, rtol=1e-5, atol=1e-4)
def case_box_random_flip_follows_images(keras, H):
    """Whatever the draw, a flipped image has flipped boxes and masks: undoing the flip
    where the image was flipped gives back the input."""
    images, seg, boxes, labels = _scene()
    out = {}
    for mode, seed in (("horizontal", 1), ("horizontal", 2), ("vertical", 3)):
        layer = keras.layers.RandomFlip(mode, seed=seed, bounding_box_format="xyxy")
        got = layer(
            {
                "images": images,
                "segmentation_masks": seg,
                "bounding_boxes": {"boxes": boxes, "labels": labels},
            }
        )
        out_images, out_masks = _np(keras, got["images"]), _np(keras, got["segmentation_masks"])
        out_boxes = _np(keras, got["bounding_boxes"]["boxes"])
        axis = 1 if mode == "horizontal" else 0
        undone = []
        for i in range(2):
            flipped = bool(np.allclose(out_images[i], np.flip(images[i], axis)))
            same = bool(np.allclose(out_images[i], images[i]))
            masks_follow = bool(
                np.allclose(out_masks[i], np.flip(seg[i], axis) if flipped else seg[i])
            )
            b = out_boxes[i]
            if flipped and mode == "horizontal":
                b = np.stack([200 - b[:, 2], b[:, 1], 200 - b[:, 0], b[:, 3]], -1)
            elif flipped:
                b = np.stack([b[:, 0], 100 - b[:, 3], b[:, 2], 100 - b[:, 1]], -1)
            undone.append(
                {
                    "flipped_or_same": flipped or same,
                    "masks_follow": masks_follow,
                    "boxes": b.astype("float32"),
                }
            )
        out[f"{mode}_{seed}"] = undone
        out[f"{mode}_{seed}_labels"] = _np(keras, got["bounding_boxes"]["labels"]).astype("int64")
    out["unbatched_flipped"] = _np(
        keras,
        keras.layers.RandomFlip("horizontal", bounding_box_format="xyxy", seed=0)(
            {"images": images[0], "bounding_boxes": {"boxes": boxes[0], "labels": labels[0]}}
        )["bounding_boxes"]["boxes"],
    ).shape
    return out  # fmt: skip
