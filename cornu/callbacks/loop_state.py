"""Keeping a running training loop's state in step with the model's Variables, for the
callbacks that read or assign variables mid-loop (checkpoints, backups, learning rates,
weight swaps).

The JAX trainer keeps its state outside the Variables while a loop runs; the other trainers
have nothing to do here. The checkpoint callbacks that save every `save_freq` batches also
share their `save_freq` check and batch count here.
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


def check_save_freq(owner, save_freq):
    """Raises unless `save_freq` is "epoch" or a positive int (a number of batches)."""
    if save_freq != "epoch" and not (
        isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0
    ):
        raise ValueError(
            f"{owner}: `save_freq` must be 'epoch' or a positive int (batches); "
            f"received save_freq={save_freq!r}."
        )


def batch_save_due(callback):
    """Counts a finished batch for a callback that saves every `callback.save_freq` batches.

    Returns True when this batch is a save point, after copying a running loop's state into
    the Variables; False with `save_freq="epoch"` (batches are not counted then).
    """
    if callback.save_freq == "epoch":
        return False
    callback._batches_seen += 1
    if callback._batches_seen % callback.save_freq:
        return False
    sync_from_loop(callback.model)
    return True
