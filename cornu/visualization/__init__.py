"""`cornu.visualization`: drawing boxes and masks on images, and image galleries.

The drawing functions return NumPy arrays and need only NumPy (and OpenCV for boxes, as
Keras); the galleries need matplotlib. None of them imports TensorFlow.
"""

from cornu.visualization.draw_bounding_boxes import draw_bounding_boxes
from cornu.visualization.draw_segmentation_masks import draw_segmentation_masks
from cornu.visualization.plot_bounding_box_gallery import plot_bounding_box_gallery
from cornu.visualization.plot_image_gallery import plot_image_gallery
from cornu.visualization.plot_segmentation_mask_gallery import plot_segmentation_mask_gallery

__all__ = [
    "draw_bounding_boxes",
    "draw_segmentation_masks",
    "plot_bounding_box_gallery",
    "plot_image_gallery",
    "plot_segmentation_mask_gallery",
]
