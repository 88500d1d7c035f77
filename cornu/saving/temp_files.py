"""cornu's own temporary files beside a save target, and their cleanup.

Saves write a temporary file in the target's folder and rename it over the target, so a killed
save never damages the file it replaces. A killed process cannot delete its temporary file, so
each one is named after its host and process (`.cornu-save-<host>-<pid>-<random>.tmp`), and the
next save to that folder removes the ones whose process is gone. A file from another host is
removed only once it has not been written to for a day (its process cannot be checked).
"""

import os
import re
import socket
import tempfile
import time

PREFIX = ".cornu-save-"
_NAME = re.compile(r"^\.cornu-save-(?P<host>[A-Za-z0-9_.]+)-(?P<pid>\d+)-.*\.tmp$")
_FOREIGN_AGE_S = 24 * 3600


def _host():
    # Host names may hold '-', which the name pattern uses as a separator.
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"


def _process_is_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def _is_stale(name, path, host, now):
    match = _NAME.match(name)
    try:
        age = now - os.path.getmtime(path)
    except OSError:
        return False
    if match is None:  # an older cornu's name, without host and process
        return age > _FOREIGN_AGE_S
    if match["host"] != host:
        return age > _FOREIGN_AGE_S
    pid = int(match["pid"])
    return pid != os.getpid() and _process_is_gone(pid)


def remove_stale_temp_files(folder):
    """Deletes cornu's temporary files in `folder` left by killed saves; returns their names."""
    host, now, removed = _host(), time.time(), []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(PREFIX) and n.endswith(".tmp")]
    except OSError:
        return removed
    for name in names:
        path = os.path.join(folder, name)
        if _is_stale(name, path, host, now):
            try:
                os.remove(path)
                removed.append(name)
            except OSError:  # another save removed it first, or it is not ours to remove
                pass
    return removed


def new_temp_file(folder):
    """`(fd, path)` of a new temporary file in `folder`, after removing stale ones there."""
    remove_stale_temp_files(folder)
    return tempfile.mkstemp(dir=folder, prefix=f"{PREFIX}{_host()}-{os.getpid()}-", suffix=".tmp")
