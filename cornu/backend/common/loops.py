"""Python-loop `while_loop`, `fori_loop` and `scan` (and a Python `cond`), shared by the backends that run them eagerly (numpy,
torch) and by TensorFlow for short loops of known length."""

from cornu import tree


def python_while_loop(cond, body, loop_vars, maximum_iterations, convert):
    """A Python-loop while_loop shared by eager backends; `convert` makes the loop tensors."""
    is_tuple = isinstance(loop_vars, (list, tuple))
    # Loop variables become tensors first (a Python 0 comes back as int32, as under Keras).
    state = tree.map_structure(convert, tuple(loop_vars) if is_tuple else (loop_vars,))
    step = 0
    while (maximum_iterations is None or step < maximum_iterations) and bool(cond(*state)):
        state = body(*state)
        state = tuple(state) if isinstance(state, (list, tuple)) else (state,)
        step += 1
    return state if is_tuple else state[0]


def python_cond(pred, true_fn, false_fn):
    """`cond` of the eager backends: the branch chosen by `pred`, in Python."""
    return true_fn() if bool(pred) else false_fn()


def python_fori_loop(lower, upper, body_fun, init_val):
    """`fori_loop` of the eager backends: a Python loop over `range(lower, upper)`."""
    value = init_val
    for i in range(int(lower), int(upper)):
        value = body_fun(i, value)
    return value


def python_scan(f, init, xs, length, reverse, stack):
    """A Python-loop scan shared by eager backends: `f(carry, x) -> (carry, y)`."""
    flat_xs = tree.flatten(xs) if xs is not None else []
    if length is None:
        if not flat_xs:
            raise ValueError("scan needs `xs` or `length`; both were None.")
        length = int(flat_xs[0].shape[0])
    elif flat_xs and int(flat_xs[0].shape[0]) != length:
        raise ValueError(
            f"scan: length={length} does not match the leading dimension of xs "
            f"({int(flat_xs[0].shape[0])})."
        )
    indices = range(length - 1, -1, -1) if reverse else range(length)
    carry, outputs = init, []
    for i in indices:
        x = None if xs is None else tree.map_structure(lambda a, i=i: a[i], xs)
        carry, y = f(carry, x)
        outputs.append(y)
    if reverse:
        outputs.reverse()
    if not outputs or outputs[0] is None:
        return carry, None
    return carry, tree.map_structure(lambda *ys: stack(list(ys)), *outputs)


def eager_control_flow(convert, stack):
    """`(cond, fori_loop, while_loop, scan)` for an eager backend that runs them in Python.

    Args:
        convert: the backend's `convert_to_tensor`.
        stack: stacks a list of per-step outputs into one tensor.
    """

    def while_loop(cond, body, loop_vars, maximum_iterations=None):
        return python_while_loop(cond, body, loop_vars, maximum_iterations, convert)

    def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
        return python_scan(f, init, xs, length, reverse, stack)

    return python_cond, python_fori_loop, while_loop, scan
