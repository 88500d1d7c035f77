#!/usr/bin/env bash
# The data tests in a virtual environment without TensorFlow and without Keras: cornu's wheel
# with jax only, so any import of tensorflow on the data path (loaders, preprocessing layers, fit
# on their datasets) fails here instead of passing by accident.
#
#   bash scripts/ci_without_tf.sh [VENV_DIR [TEST_PATH...]]
#
# VENV_DIR defaults to a fresh temporary directory; TEST_PATHs to every data test (about
# 25 minutes on 2 busy cores). .ci/run passes a short selection.
#
# Tests that need TensorFlow skip themselves (importorskip / find_spec checks).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$(mktemp -d)/venv-without-tf}"
start=$(date +%s)

python -m venv "$VENV"
# shellcheck disable=SC1091
source "$VENV/bin/activate"
python -m pip install --quiet --upgrade pip
# cornu as users install it: from its wheel, with the `jax` extra only. The `test` extra pins
# keras (the parity oracle), which must stay out: name the test packages instead. scipy:
# windows for STFTSpectrogram and a few references.
WHEELS="$(mktemp -d)"
python -m pip wheel --quiet --no-deps --wheel-dir "$WHEELS" "$ROOT"
WHEEL="$(ls "$WHEELS"/cornu-*.whl)"
python -m pip install --quiet "cornu[jax] @ file://$WHEEL" "pytest>=8" "scipy>=1.11"

for module in tensorflow keras torch; do
    if python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$module') is None)"; then
        echo "error: $module is installed in $VENV; this pass must run without it" >&2
        exit 1
    fi
done

export CORNU_BACKEND=jax
# One fit, save and load with the installed wheel, run from outside the checkout.
(cd "$WHEELS" && python "$ROOT/scripts/wheel_smoke.py")

# The tests import cornu from the checkout (`python -m pytest` puts it first on sys.path), with
# the wheel's dependencies.
cd "$ROOT"
TESTS=("${@:2}")
if [ ${#TESTS[@]} -eq 0 ]; then
    TESTS=(tests/utils tests/datasets tests/layers/preprocessing tests/data)
fi
python -m pytest -q -p no:cacheprovider "${TESTS[@]}"
echo "ci_without_tf: passed in $(( $(date +%s) - start )) s"
