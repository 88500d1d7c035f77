"""Runs `get_file` scenarios under one library and pickles what each left in its cache folder.

    python -m tests.parity.get_file_child PACKAGE BASE_URL ROOT OUT.pkl

Each scenario gets its own existing cache folder `ROOT/<scenario>` and a list of calls; the
result of each call is its returned path relative to that folder (or the exception's class
name), and then the sorted list of files in the folder.
"""

import importlib
import os
import pickle
import sys
import warnings

from tests.parity.get_file_cases import SCENARIOS


def _files(folder):
    found = []
    for root, _, names in os.walk(folder):
        found += [os.path.relpath(os.path.join(root, n), folder) for n in names]
    return sorted(found)


def main(package, base_url, root, out_path):
    get_file = importlib.import_module(package).utils.get_file
    results = {}
    for scenario, calls in SCENARIOS.items():
        folder = os.path.join(root, package, scenario)
        os.makedirs(folder)
        steps = []
        for call in calls:
            kwargs = dict(call, cache_dir=folder)
            if "origin" in kwargs:
                kwargs["origin"] = base_url + kwargs["origin"]
            if "cache_subdir" in kwargs and kwargs["cache_subdir"].startswith("ABS:"):
                kwargs["cache_subdir"] = os.path.join(folder, kwargs["cache_subdir"][4:])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    steps.append(os.path.relpath(get_file(**kwargs), folder))
            except Exception as exc:
                steps.append(("raised", type(exc).__name__))
            steps.append(_files(folder))
        results[scenario] = steps
    with open(out_path, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    main(*sys.argv[1:5])
