"""`FeatureSpace`: preprocessing and encoding of structured data (a dict of features) in
one layer: each feature goes through its preprocessor (Normalization, a lookup, Hashing,
...), categorical ones are one-hot encoded, crosses are hashed, and the results are
concatenated (output_mode="concat") or returned by name ("dict")."""

import io
import json
import os
import tempfile
import zipfile

import numpy as np

from cornu import layers, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._adapt_data import to_numpy
from cornu.utils import feature_space_features as specs
from cornu.utils.identifiers import snake_case

OUTPUT_MODES = ("concat", "dict")


def _is_symbolic(x):
    return isinstance(x, KerasTensor)


def _feature_batches(dataset, names):
    """{name: list of NumPy batches} from a tf.data dataset of dicts, an iterable of dicts
    of batches, or one dict of arrays."""
    if isinstance(dataset, dict):
        return {n: [np.asarray(to_numpy(dataset[n]))] for n in names if n in dataset}
    if type(dataset).__module__.startswith("tensorflow") and hasattr(dataset, "element_spec"):
        iterator = dataset.as_numpy_iterator()
    else:
        iterator = iter(dataset)
    out = {n: [] for n in names}
    for batch in iterator:
        if not isinstance(batch, dict):
            raise TypeError(
                "FeatureSpace.adapt expects a dataset of dicts of features (e.g. "
                "`dataset.map(lambda x, y: x)` to drop the labels); received batches of "
                f"{type(batch).__name__}."
            )
        for n in names:
            if n in batch:
                out[n].append(np.asarray(to_numpy(batch[n])))
    return out


class FeatureSpace(layers.Layer):
    """One-stop preprocessing of structured data.

    Args:
        features: `{name: type}` where a type is a name ("float", "float_rescaled",
            "float_normalized", "float_discretized", "integer_categorical",
            "string_categorical", "integer_hashed", "string_hashed") or a feature made by
            `FeatureSpace.float(...)`, `FeatureSpace.string_categorical(...)`, ...
        output_mode: "concat" (one float vector) or "dict" (one encoding per feature).
        crosses: crosses of features, as tuples of names or `FeatureSpace.cross(...)`.
        crossing_dim: the hash bins of crosses given as tuples of names.
        hashing_dim: the bins of hashed features given by type name.
        num_discretization_bins: the bins of "float_discretized" features given by name.

    Example:
        >>> space = FeatureSpace({"age": "float_normalized", "city": "string_categorical"})
        >>> space.adapt({"age": np.array([20., 40.]), "city": np.array(["a", "b"])})
        >>> space({"age": np.array([30.]), "city": np.array(["b"])})   # shape (1, 4)
    """

    cross = staticmethod(specs.cross)
    feature = staticmethod(specs.feature)
    float = staticmethod(specs.float_feature)
    float_rescaled = staticmethod(specs.float_rescaled)
    float_normalized = staticmethod(specs.float_normalized)
    float_discretized = staticmethod(specs.float_discretized)
    integer_categorical = staticmethod(specs.integer_categorical)
    string_categorical = staticmethod(specs.string_categorical)
    string_hashed = staticmethod(specs.string_hashed)
    integer_hashed = staticmethod(specs.integer_hashed)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32,
                 hashing_dim=32, num_discretization_bins=32, name=None):  # fmt: skip
        super().__init__(name=name)
        if not isinstance(features, dict) or not features:
            raise ValueError(
                "FeatureSpace: features must be a non-empty dict of {name: feature type}; "
                f"received {features!r}."
            )
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"FeatureSpace: output_mode must be one of {OUTPUT_MODES}; received "
                f"output_mode={output_mode!r}."
            )
        self.output_mode = output_mode
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {n: self._standardize_feature(n, f) for n, f in features.items()}
        self.crosses = [self._standardize_cross(c) for c in (crosses or [])]
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.preprocessors = {n: f.preprocessor for n, f in self.features.items()}
        self.crossers = {
            c.name: layers.HashedCrossing(num_bins=c.crossing_dim) for c in self.crosses
        }
        self.one_hot_encoders = {}
        self.concat = layers.Concatenate(axis=-1)
        self.inputs = None
        self.encoded_features = None
        self._adapted = not self._adaptable_names()

    def _standardize_feature(self, name, feature):
        if isinstance(feature, str):
            return specs.from_type_name(feature, name, self.hashing_dim,
                                        self.num_discretization_bins)  # fmt: skip
        if isinstance(feature, dict):
            feature = specs.deserialize_spec(feature)
        if not isinstance(feature, specs.Feature):
            raise ValueError(
                f"FeatureSpace: feature {name!r} must be a type name or a FeatureSpace "
                f"feature; received {feature!r}."
            )
        return feature

    def _standardize_cross(self, cross):
        if isinstance(cross, dict):
            cross = specs.deserialize_spec(cross)
        if not isinstance(cross, specs.Cross):
            cross = specs.Cross(tuple(cross), crossing_dim=self.crossing_dim)
        missing = [n for n in cross.feature_names if n not in self.features]
        if missing:
            raise ValueError(
                f"FeatureSpace: the cross {cross.feature_names} names features {missing} "
                f"that are not in `features` ({list(self.features)})."
            )
        return cross

    # -- adapting ------------------------------------------------------------------------

    def _adaptable_names(self):
        return [n for n, p in self.preprocessors.items()
                if hasattr(p, "adapt") and not self._has_state(p)]  # fmt: skip

    @staticmethod
    def _has_state(preprocessor):
        if hasattr(preprocessor, "is_adapted") and not isinstance(
            preprocessor, layers.Normalization
        ):
            return preprocessor.is_adapted
        if isinstance(preprocessor, layers.Discretization):
            return preprocessor.bin_boundaries is not None
        if isinstance(preprocessor, layers.Normalization):
            return getattr(preprocessor, "input_mean", None) is not None
        return True

    def adapt(self, dataset):
        """Learns the statistics and vocabularies of the adaptable features (Normalization,
        Discretization, lookups) from a tf.data dataset of dicts, an iterable of dicts of
        batches, or one dict of arrays."""
        names = self._adaptable_names()
        batches = _feature_batches(dataset, names)
        for name in names:
            if not batches.get(name):
                raise ValueError(
                    f"FeatureSpace.adapt: the data has no values for feature {name!r}; "
                    f"its batches must be dicts with the keys {list(self.features)}."
                )
            data = np.concatenate([self._column(b) for b in batches[name]], axis=0)
            self.preprocessors[name].adapt(data)
        self._adapted = True
        self._make_encoders()
        self.get_encoded_features()

    @staticmethod
    def _column(batch):
        batch = np.asarray(batch)
        if batch.ndim == 0:
            return batch.reshape(1, 1)
        return batch.reshape(-1, 1) if batch.ndim == 1 else batch

    def _make_encoders(self):
        for name, feature in self.features.items():
            if feature.output_mode == "one_hot" and name not in self.one_hot_encoders:
                size = specs.encoding_size(feature.preprocessor)
                self.one_hot_encoders[name] = layers.CategoryEncoding(
                    num_tokens=size, output_mode="one_hot"
                )
        for cross in self.crosses:
            if cross.output_mode == "one_hot" and cross.name not in self.one_hot_encoders:
                self.one_hot_encoders[cross.name] = layers.CategoryEncoding(
                    num_tokens=cross.crossing_dim, output_mode="one_hot"
                )

    # -- symbolic inputs and outputs -----------------------------------------------------

    def get_inputs(self):
        """`{name: Input(shape=(1,), dtype=...)}`, the inputs of a model using this space."""
        self._check_adapted()
        if self.inputs is None:
            self.inputs = {n: layers.Input(shape=(1,), dtype=f.dtype, name=n)
                           for n, f in self.features.items()}  # fmt: skip
        return dict(self.inputs)  # a plain dict (attributes of layers are tracked dicts)

    def get_encoded_features(self):
        """The space's output on `get_inputs()` (a KerasTensor, or a dict of them)."""
        self._check_adapted()
        if self.encoded_features is None:
            self.encoded_features = self._encode(self.get_inputs())
        encoded = self.encoded_features
        return dict(encoded) if isinstance(encoded, dict) else encoded

    def _check_adapted(self):
        if not self._adapted:
            raise ValueError(
                f"FeatureSpace '{self.name}' must be adapted before use: call "
                f"adapt() on a dataset of dicts with the features {self._adaptable_names()}."
            )

    # -- calling -------------------------------------------------------------------------

    def __call__(self, data):
        self._check_adapted()
        if not isinstance(data, dict):
            raise ValueError(
                f"FeatureSpace '{self.name}' is called on a dict of features; received "
                f"{type(data).__name__}."
            )
        missing = [n for n in self.features if n not in data]
        if missing:
            raise ValueError(
                f"FeatureSpace '{self.name}': the input dict lacks the features {missing} "
                f"(it has {list(data)})."
            )
        if any(_is_symbolic(data[n]) for n in self.features):
            return self._encode({n: data[n] for n in self.features})
        values = {n: self._standardize_value(n, data[n]) for n in self.features}
        unbatched = all(np.asarray(to_numpy(data[n])).ndim == 0 for n in self.features)
        out = self._encode(values)
        if unbatched:
            squeeze = lambda x: ops.squeeze(x, axis=0)  # noqa: E731
            out = {k: squeeze(v) for k, v in out.items()} if isinstance(out, dict) else squeeze(out)
        return out

    def call(self, data):
        return self(data)

    def _standardize_value(self, name, value):
        array = np.asarray(to_numpy(value))
        array = array.reshape(1, 1) if array.ndim == 0 else array
        array = array.reshape(-1, 1) if array.ndim == 1 else array
        dtype = self.features[name].dtype
        if dtype == "string":
            if array.dtype.kind in "iuf":
                array = array.astype(str)
            return array
        return ops.convert_to_tensor(array.astype(dtype))

    def _encode(self, values):
        self._make_encoders()
        processed = {n: self.preprocessors[n](values[n]) for n in self.features}
        encoded = {}
        for name, feature in self.features.items():
            encoded[name] = self._encode_one(name, feature.output_mode, processed[name])
        for cross in self.crosses:
            crossed = self.crossers[cross.name](tuple(processed[n] for n in cross.feature_names))
            encoded[cross.name] = self._encode_one(cross.name, cross.output_mode, crossed)
        # Keras's order: the features by name, then the crosses by name.
        order = sorted(self.features) + sorted(c.name for c in self.crosses)
        if self.output_mode == "dict":
            return {n: encoded[n] for n in order}
        parts = [specs.as_float(encoded[n]) for n in order]
        return self.concat(parts) if len(parts) > 1 else parts[0]

    def _encode_one(self, name, output_mode, x):
        if output_mode == "one_hot":
            return self.one_hot_encoders[name](x)
        if output_mode == "float":
            return specs.as_float(x)
        return x

    # -- configs and saving --------------------------------------------------------------

    def get_config(self):
        return {
            "features": {n: f.serialize(self._adapted) for n, f in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [c.serialize() for c in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {n: f.build_config(self._adapted) or {} for n, f in self.features.items()}

    def build_from_config(self, config):
        for name, build in (config or {}).items():
            preprocessor = self.preprocessors.get(name)
            if preprocessor is not None and build and not preprocessor.built:
                preprocessor.build_from_config(build)
        self.built = True

    def load_own_variables(self, store):
        # Loading restores the statistics (vocabularies come through load_assets).
        self._adapted = True

    def save_assets(self, dir_path):
        """Writes the vocabularies of the lookup preprocessors, in Keras's layout
        (`preprocessors/<layer>/vocabulary.txt`)."""
        for group, layer in self._preprocessor_groups():
            if hasattr(layer, "save_assets"):
                path = os.path.join(dir_path, "preprocessors", group)
                os.makedirs(path, exist_ok=True)
                layer.save_assets(path)

    def load_assets(self, dir_path):
        for group, layer in self._preprocessor_groups():
            path = os.path.join(dir_path, "preprocessors", group)
            if hasattr(layer, "load_assets") and os.path.exists(path):
                layer.load_assets(path)
        self._adapted = True

    def _preprocessor_groups(self):
        """(group name, layer) of the preprocessors, named as Keras names them in a file."""
        used = {}
        for layer in self.preprocessors.values():
            base = snake_case(type(layer).__name__)
            count = used.get(base, 0)
            used[base] = count + 1
            yield (base if count == 0 else f"{base}_{count}"), layer

    def save(self, filepath):
        """Saves the feature space as a `.keras` file that `keras.saving.load_model` (Keras
        or cornu) reads back."""
        # cornu.saving imports cornu.utils (this package): imported when a space is saved.
        from cornu.saving import keras_archive, saving_api, weights_h5
        from cornu.saving._h5 import h5py

        if not str(filepath).endswith(".keras"):
            raise ValueError(
                f"FeatureSpace.save: the file name must end in '.keras'; received {filepath!r}."
            )
        config = {
            "module": "keras.utils",
            "class_name": "FeatureSpace",
            "config": self.get_config(),
            "registered_name": None,
            "build_config": self.get_build_config(),
        }
        metadata = {"keras_version": keras_archive.KERAS_VERSION}
        weights = io.BytesIO()
        with h5py.File(weights, "w") as h5file:
            weights_h5.save_weights_to_h5(self, h5file)
        with tempfile.TemporaryDirectory() as assets:
            self.save_assets(assets)

            def write(handle):  # into a temporary file, renamed once whole
                with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                    archive.writestr(keras_archive.METADATA_FILE, json.dumps(metadata))
                    archive.writestr(keras_archive.CONFIG_FILE, json.dumps(_jsonable(config)))
                    archive.writestr(keras_archive.WEIGHTS_FILE, weights.getvalue())
                    for root, _, files in sorted(os.walk(assets)):
                        for file in sorted(files):
                            full = os.path.join(root, file)
                            relative = os.path.relpath(full, assets).replace(os.sep, "/")
                            archive.write(full, "assets/" + relative)

            saving_api.atomic_write(filepath, True, write)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
