"""`cornu.preprocessing.image`: Keras's older home of the image helpers."""

from cornu.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
