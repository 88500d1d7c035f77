"""`Progbar`: the Keras progress line, `12/50 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: 0.3012`.

On a terminal the line redraws in place (at most every `interval` seconds); otherwise (a file,
a pipe, CI) it prints plain lines with no control characters: the final line of each run for
verbose=1, one summary line for verbose=2. Values are converted to floats only when a line is
printed, so an idle progress bar never synchronizes with the device.
"""

import math
import sys
import time

from cornu import config

_FILLED, _COLOR_ON, _COLOR_OFF = "━", "\x1b[1m", "\x1b[0m"


def _interactive():
    if not config.is_interactive_logging_enabled():
        return False
    stream = sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) or "ipykernel" in sys.modules


def format_time(seconds):
    if seconds >= 3600:
        return f"{seconds // 3600:.0f}:{(seconds % 3600) // 60:02.0f}:{seconds % 60:02.0f}"
    if seconds >= 60:
        return f"{seconds // 60:.0f}:{seconds % 60:02.0f}"
    return f"{seconds:.0f}s"


def format_per_unit(seconds, unit):
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def format_value(value):
    import numpy as np

    array = np.asarray(value)
    if array.size != 1:
        return np.array2string(array, precision=4, separator=", ")
    value = float(array.reshape(()))
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e4):
        return f"{value:.4e}"
    return f"{value:.4f}"


class Progbar:
    """A progress bar.

    Args:
        target: the total number of steps, or None if unknown.
        width: the bar's width in characters.
        verbose: 0 silent, 1 the bar, 2 one line at the end.
        interval: the least seconds between redraws on a terminal.
        stateful_metrics: names whose values are shown as given (all values are, in cornu:
            the training loop already passes running means).
        stateless_metrics: accepted for Keras compatibility; likewise shown as given.
        unit_name: what a step is called ("step", "sample").

    Example:
        >>> bar = Progbar(10)
        >>> for i in range(10):
        ...     bar.update(i + 1, {"loss": 0.5})
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):  # fmt: skip
        self.target = target
        self.width = width
        self.verbose = 1 if verbose == "auto" else verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self.stateless_metrics = set(stateless_metrics or ())
        self._interactive = _interactive()
        self._start = time.time()
        self._last_draw = 0.0
        self._last_length = 0

    @staticmethod
    def print_line(text):
        if config.is_interactive_logging_enabled():
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def update(self, current, values=None, finalize=None):
        """Shows progress at step `current`; `values` maps names to (lazy) values."""
        if not self.verbose:
            return
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.time()
        if not finalize and (not self._interactive or self.verbose == 2):
            return
        if not finalize and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        items = list(values.items()) if values is not None else []
        line = self._line(current, now, finalize, items)
        if self._interactive and self.verbose == 1:
            padding = " " * max(0, self._last_length - len(line))
            sys.stdout.write("\r" + line + padding + ("\n" if finalize else ""))
            self._last_length = len(line)
        else:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def add(self, n, values=None):
        """Advances by `n` steps."""
        self._current = getattr(self, "_current", 0) + n
        self.update(self._current, values)

    def _line(self, current, now, finalize, items):
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        target = self.target
        if self.verbose == 2:
            parts = [f"{current}/{target}" if target else f"{current}", format_time(elapsed),
                     format_per_unit(per_unit, self.unit_name)]  # fmt: skip
            line = " - ".join(parts)
        else:
            if target:
                digits = int(math.log10(target)) + 1
                done = int(self.width * min(current, target) / target)
                if self._interactive:
                    bar = _COLOR_ON + _FILLED * done + _COLOR_OFF + _FILLED * (self.width - done)
                else:
                    bar = (
                        _FILLED * self.width
                        if finalize
                        else (_FILLED * done + " " * (self.width - done))
                    )
                head = f"{current:>{digits}}/{target} {bar}"
            else:
                head = f"{current}/Unknown"
            shown = elapsed if finalize or not target else per_unit * (target - current)
            line = f"{head} {format_time(shown)} {format_per_unit(per_unit, self.unit_name)}"
        for name, value in items:
            line += f" - {name}: {format_value(value)}"
        return line
