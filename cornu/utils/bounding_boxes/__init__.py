"""`cornu.utils.bounding_boxes` (Keras's `keras.utils.bounding_boxes`): box formats and
conversion, clipping, cropping, padding and affine moves, IoU/CIoU, and regression deltas.
Each works on unbatched `(N, 4)` and batched `(batch, N, 4)` boxes on every backend."""

from cornu.utils.bounding_boxes.deltas import decode_deltas_to_boxes, encode_box_to_deltas
from cornu.utils.bounding_boxes.formats import convert_format
from cornu.utils.bounding_boxes.geometry import affine_transform, clip_to_image_size, crop, pad
from cornu.utils.bounding_boxes.overlap import compute_ciou, compute_iou

__all__ = [
    "affine_transform",
    "clip_to_image_size",
    "compute_ciou",
    "compute_iou",
    "convert_format",
    "crop",
    "decode_deltas_to_boxes",
    "encode_box_to_deltas",
    "pad",
]
