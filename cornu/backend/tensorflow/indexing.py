"""TensorFlow indexing kernels: basic indexing natively, index/bool tensors via gather/mask."""

import tensorflow as tf


def get_item(x, key):
    if tf.is_tensor(key) or hasattr(key, "__array__") and not isinstance(key, (int, slice)):
        key = tf.convert_to_tensor(key)
        if key.dtype == tf.bool:
            return tf.boolean_mask(x, key)
        return tf.gather(x, tf.where(key < 0, key + tf.cast(tf.shape(x)[0], key.dtype), key))
    return x[key]
