"""`cornu.models`: Model, Functional, Sequential."""

from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.models.sequential import Sequential
from cornu.models.cloning import clone_model
