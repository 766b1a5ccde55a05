#!/usr/bin/env bash
# train-mlp.sh: the main job. On a fresh Debian machine: installs the
# packages Myelin needs, builds the compiler, compiles examples/mlp.nn into a
# native training executable and trains it on Fashion-MNIST with a live
# progress display. Extra arguments go to the training executable, e.g.
#   scripts/train-mlp.sh --epochs 3 --log run.jsonl
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MYELIN_BUILD_DIR:-$root/build}"

echo "==> installing dependencies"
"$root/scripts/install-deps.sh"
echo "==> building myelinc and the runtime"
"$root/scripts/build.sh" myelinc myelin_runtime
echo "==> compiling examples/mlp.nn"
mkdir -p "$build/examples"
"$build/bin/myelinc" "$root/examples/mlp.nn" -o "$build/examples/mlp"
echo "==> training on Fashion-MNIST (/usr/share/datasets/fashion-mnist)"
exec "$build/examples/mlp" --progress always "$@"
