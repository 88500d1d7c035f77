"""`cornu.utils`: helpers (random seeding, labels, padding, data packing, serialization, ...)."""

from cornu.backend import clear_session, is_keras_tensor, standardize_dtype
from cornu.config import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from cornu.saving import legacy_serialization as legacy
from cornu.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from cornu.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from cornu.utils import bounding_boxes
from cornu.utils.audio_dataset import audio_dataset_from_directory
from cornu.utils.config_object import Config
from cornu.utils.data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from cornu.utils.dataset_split import split_dataset
from cornu.utils.file_utils import get_file
from cornu.utils.image_dataset import image_dataset_from_directory
from cornu.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from cornu.utils.model_visualization import model_to_dot, plot_model
from cornu.utils.numerical import normalize, to_categorical
from cornu.utils.progbar import Progbar
from cornu.utils.py_dataset import PyDataset, Sequence
from cornu.utils.random_seed import set_random_seed
from cornu.utils.sequence_padding import pad_sequences
from cornu.utils.source_inputs import get_source_inputs
from cornu.utils.text_dataset import text_dataset_from_directory
from cornu.utils.timeseries_dataset import timeseries_dataset_from_array


def __getattr__(name):
    # FeatureSpace is built from layers, which import cornu.utils: imported on first use.
    if name == "FeatureSpace":
        from cornu.utils.feature_space import FeatureSpace

        return FeatureSpace
    raise AttributeError(f"module 'cornu.utils' has no attribute {name!r}")
