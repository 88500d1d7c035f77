"""Records application fixtures from real Keras (the oracle), for `structure.py`.

    python tests/applications/record_structure.py ResNet50 VGG16
    python tests/applications/record_structure.py --key MobileNetV2_a035 MobileNetV2 '{"alpha": 0.35}'

Runs Keras in a child process (numpy backend, so no framework compiles) and writes
`tests/applications/fixtures/<key>.json.gz`. Keras's own files are never read: only what the
built model reports.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

_CHILD = """
import json, sys
sys.path.insert(0, {root!r})
import keras
from tests.applications.structure import describe
print(json.dumps(describe(keras, {builder!r}, json.loads({kwargs!r}))))
"""


def record(key, builder, kwargs):
    env = dict(os.environ, KERAS_BACKEND="numpy", TF_CPP_MIN_LOG_LEVEL="3")
    code = _CHILD.format(root=str(ROOT), builder=builder, kwargs=json.dumps(kwargs))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"Keras failed on {builder}({kwargs}):\n{out.stderr[-3000:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    path = HERE / "fixtures" / f"{key}.json.gz"
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt") as f:
        json.dump(data, f, separators=(",", ":"))
    os.replace(tmp, path)
    print(f"{key}: {len(data['layers'])} layers, {data['count_params']} params -> {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", help="fixture name for one builder with kwargs")
    parser.add_argument("items", nargs="+", help="builder names, or BUILDER KWARGS_JSON with --key")
    args = parser.parse_args()
    if args.key:
        builder, kwargs = args.items[0], json.loads(args.items[1] if len(args.items) > 1 else "{}")
        record(args.key, builder, kwargs)
    else:
        for builder in args.items:
            record(builder, builder, {})


if __name__ == "__main__":
    main()
