"""Thread-local scopes shared by every backend: name scopes, StatelessScope, SymbolicScope.

Scopes are kept on per-thread stacks. The per-op hot path reads only `current_stateless_scope`
and `in_symbolic_scope`, each a single attribute lookup.
"""

import threading

from cornu.backend.common import dtypes

_state = threading.local()

# How many StatelessScope/SymbolicScope/AutocastScope are open in any thread. While it is 0,
# Variable reads skip every scope lookup (the common eager case).
active = [0]


def _stack(key):
    stack = getattr(_state, key, None)
    if stack is None:
        stack = []
        setattr(_state, key, stack)
    return stack


def current_stateless_scope():
    """The innermost active StatelessScope, or None."""
    stack = getattr(_state, "stateless", None)
    return stack[-1] if stack else None


def in_stateless_scope():
    return bool(getattr(_state, "stateless", None))


def in_symbolic_scope():
    return bool(getattr(_state, "symbolic", None))


_uids = {}


def get_uid(prefix=""):
    """Returns 1, 2, 3, ... for successive calls with the same `prefix`.

    Example:
        >>> get_uid("dense")
        1
    """
    _uids[prefix] = _uids.get(prefix, 0) + 1
    return _uids[prefix]


def reset_uids():
    _uids.clear()


class name_scope:
    """Prefixes the paths of variables created inside it: `outer/inner/kernel`.

    Args:
        name: the scope's name (a non-empty string without "/").

    Example:
        >>> with name_scope("block1"):
        ...     v = cornu.Variable(0.0, name="w")
        >>> v.path
        'block1/w'
    """

    def __init__(self, name, **kwargs):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name_scope expects a non-empty string name; received {name!r}.")
        self.name = name
        self.caller = kwargs.pop("caller", None)
        self._deduplicate = kwargs.pop("deduplicate", True)
        self._override_parent = kwargs.pop("override_parent", None)
        if kwargs:
            raise TypeError(f"name_scope got unexpected arguments: {sorted(kwargs)}.")
        self._pushed = False

    def __enter__(self):
        stack = _stack("names")
        # A layer calling itself re-enters its own scope; do not nest the name twice.
        if self._deduplicate and stack and stack[-1].name == self.name:
            return self
        if self._override_parent is not None:
            self._saved = list(stack)
            stack[:] = [name_scope(self._override_parent)] if self._override_parent else []
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            stack = _stack("names")
            stack.pop()
            if self._override_parent is not None:
                stack[:] = self._saved
            self._pushed = False
        return False


def current_path():
    """The "/"-joined names of the active name scopes ("" when none)."""
    return "/".join(scope.name for scope in getattr(_state, "names", ()) or ())


class _StackedScope:
    """A scope kept on this thread's stack `_key` and counted in `active` while it is open."""

    _key = None

    def __enter__(self):
        _stack(self._key).append(self)
        active[0] += 1
        return self

    def __exit__(self, *exc):
        _stack(self._key).pop()
        active[0] -= 1
        return False


class StatelessScope(_StackedScope):
    """Reads of variables come from `state_mapping`; assigns are recorded, not applied.

    This lets a function that reads and updates variables run as a pure function (for
    `jax.jit`, `jax.grad`, `tf.function`): give it the values to use, then collect the new ones.

    Args:
        state_mapping: iterable of `(variable, value)` pairs, or a dict keyed by variable.
        collect_losses: when True, layers' `add_loss` calls are collected in `losses`.
        initialize_variables: when True, variables created inside the scope are initialized
            on exit (their initial values cannot be made inside a traced function).

    Example:
        >>> v = cornu.Variable(1.0)
        >>> with StatelessScope([(v, 5.0)]) as scope:
        ...     v.assign(v + 1.0)
        >>> float(scope.get_current_value(v)), float(v.numpy())
        (6.0, 1.0)
    """

    _key = "stateless"

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        # lazy: cornu.backend imports this module before the backend's Variable exists
        from cornu.backend import Variable, convert_to_tensor

        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self.state_mapping = {}
        self._uninitialized = []
        pairs = state_mapping.items() if isinstance(state_mapping, dict) else state_mapping or ()
        for variable, value in pairs:
            if not isinstance(variable, Variable):
                raise TypeError(
                    "StatelessScope's state_mapping must pair cornu Variables with values; "
                    f"received a key of type {type(variable).__name__}."
                )
            value = convert_to_tensor(value, dtype=variable.dtype)
            variable._check_shape(value, what="StatelessScope value")
            self.state_mapping[id(variable)] = (variable, value)

    def __exit__(self, *exc):
        super().__exit__(*exc)
        if self.initialize_variables:
            for variable in self._uninitialized:
                variable._deferred_initialize()
        return False

    def get_current_value(self, variable):
        """The value `variable` has in this scope, or None if it was never given or assigned."""
        entry = self.state_mapping.get(id(variable))
        return entry[1] if entry is not None else None

    def add_update(self, variable, value):
        self.state_mapping[id(variable)] = (variable, value)

    def add_loss(self, loss):
        self.losses.append(loss)

    def add_uninitialized_variable(self, variable):
        self._uninitialized.append(variable)


class SymbolicScope(_StackedScope):
    """Marks code that runs only to infer shapes and dtypes (no real computation).

    Layers and variables read this to skip side effects, e.g. torch variables read as
    `meta` tensors inside it.
    """

    _key = "symbolic"

    def __init__(self, *args, **kwargs):
        pass


class AutocastScope(_StackedScope):
    """Float variables read inside it are cast to `dtype` (for mixed precision)."""

    _key = "autocast"

    def __init__(self, dtype):
        self.dtype = None if dtype is None else dtypes.standardize_dtype(dtype)


def current_autocast_dtype():
    stack = getattr(_state, "autocast", None)
    return stack[-1].dtype if stack else None
