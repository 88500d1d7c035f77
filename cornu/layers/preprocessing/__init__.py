"""Preprocessing layers: feature normalization, rescaling, resizing, cropping,
discretization, category encoding, vocabulary lookups and random image augmentation."""

from cornu.layers.preprocessing.aug_mix import AugMix
from cornu.layers.preprocessing.auto_contrast import AutoContrast
from cornu.layers.preprocessing.category_encoding import CategoryEncoding
from cornu.layers.preprocessing.center_crop import CenterCrop
from cornu.layers.preprocessing.contrast_limited_adaptive_histogram_equalization import (
    ContrastLimitedAdaptiveHistogramEqualization,
)
from cornu.layers.preprocessing.cut_mix import CutMix
from cornu.layers.preprocessing.discretization import Discretization
from cornu.layers.preprocessing.equalization import Equalization
from cornu.layers.preprocessing.hashed_crossing import HashedCrossing
from cornu.layers.preprocessing.hashing import Hashing
from cornu.layers.preprocessing.integer_lookup import IntegerLookup
from cornu.layers.preprocessing.max_num_bounding_boxes import MaxNumBoundingBoxes
from cornu.layers.preprocessing.mel_spectrogram import MelSpectrogram
from cornu.layers.preprocessing.mix_up import MixUp
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.pipeline import Pipeline
from cornu.layers.preprocessing.rand_augment import RandAugment
from cornu.layers.preprocessing.random_brightness import RandomBrightness
from cornu.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from cornu.layers.preprocessing.random_color_jitter import RandomColorJitter
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_crop import RandomCrop
from cornu.layers.preprocessing.random_elastic_transform import RandomElasticTransform
from cornu.layers.preprocessing.random_erasing import RandomErasing
from cornu.layers.preprocessing.random_flip import RandomFlip
from cornu.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur
from cornu.layers.preprocessing.random_grayscale import RandomGrayscale
from cornu.layers.preprocessing.random_hue import RandomHue
from cornu.layers.preprocessing.random_invert import RandomInvert
from cornu.layers.preprocessing.random_perspective import RandomPerspective
from cornu.layers.preprocessing.random_posterization import RandomPosterization
from cornu.layers.preprocessing.random_rotation import RandomRotation
from cornu.layers.preprocessing.random_saturation import RandomSaturation
from cornu.layers.preprocessing.random_sharpness import RandomSharpness
from cornu.layers.preprocessing.random_shear import RandomShear
from cornu.layers.preprocessing.random_translation import RandomTranslation
from cornu.layers.preprocessing.random_zoom import RandomZoom
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.resizing import Resizing
from cornu.layers.preprocessing.solarization import Solarization
from cornu.layers.preprocessing.stft_spectrogram import STFTSpectrogram
from cornu.layers.preprocessing.string_lookup import StringLookup
from cornu.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "AutoContrast",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "Equalization",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPosterization",
    "RandomSaturation",
    "RandomSharpness",
    "Solarization",
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "MelSpectrogram",
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
    "STFTSpectrogram",
    "StringLookup",
    "TextVectorization",
    "AugMix",
    "CutMix",
    "MaxNumBoundingBoxes",
    "MixUp",
    "Pipeline",
    "RandAugment",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomPerspective",
    "RandomShear",
]
