"""`cornu.utils`: helpers (random seeding, ...)."""

from cornu.backend import clear_session, is_keras_tensor, standardize_dtype
from cornu.utils.random_seed import set_random_seed
from cornu.utils.progbar import Progbar
from cornu.utils.py_dataset import PyDataset, Sequence
