"""`RemoteMonitor`: posts each epoch's logs to an HTTP server."""

import json
import urllib.error
import urllib.parse
import warnings

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks.callback import Callback


def _jsonable(value):
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    arr = np.asarray(value)
    return arr.item() if arr.ndim == 0 else arr.tolist()


class RemoteMonitor(Callback):
    """Sends `{"epoch": epoch, **logs}` to `root + path` with an HTTP POST at each epoch's end.

    Args:
        root: the server's URL root.
        path: the path appended to `root`.
        field: the form field holding the JSON text (when not `send_as_json`).
        headers: extra HTTP headers.
        send_as_json: send the JSON as the request body (`application/json`) instead of
            form-encoding it under `field`.
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = dict(headers or {})
        self.send_as_json = send_as_json
        self.timeout = 10

    def on_epoch_end(self, epoch, logs=None):
        if not distribution_state.is_chief():  # (process 0 reports for the whole job)
            return
        # lazy: urllib.request (http.client, ssl, email) is ~15 ms that `import cornu` need not pay
        from urllib.request import Request, urlopen

        payload = {"epoch": epoch}
        payload.update({k: _jsonable(v) for k, v in (logs or {}).items()})
        headers = dict(self.headers)
        if self.send_as_json:
            body = json.dumps(payload).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(payload)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        url = self.root + self.path
        request = Request(url, data=body, headers=headers, method="POST")
        try:
            with urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as e:
            warnings.warn(f"RemoteMonitor could not reach the server at {url}: {e}", stacklevel=2)
