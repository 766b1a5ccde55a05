#!/usr/bin/env bash
# run.sh: Myelin's benchmark in one command. Installs missing Debian packages
# (scripts/install-deps.sh; with --with-torch also python3-torch, the
# optional PyTorch peer), builds, then runs bench/bench.py with the remaining
# arguments:
#
#   bench/run.sh [--with-torch] [--quick] [--models mlp,gpt,gpt2] [--steps N]
#                [--repeats R] [--json out.json] [--no-torch] [--no-matmul]
#
# See bench/README.md for what it measures and how to read the tables.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

with_torch=0
args=()
for a in "$@"; do
  if [ "$a" = "--with-torch" ]; then with_torch=1; else args+=("$a"); fi
done

"$root/scripts/install-deps.sh"
if [ "$with_torch" -eq 1 ] && ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "run.sh: installing python3-torch (the PyTorch peer)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends python3-torch
fi

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
"$root/scripts/build.sh" myelinc myelin-opt myelin_runtime
exec python3 "$root/bench/bench.py" --build-dir "${MYELIN_BUILD_DIR:-$root/build}" ${args[@]+"${args[@]}"}
