"""Multi-tensor optimizer updates for torch: one `torch._foreach_*` call per arithmetic step
for all variables, instead of one small eager op per variable per step.

Each function computes exactly the update of the optimizer's portable `update_step` (written
with cornu.ops in cornu/optimizers/), for every variable at once. The base Optimizer uses
one only when the optimizer's `update_step` is the built-in one it mirrors (a subclass that
overrides `update_step` keeps its own), outside a StatelessScope. Keys are
`(module, qualname)` of the `update_step` function mirrored.
"""

import math

import torch


def _values(variables):
    return [v.value for v in variables]


def _scalar(value):
    """A Variable's tensor, or the value itself."""
    return value.value if hasattr(value, "value") and not isinstance(value, torch.Tensor) else value


def _host_scalars(params):
    """Whether to read step scalars (learning rate, step count) as Python floats: free on the
    CPU; on an accelerator they stay tensors so no step waits for the device."""
    return params[0].device.type == "cpu"


def _as_scalar_tensor(value, like):
    return torch.as_tensor(_scalar(value), dtype=like.dtype, device=like.device)


def adam(optimizer, grads, variables, learning_rate):
    """Adam/AdamW (optionally AMSGrad) for all `variables` at once."""
    index = optimizer._get_variable_index
    slots = [index(v) for v in variables]
    params = _values(variables)
    m = [optimizer._momentums[i].value for i in slots]
    v = [optimizer._velocities[i].value for i in slots]
    beta_1, beta_2 = optimizer.beta_1, optimizer.beta_2
    # m += (g - m) * (1 - b1); v = b2 v + (1 - b2) g^2   (update_step's math)
    torch._foreach_lerp_(m, grads, 1.0 - beta_1)
    torch._foreach_mul_(v, beta_2)
    torch._foreach_addcmul_(v, grads, grads, 1.0 - beta_2)
    second = v
    if optimizer.amsgrad:
        v_hat = [optimizer._velocity_hats[i].value for i in slots]
        torch._foreach_maximum_(v_hat, v)
        second = v_hat
    denominator = torch._foreach_sqrt(second)
    torch._foreach_add_(denominator, optimizer.epsilon)
    # w -= alpha * m / (sqrt(v) + epsilon), alpha = lr sqrt(1 - b2^t) / (1 - b1^t)
    if _host_scalars(params):
        t = float(_scalar(optimizer.iterations)) + 1.0
        lr = float(_scalar(learning_rate))
        alpha = lr * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
        torch._foreach_addcdiv_(params, m, denominator, value=-alpha)
        return
    t = _as_scalar_tensor(optimizer.iterations, params[0]) + 1.0
    lr = _as_scalar_tensor(learning_rate, params[0])
    alpha = lr * torch.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    torch._foreach_div_(denominator, alpha)
    torch._foreach_addcdiv_(params, m, denominator, value=-1.0)


def sgd(optimizer, grads, variables, learning_rate):
    """SGD with optional (Nesterov) momentum for all `variables` at once."""
    params = _values(variables)
    if _host_scalars(params):
        lr = float(_scalar(learning_rate))
        scaled = None
    else:
        scaled = torch._foreach_mul(grads, _as_scalar_tensor(learning_rate, params[0]))

    def add_scaled_grads(targets):  # targets -= grads * lr
        if scaled is None:
            torch._foreach_add_(targets, grads, alpha=-lr)
        else:
            torch._foreach_sub_(targets, scaled)

    if not optimizer.momentums:
        add_scaled_grads(params)
        return
    index = optimizer._get_variable_index
    velocity = [optimizer.momentums[index(v)].value for v in variables]
    # velocity = velocity * momentum - g * lr
    torch._foreach_mul_(velocity, optimizer.momentum)
    add_scaled_grads(velocity)
    if optimizer.nesterov:  # w += velocity * momentum - g * lr
        torch._foreach_add_(params, velocity, alpha=optimizer.momentum)
        add_scaled_grads(params)
    else:
        torch._foreach_add_(params, velocity)


MULTI_TENSOR_UPDATE_STEPS = {
    ("cornu.optimizers.adam", "Adam.update_step"): adam,
    ("cornu.optimizers.sgd", "SGD.update_step"): sgd,
}
