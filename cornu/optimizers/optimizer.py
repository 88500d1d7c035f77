"""`Optimizer`: the base class every cornu optimizer extends.

The base class owns everything that is not an optimizer's own update rule: the `iterations`
counter, the learning rate (a Variable, a schedule or a callable), slot variables, gradient
clipping, loss-scale unscaling, decoupled weight decay, gradient accumulation, constraints,
the exponential moving average of the weights, serialization, and the stateless form used
under `jax.jit`. A subclass implements `build(var_list)` (creating its slots) and
`update_step(gradient, variable, learning_rate)`.

Every update is written with `cornu.ops` and `Variable.assign*`, so one definition runs on
every backend, eagerly or traced (no Python branching on tensor values).
"""

import re
import warnings

from cornu import backend, initializers, ops
from cornu.backend.common import scopes
from cornu.optimizers import schedules
from cornu.utils import identifiers

# The base class's constructor arguments. Every optimizer's constructor takes them too, and
# passes them on with `base_arguments(locals())`.
BASE_ARGUMENTS = (
    "learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
    "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
    "gradient_accumulation_steps", "name",
)  # fmt: skip


def base_arguments(values, names=BASE_ARGUMENTS):
    """The arguments an optimizer's constructor passes on to its base class: `names` picked
    from `values` (its `locals()`), and its `**kwargs`."""
    return {**{name: values[name] for name in names}, **values["kwargs"]}


class Optimizer:
    """Base class for optimizers.

    Args:
        learning_rate: a non-negative float, a
            `cornu.optimizers.schedules.LearningRateSchedule` (called with the iteration
            count), or a callable taking no arguments that returns the rate.
        weight_decay: if set, each step first shrinks every variable (not excluded by
            `exclude_from_weight_decay`) by `variable * weight_decay * learning_rate`.
        clipnorm: if set, each gradient is rescaled so its L2 norm is at most this.
        clipvalue: if set, each gradient is clipped elementwise to `[-clipvalue, clipvalue]`.
        global_clipnorm: if set, all gradients are rescaled together so the L2 norm of
            their concatenation is at most this. At most one clipping option may be set.
        use_ema: keep an exponential moving average of the variables.
        ema_momentum: the average's momentum: `avg = m * avg + (1 - m) * variable`.
        ema_overwrite_frequency: every this many iterations, overwrite the variables with
            their average (None: only when `finalize_variable_values` is called).
        loss_scale_factor: gradients are divided by this before use (see `scale_loss`).
        gradient_accumulation_steps: if set (an int >= 2), gradients are summed over this
            many calls to `apply` and their mean is applied on the last one.
        name: the name (and variable path prefix) of the optimizer.

    A subclass lists its own constructor arguments in `_hyperparameters`: its constructor
    stores them with `_store_hyperparameters(locals())`, and `get_config` saves them after the
    base class's. It lists its per-variable state in `_slots` (`{attribute: slot name}`): `build`
    makes one slot of each name per variable, variable by variable, and sets each attribute to
    the list of its slots; a subclass overrides `build` only for state beyond that.
    """

    _hyperparameters = ()
    _slots = {}

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        kwargs.pop("jit_compile", None)  # accepted for compatibility; tracing is the trainer's
        decay = kwargs.pop("decay", None)
        if decay not in (None, 0, 0.0):
            raise ValueError(
                f"{type(self).__name__}: the `decay` argument is not supported; use a "
                "learning-rate schedule (cornu.optimizers.schedules) instead."
            )
        if "lr" in kwargs:
            raise ValueError(
                f"{type(self).__name__}: `lr` is not an argument; use `learning_rate`."
            )
        if kwargs:
            raise ValueError(f"{type(self).__name__} got unexpected arguments: {sorted(kwargs)}.")
        clips = [c for c in (clipnorm, clipvalue, global_clipnorm) if c is not None]
        if len(clips) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; "
                f"received clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}."
            )
        for arg, value in (
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
            ("weight_decay", weight_decay),
        ):
            if value is not None and (not _is_number(value) or value < 0):
                raise ValueError(
                    f"Argument `{arg}` must be a non-negative float or None; received {arg}="
                    f"{value!r}."
                )
        if use_ema:
            if not _is_number(ema_momentum) or not 0.0 <= ema_momentum <= 1.0:
                raise ValueError(
                    "`ema_momentum` must be a float in [0, 1]; received "
                    f"ema_momentum={ema_momentum!r}."
                )
            if ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an int >= 1 or None; received "
                    f"ema_overwrite_frequency={ema_overwrite_frequency!r}."
                )
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an int >= 2; received "
                f"gradient_accumulation_steps={gradient_accumulation_steps!r}."
            )
        if loss_scale_factor is not None and (
            not _is_number(loss_scale_factor) or loss_scale_factor <= 0
        ):
            raise ValueError(
                "`loss_scale_factor` must be a positive float or None; received "
                f"loss_scale_factor={loss_scale_factor!r}."
            )
        if name is None:
            name = _DEFAULT_NAMES.get(type(self).__name__) or identifiers.snake_case(
                type(self).__name__
            )
            uid = scopes.get_uid(f"optimizer:{name}")
            name = name if uid == 1 else f"{name}_{uid - 1}"
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._variable_index = {}
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._model_variables_moving_average = []
        self._accumulated_gradients = []

        with backend.name_scope(self.name, caller=self):
            self._iterations = backend.Variable(
                0,
                name="iteration",
                dtype=_iterations_dtype(),
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(self._iterations)
        self._learning_rate = self._make_learning_rate(learning_rate)

    def _store_hyperparameters(self, values):
        """Sets each of `_hyperparameters` from `values` (the constructor's `locals()`)."""
        for name in self._hyperparameters:
            setattr(self, name, values[name])

    # -- learning rate ------------------------------------------------------------------

    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            return learning_rate
        if callable(learning_rate) and not isinstance(learning_rate, backend.Variable):
            return learning_rate
        value = _check_learning_rate(learning_rate)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                value,
                name="learning_rate",
                dtype=backend.floatx(),
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(variable)
        return variable

    @property
    def learning_rate(self):
        """The current learning rate: the Variable, or the schedule's/callable's value."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or (
            callable(learning_rate) and not isinstance(learning_rate, backend.Variable)
        ):
            # Replacing a Variable with a schedule drops the Variable from `variables`.
            if isinstance(self._learning_rate, backend.Variable):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = learning_rate
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__} was created with a LearningRateSchedule as its "
                "learning rate, so it cannot be set to a number; set a new schedule instead."
            )
        value = _check_learning_rate(learning_rate)
        if isinstance(self._learning_rate, backend.Variable):
            self._learning_rate.assign(value)
        else:
            # It held a callable: make a Variable again, placed right after `iterations`.
            self._learning_rate = self._make_learning_rate(value)
            self._variables.remove(self._learning_rate)
            self._variables.insert(1, self._learning_rate)

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return self._learning_rate(self.iterations)
        if isinstance(self._learning_rate, backend.Variable):
            return self._learning_rate
        return self._learning_rate()

    @property
    def iterations(self):
        """The number of optimizer steps taken (accumulation micro-steps not counted)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    # -- variables ----------------------------------------------------------------------

    @property
    def variables(self):
        """iterations, the learning-rate Variable (if any), then slots in creation order."""
        return list(self._variables)

    def _track_variable(self, variable):
        self._variables.append(variable)

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="mean", layout=None, name=None
    ):
        """Creates and tracks an optimizer (non-trainable) Variable (`layout`: a
        `TensorLayout` placing it under a distribution; None: the distribution's choice)."""
        initializer = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                initializer,
                shape=tuple(shape),
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
                layout=layout,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot Variable with `reference_variable`'s shape, dtype and layout (so under a
        ModelParallel distribution a slot is sharded like its variable)."""
        prefix = reference_variable.path.replace("/", "_")
        name = f"{prefix}_{name}" if name else prefix
        return self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            layout=getattr(reference_variable, "_layout", None),
            name=name,
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Slots named `name` (a string or a list of strings) for each variable.

        The slots are created variable by variable (all names for the first variable, then
        the second, ...). Returns one list per name (a single list when `name` is a string),
        aligned with `trainable_variables`: a variable marked `overwrite_with_gradient` (a
        float8 scale or amax history, which the optimizer never updates) gets None, not a slot.
        """
        names = [name] if isinstance(name, str) else list(name)
        result = [[] for _ in names]
        for variable in trainable_variables:
            for slots, slot_name in zip(result, names):
                slots.append(
                    None
                    if overwrites_with_gradient(variable)
                    else self.add_variable_from_reference(
                        variable, slot_name, initializer=initializer
                    )
                )
        return result[0] if isinstance(name, str) else tuple(result)

    def build(self, var_list):
        """Creates the optimizer's state for `var_list`: the base class's, then `_slots`."""
        if self.built:
            return
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            # Every variable gets one, overwrite_with_gradient ones included (as in Keras's
            # files); theirs holds the sum of their gradients until the update step.
            self._accumulated_gradients = [
                self.add_variable_from_reference(variable, "gradient_accumulator")
                for variable in var_list
            ]
        if self._slots:
            slots = self.add_optimizer_variables(var_list, list(self._slots.values()))
            for attribute, values in zip(self._slots, slots):
                setattr(self, attribute, values)
        self._trainable_variables = list(var_list)
        self._variable_index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    def _get_variable_index(self, variable):
        try:
            return self._variable_index[id(variable)]
        except KeyError:
            raise ValueError(
                f"{type(self).__name__} was built for other variables; it has no state for "
                f"variable '{variable.path}'. Build it with every variable it will update."
            ) from None

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay: those in `var_list`, and those whose name
        contains a match of any regex in `var_names`. Call before the optimizer is built."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be called before the optimizer is built."
            )
        if var_list:
            self._exclude_ids.update(id(v) for v in var_list)
        if var_names:
            self._exclude_pattern = re.compile("|".join(sorted(set(var_names))))

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        if self._exclude_pattern is not None and self._exclude_pattern.search(variable.name):
            return False
        return True

    def save_own_variables(self, store):
        """Writes the values of `variables` into `store` under keys "0", "1", ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Reads values written by `save_own_variables` (the optimizer must be built)."""
        if len(store) != len(self.variables):
            raise ValueError(
                f"{type(self).__name__} has {len(self.variables)} variables but the store "
                f"holds {len(store)}; build the optimizer with the model's trainable variables "
                "before loading."
            )
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    # -- applying gradients -------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs; returns `iterations`."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        self.apply(grads, variables)
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """Updates `trainable_variables` (default: the variables it was built with) from
        `grads`. Builds the optimizer on first use; None gradients are skipped."""
        with backend.no_grad():
            self._apply(list(grads), trainable_variables)

    def _variables_to_update(self, trainable_variables):
        """`trainable_variables` as a list; when None, those the optimizer was built with."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When the optimizer is not built yet, `apply` needs `trainable_variables`."
                )
            trainable_variables = self._trainable_variables
        return list(trainable_variables)

    def _build_once(self, trainable_variables):
        """Builds the optimizer for `trainable_variables` on its first `apply`."""
        if not self.built:
            with backend.name_scope(self.name, caller=self):
                self.build(trainable_variables)

    def _apply(self, grads, trainable_variables):
        trainable_variables = self._variables_to_update(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"apply received {len(grads)} gradients for {len(trainable_variables)} "
                "variables; pass one gradient (or None) per variable."
            )
        self._build_once(trainable_variables)
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        if len(pairs) < len(grads):
            missing = [v.path for g, v in zip(grads, trainable_variables) if g is None]
            warnings.warn(
                f"Gradients do not exist for variables {missing}; skipping them.", stacklevel=2
            )
        # Variables marked `overwrite_with_gradient` (float8 scales and amax histories: their
        # custom gradient is their next value) take their raw gradient (before loss-scale
        # unscaling and clipping); the optimizer updates the others.
        overwrites, grads, variables = [], [], []
        for g, v in pairs:
            self._get_variable_index(v)  # raises for a variable it has no state for
            g = backend.convert_to_tensor(g, v.dtype)
            if overwrites_with_gradient(v):
                overwrites.append((g, v))
            else:
                grads.append(g)
                variables.append(v)
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]

        if self.gradient_accumulation_steps:
            self._apply_accumulating(grads, variables, overwrites)
        else:
            self._overwrite_with_gradients(overwrites)
            if variables:
                self._apply_now(grads, variables)
        self._iterations.assign_add(1)

    def _overwrite_with_gradients(self, overwrites, is_update=True):
        """Assigns each `(gradient, variable)` pair's gradient to its variable (where
        `is_update`, a boolean tensor under gradient accumulation; else keeps the value)."""
        for grad, variable in overwrites:
            if is_update is True:
                variable.assign(grad)
            else:
                variable.assign(ops.where(is_update, grad, variable.value))

    def _apply_now(self, grads, variables):
        grads = self._clip_gradients(grads)
        learning_rate = self._get_current_learning_rate()
        self._apply_weight_decay(variables, learning_rate)
        multi_tensor = self._multi_tensor_update_step(variables)
        if multi_tensor is not None:
            multi_tensor(self, grads, variables, learning_rate)
        else:
            for grad, variable in zip(grads, variables):
                self.update_step(grad, variable, learning_rate)
        for variable in variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable))
        self._update_moving_average(variables)
        self._maybe_overwrite_with_average(variables)

    def _multi_tensor_update_step(self, variables):
        """The backend's all-variables-at-once version of this `update_step`, if it has one.

        Used only for the built-in `update_step` it mirrors (never for an override), outside
        a StatelessScope, with variables of one dtype.
        """
        if not backend.MULTI_TENSOR_UPDATE_STEPS or backend.in_stateless_scope():
            return None
        step = type(self).update_step
        fn = backend.MULTI_TENSOR_UPDATE_STEPS.get((step.__module__, step.__qualname__))
        if fn is None or len({v.dtype for v in variables}) != 1:
            return None
        return fn

    def _apply_accumulating(self, grads, variables, overwrites=()):
        # Written without data-dependent branching: compute the update on every call, then
        # keep it only on every `steps`-th call (ops.where), so it traces under jit.
        # `overwrites` ((gradient, variable) pairs) take the last call's gradient on the
        # update step and keep their value in between; their gradients are summed too.
        steps = self.gradient_accumulation_steps
        is_update = ops.equal(ops.mod(self._iterations + 1, steps), 0)
        all_grads = grads + [g for g, _ in overwrites]
        accumulators = [
            self._accumulated_gradients[self._get_variable_index(v)]
            for v in variables + [v for _, v in overwrites]
        ]
        summed = [ops.add(acc.value, g) for acc, g in zip(accumulators, all_grads)]
        if variables:
            skip = {id(self._iterations)} | {id(a) for a in accumulators}
            guarded = variables + [v for v in self._variables if id(v) not in skip]
            before = [ops.copy(v.value) for v in guarded]
            self._apply_now([s / steps for s in summed[: len(variables)]], variables)
            for variable, old in zip(guarded, before):
                variable.assign(ops.where(is_update, variable.value, old))
        # The moving average follows the variables on every call (Keras's observable
        # behaviour): between update steps, towards their unchanged values.
        self._update_moving_average(variables, only_where=ops.logical_not(is_update))
        self._overwrite_with_gradients(overwrites, is_update)
        for acc, total in zip(accumulators, summed):
            acc.assign(ops.where(is_update, ops.zeros_like(total), total))

    def update_step(self, gradient, variable, learning_rate):
        """Updates one `variable` from its `gradient` (implemented by each optimizer)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_step(gradient, variable, "
            "learning_rate)`."
        )

    def _clip_gradients(self, grads):
        if self.clipnorm is not None:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            return _clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _apply_weight_decay(self, variables, learning_rate):
        if not self.weight_decay:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = ops.cast(learning_rate, variable.dtype)
                variable.assign_sub(variable * (lr * self.weight_decay))

    # -- moving average -----------------------------------------------------------------

    def _update_moving_average(self, variables, only_where=None):
        """Moves the averages of `variables` towards their values (only where `only_where`,
        a boolean tensor, holds; everywhere when None)."""
        if not self.use_ema or not variables:
            return
        # The first step copies the variables (momentum 0) so the average starts from them.
        first = ops.equal(self.iterations, 0)
        for variable in variables:
            average = self._model_variables_moving_average[self._get_variable_index(variable)]
            momentum = ops.cast(ops.logical_not(first), variable.dtype) * self.ema_momentum
            moved = momentum * average.value + (1.0 - momentum) * variable.value
            if only_where is not None:
                moved = ops.where(only_where, moved, average.value)
            average.assign(moved)

    def _maybe_overwrite_with_average(self, variables):
        if not self.use_ema or not self.ema_overwrite_frequency:
            return
        due = ops.equal(ops.mod(self.iterations + 1, self.ema_overwrite_frequency), 0)
        for variable in variables:
            average = self._model_variables_moving_average[self._get_variable_index(variable)]
            variable.assign(ops.where(due, average.value, variable.value))

    def finalize_variable_values(self, var_list):
        """Sets the variables to their moving averages (when `use_ema`); called after fit."""
        if not self.use_ema:
            return
        with backend.no_grad():
            for variable in var_list:
                average = self._model_variables_moving_average[self._get_variable_index(variable)]
                if average is not None:  # None: an overwrite_with_gradient variable
                    variable.assign(average.value)

    # -- losses and stateless use -------------------------------------------------------

    def scale_loss(self, loss):
        """`loss * loss_scale_factor` (unchanged when no factor is set)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """`apply` as a pure function (for `jax.jit`).

        Args:
            optimizer_variables: values for `self.variables`, in order.
            grads: one gradient per trainable variable the optimizer was built with.
            trainable_variables: values for those variables, in order.

        Returns:
            `(new_trainable_values, new_optimizer_variable_values)`.
        """
        if not self.built:
            raise ValueError(
                "stateless_apply needs a built optimizer: call "
                "`optimizer.build(trainable_variables)` first."
            )
        own_variables = self.variables
        optimizer_variables = list(optimizer_variables)
        trainable_variables = list(trainable_variables)
        if len(optimizer_variables) != len(own_variables):
            raise ValueError(
                f"stateless_apply expected {len(own_variables)} optimizer variable values; "
                f"received {len(optimizer_variables)}."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                f"stateless_apply expected {len(self._trainable_variables)} trainable variable "
                f"values; received {len(trainable_variables)}."
            )
        mapping = list(zip(own_variables, optimizer_variables)) + list(
            zip(self._trainable_variables, trainable_variables)
        )
        with backend.StatelessScope(mapping) as scope:
            self.apply(grads, self._trainable_variables)
        new_trainable = [
            _current(scope, v, value)
            for v, value in zip(self._trainable_variables, trainable_variables)
        ]
        new_optimizer = [
            _current(scope, v, value) for v, value in zip(own_variables, optimizer_variables)
        ]
        return new_trainable, new_optimizer

    # -- assignment helpers (Keras API) -------------------------------------------------

    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    # -- serialization ------------------------------------------------------------------

    def get_config(self):
        """The constructor arguments (the learning rate as a float or a schedule config)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif isinstance(lr, backend.Variable):
            lr = float(lr.numpy())
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            **{name: getattr(self, name) for name in self._hyperparameters},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """An optimizer made from `get_config()`'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def overwrites_with_gradient(variable):
    """Whether `variable` is marked `overwrite_with_gradient`: the optimizer assigns it its
    gradient instead of updating it, and keeps no slots (nor a moving average) for it."""
    return bool(getattr(variable, "overwrite_with_gradient", False))


def _iterations_dtype():
    # int64 (as in Keras's files) where the framework has it: JAX stores int64 only with
    # x64 enabled, and would otherwise warn on every conversion. Keras's torch backend keeps
    # it in int32 (what summary() byte counts and saved files show there).
    if backend.backend() == "torch":
        return "int32"
    if backend.backend() == "jax":
        import jax

        if not jax.config.jax_enable_x64:
            return "int32"
    return "int64"


# Names Keras 3.15 gives that snake_case of the class name does not (AdamW, RMSprop and
# ScheduleFreeAdamW follow it: "adam_w", "rm_sprop", "schedule_free_adam_w").
_DEFAULT_NAMES = {"SGD": "sgd"}


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_learning_rate(learning_rate):
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        raise TypeError(
            "Argument `learning_rate` must be a float, a LearningRateSchedule, or a callable "
            f"taking no arguments; received learning_rate={learning_rate!r}."
        ) from None
    if value < 0:
        raise ValueError(
            f"Argument `learning_rate` must be non-negative; received learning_rate={value}."
        )
    return value


def _current(scope, variable, fallback):
    value = scope.get_current_value(variable)
    return fallback if value is None else value


def _l2_norm(x):
    # sqrt of a sum of squares whose gradient stays finite at zero (where() picks 0 there).
    total = ops.sum(ops.square(x))
    positive = ops.greater(total, 0)
    safe = ops.where(positive, total, ops.ones_like(total))
    return ops.where(positive, ops.sqrt(safe), ops.zeros_like(total))


def _clip_by_norm(grad, clipnorm):
    norm = _l2_norm(grad)
    return grad * clipnorm / ops.maximum(norm, ops.cast(clipnorm, norm.dtype))


def _clip_by_global_norm(grads, clipnorm):
    total = None
    for grad in grads:
        squares = ops.cast(ops.sum(ops.square(grad)), "float32")
        total = squares if total is None else total + squares
    norm = ops.sqrt(total)
    scale = clipnorm / ops.maximum(norm, clipnorm)
    return [grad * ops.cast(scale, grad.dtype) for grad in grads]
