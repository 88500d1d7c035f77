"""`cornu.optimizers`: update rules for training, and `get`/`serialize`/`deserialize`.

Example:
    >>> opt = cornu.optimizers.get("adam")
    >>> opt.apply([grad], [variable])
"""

from cornu.optimizers import legacy, schedules
from cornu.optimizers.adadelta import Adadelta
from cornu.optimizers.adafactor import Adafactor
from cornu.optimizers.adagrad import Adagrad
from cornu.optimizers.adam import Adam
from cornu.optimizers.adamax import Adamax
from cornu.optimizers.adamw import AdamW
from cornu.optimizers.ftrl import Ftrl
from cornu.optimizers.lamb import Lamb
from cornu.optimizers.lion import Lion
from cornu.optimizers.loss_scale_optimizer import LossScaleOptimizer
from cornu.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from cornu.optimizers.muon import Muon
from cornu.optimizers.nadam import Nadam
from cornu.optimizers.optimizer import Optimizer
from cornu.optimizers.rmsprop import RMSprop
from cornu.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from cornu.optimizers.sgd import SGD
from cornu.utils import identifiers

_CLASSES = [
    Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lamb, Lion, LossScaleOptimizer,
    MultiOptimizer, Muon, Nadam, RMSprop, ScheduleFreeAdamW, SGD,
]  # fmt: skip


def _table(custom_objects=None):
    aliases = {"rmsprop": RMSprop, "adamw": AdamW, "schedule_free_adamw": ScheduleFreeAdamW}
    table = identifiers.build_table(_CLASSES, aliases=aliases)
    table.update(custom_objects or {})
    return table


def get(identifier):
    """An Optimizer from a name ("adam", "Adam"), a config dict or an Optimizer instance."""
    if identifier is None:
        raise ValueError("Could not interpret optimizer identifier: None.")
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return identifiers.resolve(identifier, _table(), "optimizer", base=Optimizer)
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r} (expected a name, a config "
        "dict or an Optimizer)."
    )


def serialize(optimizer):
    """The Keras-format config dict of `optimizer`."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"serialize expects an Optimizer; received {type(optimizer).__name__}.")
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """The optimizer a `serialize` dict describes (class names or snake_case names)."""
    if not isinstance(config, dict):
        raise TypeError(f"deserialize expects a config dict; received {type(config).__name__}.")
    return identifiers.resolve(config, _table(custom_objects), "optimizer", base=Optimizer)
