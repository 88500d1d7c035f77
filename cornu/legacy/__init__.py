"""keras.legacy: Keras 2 (TensorFlow) era names kept for old code (`keras.legacy.saving`)."""

from cornu.saving import legacy_serialization as saving

__all__ = ["saving"]
