"""The feature specifications of `FeatureSpace`: `Feature` (an input dtype, a preprocessing
layer and an output mode), `Cross` (features hashed together), and the named feature types
("float", "string_categorical", ...) they are built from.

Their configs follow Keras's `.keras` layout (module
`keras.src.layers.preprocessing.feature_space`), so saved feature spaces load both ways.
"""

from cornu import layers, ops
from cornu.saving import serialization_lib

FEATURE_MODULE = "keras.src.layers.preprocessing.feature_space"
FEATURE_OUTPUT_MODES = ("float", "one_hot", "int")


class TFDIdentity(layers.Layer):
    """The preprocessor of "float" features: returns its input unchanged."""

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


def _object_config(obj, registered_name=None):
    config = serialization_lib.serialize_keras_object(obj)
    if registered_name is not None:
        config = {**config, "module": FEATURE_MODULE, "registered_name": registered_name}
    return config


def _deserialize_preprocessor(config):
    if isinstance(config, dict) and config.get("class_name") == "TFDIdentity":
        layer = TFDIdentity.from_config(config["config"])
        if config.get("build_config"):
            layer.build_from_config(config["build_config"])
        return layer
    return serialization_lib.deserialize_keras_object(config)


class Feature:
    """One input feature of a `FeatureSpace`.

    Args:
        dtype: the dtype of the raw input ("float32", "int32", "string", ...).
        preprocessor: the layer applied to the input (a lookup, Normalization, ...).
        output_mode: "float" (used as is), "one_hot" (one-hot encoded indices) or "int".
    """

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in FEATURE_OUTPUT_MODES:
            raise ValueError(
                f"FeatureSpace: a feature's output_mode must be one of "
                f"{FEATURE_OUTPUT_MODES}; received output_mode={output_mode!r}."
            )
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = _deserialize_preprocessor(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self, adapted=False):
        registered = "TFDIdentity" if isinstance(self.preprocessor, TFDIdentity) else None
        preprocessor = _object_config(self.preprocessor, registered)
        preprocessor.pop("build_config", None)
        build = self.build_config(adapted)
        if build is not None:
            preprocessor["build_config"] = build
        return {"dtype": self.dtype, "preprocessor": preprocessor, "output_mode": self.output_mode}

    def build_config(self, adapted):
        """What Keras records as the preprocessor's build config: `{}` for lookups (built
        from the start), the `(None, 1)` input shape for the others once the space is
        adapted (it builds them on its symbolic inputs), else nothing."""
        if hasattr(self.preprocessor, "vocabulary_size"):
            return {}
        return {"input_shape": (None, 1)} if adapted else None

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def serialize(self, adapted=False):
        return {
            "module": FEATURE_MODULE,
            "class_name": "Feature",
            "config": self.get_config(adapted),
            "registered_name": "Feature",
        }


class Cross:
    """Features of a `FeatureSpace` crossed by hashing (a `HashedCrossing`).

    Args:
        feature_names: the names of the crossed features (two or more).
        crossing_dim: the number of hash bins.
        output_mode: "one_hot" or "int".
    """

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in ("one_hot", "int"):
            raise ValueError(
                "FeatureSpace: a cross's output_mode must be 'one_hot' or 'int'; received "
                f"output_mode={output_mode!r}."
            )
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {
            "feature_names": self.feature_names,
            "crossing_dim": self.crossing_dim,
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def serialize(self):
        return {
            "module": FEATURE_MODULE,
            "class_name": "Cross",
            "config": self.get_config(),
            "registered_name": "Cross",
        }


def deserialize_spec(config):
    """A `Feature` or `Cross` from its serialized dict (or the object itself)."""
    if isinstance(config, (Feature, Cross)):
        return config
    kinds = {"Feature": Feature, "Cross": Cross}
    if not isinstance(config, dict) or config.get("class_name") not in kinds:
        raise TypeError(
            f"FeatureSpace: expected a serialized Feature or Cross; received {config!r}."
        )
    return kinds[config["class_name"]].from_config(config["config"])


# -- the named feature types (FeatureSpace.float(), FeatureSpace.string_categorical(), ...) --


def cross(feature_names, crossing_dim, output_mode="one_hot"):
    return Cross(feature_names, crossing_dim, output_mode=output_mode)


def feature(dtype, preprocessor, output_mode):
    return Feature(dtype, preprocessor, output_mode)


def float_feature(name=None):
    name = name or "float"
    return Feature("float32", TFDIdentity(name=f"{name}_preprocessor"), "float")


def float_rescaled(scale=1.0, offset=0.0, name=None):
    name = name or "float_rescaled"
    preprocessor = layers.Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
    return Feature("float32", preprocessor, "float")


def float_normalized(name=None):
    name = name or "float_normalized"
    return Feature("float32", layers.Normalization(axis=-1, name=f"{name}_preprocessor"),
                   "float")  # fmt: skip


def float_discretized(num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
    name = name or "float_discretized"
    preprocessor = layers.Discretization(
        num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor"
    )
    return Feature("float32", preprocessor, output_mode)


def integer_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
    name = name or "integer_categorical"
    preprocessor = layers.IntegerLookup(
        name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
    )
    return Feature("int32", preprocessor, output_mode)


def string_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
    name = name or "string_categorical"
    preprocessor = layers.StringLookup(
        name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
    )
    return Feature("string", preprocessor, output_mode)


def string_hashed(num_bins, output_mode="one_hot", name=None):
    name = name or "string_hashed"
    return Feature("string", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                   output_mode)  # fmt: skip


def integer_hashed(num_bins, output_mode="one_hot", name=None):
    name = name or "integer_hashed"
    return Feature("int32", layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                   output_mode)  # fmt: skip


def from_type_name(type_name, feature_name, hashing_dim, num_discretization_bins):
    """The `Feature` a type name given as a string stands for (default arguments)."""
    makers = {
        "float": lambda: float_feature(name=feature_name),
        "float_rescaled": lambda: float_rescaled(name=feature_name),
        "float_normalized": lambda: float_normalized(name=feature_name),
        "float_discretized": lambda: float_discretized(
            num_discretization_bins, name=feature_name
        ),  # fmt: skip
        "integer_categorical": lambda: integer_categorical(name=feature_name),
        "string_categorical": lambda: string_categorical(name=feature_name),
        "integer_hashed": lambda: integer_hashed(hashing_dim, name=feature_name),
        "string_hashed": lambda: string_hashed(hashing_dim, name=feature_name),
    }
    if type_name not in makers:
        raise ValueError(
            f"FeatureSpace: unknown feature type {type_name!r} for feature "
            f"{feature_name!r}; use one of {sorted(makers)} or a FeatureSpace.feature(...)."
        )
    return makers[type_name]()


def encoding_size(preprocessor):
    """The number of one-hot slots of a categorical preprocessor's output."""
    if hasattr(preprocessor, "vocabulary_size"):
        return preprocessor.vocabulary_size()
    if hasattr(preprocessor, "num_bins") and preprocessor.num_bins is not None:
        return preprocessor.num_bins
    boundaries = getattr(preprocessor, "bin_boundaries", None)
    if boundaries is not None:
        return len(boundaries) + 1
    raise ValueError(
        f"FeatureSpace: cannot one-hot encode the output of {type(preprocessor).__name__} "
        "(it has no vocabulary size or number of bins); use output_mode='float' or 'int'."
    )


def as_float(x):
    return ops.cast(x, "float32")
