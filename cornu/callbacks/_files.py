"""Shared file checks of the checkpointing callbacks."""

import os
import tempfile


def ensure_writable_folder(folder, owner, argument):
    """Creates `folder` if needed and proves a file can be written there, before training
    starts; raises PermissionError naming the callback (`owner`) and its `argument`."""
    try:
        os.makedirs(folder, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, suffix=".probe")
        os.close(fd)
        os.remove(probe)
    except OSError as e:
        raise PermissionError(
            f"{owner} cannot write to {argument}={folder!r}: {e}. Choose a writable folder."
        ) from e
