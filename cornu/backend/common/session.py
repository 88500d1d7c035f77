"""What `clear_session` resets beyond the backend floor's own state.

Floors above the backend keep process-wide state that `cornu.backend.clear_session()` must
reset (cornu.random's global SeedGenerator). They register a reset function here when they are
imported, so the backend never imports them.
"""

_reset_hooks = []


def register_reset_hook(reset):
    """Makes `clear_session` call `reset()` (in registration order, after the name counters)."""
    if reset not in _reset_hooks:
        _reset_hooks.append(reset)


def run_reset_hooks():
    """Calls every registered reset function."""
    for reset in _reset_hooks:
        reset()
