"""Preprocessing layers: feature normalization, rescaling, resizing, cropping,
discretization, category encoding, vocabulary lookups and random image augmentation."""

from cornu.layers.preprocessing.category_encoding import CategoryEncoding
from cornu.layers.preprocessing.center_crop import CenterCrop
from cornu.layers.preprocessing.discretization import Discretization
from cornu.layers.preprocessing.integer_lookup import IntegerLookup
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.random_brightness import RandomBrightness
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_crop import RandomCrop
from cornu.layers.preprocessing.random_flip import RandomFlip
from cornu.layers.preprocessing.random_rotation import RandomRotation
from cornu.layers.preprocessing.random_translation import RandomTranslation
from cornu.layers.preprocessing.random_zoom import RandomZoom
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.resizing import Resizing
from cornu.layers.preprocessing.string_lookup import StringLookup

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "IntegerLookup",
    "Normalization",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "StringLookup",
]
