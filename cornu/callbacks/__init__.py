"""`cornu.callbacks`: hooks into `fit`, `evaluate` and `predict`."""

from cornu.callbacks.callback import Callback
from cornu.callbacks.callback_list import CallbackList
from cornu.callbacks.history import History
from cornu.callbacks.progbar_logger import ProgbarLogger
