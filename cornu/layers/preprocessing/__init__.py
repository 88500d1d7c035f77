"""Preprocessing layers: feature normalization, rescaling, resizing, cropping,
discretization and category encoding."""

from cornu.layers.preprocessing.category_encoding import CategoryEncoding
from cornu.layers.preprocessing.center_crop import CenterCrop
from cornu.layers.preprocessing.discretization import Discretization
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.resizing import Resizing

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "Normalization",
    "Rescaling",
    "Resizing",
]
