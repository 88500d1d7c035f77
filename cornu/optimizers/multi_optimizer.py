"""MultiOptimizer and OptimizerMap: different optimizers for different variables."""

import re

from cornu.optimizers.optimizer import Optimizer


def _optimizers():
    # cornu.optimizers imports this module (its get/serialize/deserialize table lists
    # MultiOptimizer): import the package when it is used, not at load.
    from cornu import optimizers

    return optimizers


def _get_optimizer(identifier):
    return _optimizers().get(identifier)


class OptimizerMap:
    """Chooses an optimizer per variable: the first regex (searched in the variable's path)
    that matches, else `default_optimizer`.

    Args:
        default_optimizer: an optimizer (or its name) for variables no pattern matches.
        optimizer_map: optional dict `{pattern: optimizer}`; more can be set with
            `optimizer_map[pattern] = optimizer`.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        self.default_optimizer = _get_optimizer(default_optimizer)
        self._map = {}
        for pattern, optimizer in (optimizer_map or {}).items():
            self[pattern] = optimizer

    def __setitem__(self, pattern, optimizer):
        if not isinstance(pattern, str):
            raise TypeError(f"OptimizerMap keys must be regex strings; received {pattern!r}.")
        self._map[pattern] = _get_optimizer(optimizer)

    def __getitem__(self, pattern):
        return self._map[pattern]

    def __contains__(self, pattern):
        return pattern in self._map

    def get_optimizer(self, variable):
        """The optimizer for `variable` (by its path)."""
        for pattern, optimizer in self._map.items():
            if re.search(pattern, variable.path):
                return optimizer
        return self.default_optimizer

    @property
    def optimizers(self):
        """The distinct optimizers: the default first, then the mapped ones in order."""
        result = [self.default_optimizer]
        for optimizer in self._map.values():
            if all(optimizer is not o for o in result):
                result.append(optimizer)
        return result

    def get_config(self):
        optimizers = _optimizers()
        return {
            "default_optimizer": optimizers.serialize(self.default_optimizer),
            "optimizer_map": {k: optimizers.serialize(v) for k, v in self._map.items()},
        }

    @classmethod
    def from_config(cls, config):
        optimizers = _optimizers()
        return cls(
            optimizers.deserialize(config["default_optimizer"]),
            {k: optimizers.deserialize(v) for k, v in config.get("optimizer_map", {}).items()},
        )


class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer an `OptimizerMap` (or a callable
    `selector(variable) -> optimizer`) chooses for it.

    It has no single learning rate (reading `learning_rate` raises); use `.optimizers`.
    `variables` is its own `iterations` followed by each sub-optimizer's variables.

    Args:
        optimizer_map: an `OptimizerMap` or a callable taking a variable.
        loss_scale_factor: gradients are divided by this before being delegated.
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not isinstance(optimizer_map, OptimizerMap) and not callable(optimizer_map):
            raise TypeError(
                "MultiOptimizer expects an OptimizerMap or a callable(variable) -> optimizer; "
                f"received {type(optimizer_map).__name__}."
            )
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._variables = [self._iterations]
        self._learning_rate = None
        self.optimizer_map = optimizer_map
        self._assigned = []  # per built variable: its optimizer

    def __setitem__(self, pattern, optimizer):
        if not isinstance(self.optimizer_map, OptimizerMap):
            raise TypeError("Only a MultiOptimizer made from an OptimizerMap can be indexed.")
        if self.built:
            raise ValueError("Cannot change a MultiOptimizer's mapping after it is built.")
        self.optimizer_map[pattern] = optimizer

    def _select(self, variable):
        if isinstance(self.optimizer_map, OptimizerMap):
            return self.optimizer_map.get_optimizer(variable)
        optimizer = self.optimizer_map(variable)
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                "MultiOptimizer's selector must return an Optimizer; for variable "
                f"'{variable.path}' it returned {type(optimizer).__name__}."
            )
        return optimizer

    @property
    def optimizers(self):
        """The distinct sub-optimizers (those in use once built)."""
        if self.built:
            result = []
            for optimizer in self._assigned:
                if all(optimizer is not o for o in result):
                    result.append(optimizer)
            return result
        if isinstance(self.optimizer_map, OptimizerMap):
            return self.optimizer_map.optimizers
        return []

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._assigned = [self._select(v) for v in var_list]
        for optimizer in self.optimizers:
            optimizer.build([v for v, o in zip(var_list, self._assigned) if o is optimizer])

    @property
    def variables(self):
        result = list(self._variables)
        for optimizer in self.optimizers:
            result.extend(optimizer.variables)
        return result

    @property
    def learning_rate(self):
        raise AttributeError(
            "MultiOptimizer has no single learning rate; read it from each of `.optimizers`."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "MultiOptimizer has no single learning rate; set it on each of `.optimizers`."
        )

    def _apply(self, grads, trainable_variables):
        trainable_variables = self._variables_to_update(trainable_variables)
        self._build_once(trainable_variables)
        groups = {}
        for grad, variable in zip(grads, trainable_variables):
            if grad is None:
                continue
            if self.loss_scale_factor is not None:
                grad = grad / self.loss_scale_factor
            optimizer = self._assigned[self._get_variable_index(variable)]
            grads_list, vars_list = groups.setdefault(id(optimizer), (optimizer, [], []))[1:]
            grads_list.append(grad)
            vars_list.append(variable)
        if not groups:
            raise ValueError("No gradients provided for any variable.")
        for optimizer, group_grads, group_vars in groups.values():
            optimizer._apply(group_grads, group_vars)
        self._iterations.assign_add(1)

    def finalize_variable_values(self, var_list):
        for optimizer in self.optimizers:
            optimizer.finalize_variable_values(
                [v for v in var_list if self._assigned[self._get_variable_index(v)] is optimizer]
            )

    def get_config(self):
        optimizer_map = self.optimizer_map
        if isinstance(optimizer_map, OptimizerMap):
            optimizer_map = {"class_name": "OptimizerMap", "config": optimizer_map.get_config()}
        return {
            "name": self.name,
            "optimizer_map": optimizer_map,
            "loss_scale_factor": self.loss_scale_factor,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        optimizer_map = config.get("optimizer_map")
        if isinstance(optimizer_map, dict):
            config["optimizer_map"] = OptimizerMap.from_config(optimizer_map["config"])
        return cls(**config)
