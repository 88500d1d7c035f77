"""`cornu.models`: Model, Functional, Sequential."""

import json

from cornu.models.cloning import clone_model
from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.models.sequential import Sequential
from cornu.saving import saving_api, serialization_lib


def model_from_json(json_string, custom_objects=None):
    """A model from the JSON that `model.to_json()` wrote (fresh weights)."""
    return serialization_lib.deserialize_keras_object(json.loads(json_string), custom_objects)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` as a `.keras` file; see `cornu.saving.save_model`."""
    return saving_api.save_model(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` (or legacy `.h5`) model; see `cornu.saving.load_model`."""
    return saving_api.load_model(
        filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )
