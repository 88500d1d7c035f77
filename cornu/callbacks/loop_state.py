"""Keeping a running training loop's state in step with the model's Variables, for the
callbacks that read or assign variables mid-loop (checkpoints, backups, learning rates,
weight swaps).

The JAX trainer keeps its state outside the Variables while a loop runs; the other trainers
have nothing to do here.
"""


def sync_from_loop(model):
    """Copies a running loop's state into the Variables (before reading or saving them)."""
    sync = getattr(model, "_loop_sync", None)
    if sync is not None:
        sync()


def refresh_loop_state(model):
    """After assigning a model's variables mid-loop, makes the running loop see them."""
    refresh = getattr(model, "_loop_refresh", None)
    if refresh is not None:
        refresh()
