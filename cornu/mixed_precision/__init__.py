"""`cornu.mixed_precision`: Keras's older names for dtype policies and loss scaling.

`Policy` is `DTypePolicy`, `global_policy` / `set_global_policy` are
`cornu.config.dtype_policy` / `set_dtype_policy`.
"""

from cornu.config import dtype_policy, set_dtype_policy
from cornu.dtype_policies import DTypePolicy
from cornu.optimizers import LossScaleOptimizer

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy
