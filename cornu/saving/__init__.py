"""`cornu.saving`: serialization of objects to Keras-format configs, and the registry."""

from cornu.saving.file_editor import KerasFileEditor
from cornu.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from cornu.saving.saving_api import load_model, load_weights, save_model, save_weights
from cornu.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
