#!/usr/bin/env bash
# The data tests in a virtual environment without TensorFlow and without Keras: cornu with
# jax only, so any import of tensorflow on the data path (loaders, preprocessing layers, fit
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
# The `test` extra pins keras (the parity oracle), which must stay out: name the test
# packages instead. scipy: windows for STFTSpectrogram and a few references.
python -m pip install --quiet -e "$ROOT[jax]" "pytest>=8" "scipy>=1.11"

for module in tensorflow keras torch; do
    if python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$module') is None)"; then
        echo "error: $module is installed in $VENV; this pass must run without it" >&2
        exit 1
    fi
done

cd "$ROOT"
export CORNU_BACKEND=jax
TESTS=("${@:2}")
if [ ${#TESTS[@]} -eq 0 ]; then
    TESTS=(tests/utils tests/datasets tests/layers/preprocessing tests/data)
fi
python -m pytest -q -p no:cacheprovider "${TESTS[@]}"
echo "ci_without_tf: passed in $(( $(date +%s) - start )) s"
