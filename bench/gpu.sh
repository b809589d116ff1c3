#!/usr/bin/env bash
# The CUDA path in one call of under ten minutes, on a machine with an NVIDIA GPU:
#   bash bench/gpu.sh [OUT]     (logs and JSON lines go to OUT, default bench-gpu/)
# 1. the unit and app tests with the GPU visible, so every trainer picks CUDA (lab.device);
#    left out: the five-seed scenario claims (tests/unit/test_scenario_seeds.py, ten minutes of CPU
#    training, measured on the CPU) and the browser tests (no Chromium there);
# 2. the three training benchmarks on CUDA with shorter budgets, clocks synchronised with the device.
# Each step runs even if one before it failed; the exit status is the first failure's.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-gpu}"
mkdir -p "$out"
# OMP_NUM_THREADS: eight test workers of sixteen threads each on sixteen cores left the first run
# (2026-12-04) a quarter done after eight minutes
export PYTHONUNBUFFERED=1 LAB_OFFLINE=1 OMP_NUM_THREADS=2
python=${PYTHON:-python3}
status=0
step() {  # step NAME COMMAND...: run, log to OUT/NAME.log, time it
  local name=$1 started=$SECONDS
  shift
  echo "== $name: $*"
  "$@" >"$out/$name.log" 2>&1 || { echo "!! $name failed (exit $?)"; [ $status -ne 0 ] || status=1; }
  tail -n 4 "$out/$name.log"
  echo "== $name: $((SECONDS - started)) s"
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
$python -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"
workers=$($python -c "import xdist" 2>/dev/null && echo "-n 8" || echo "")
step tests $python -m pytest tests/unit tests/app -q -p no:cacheprovider $workers \
  --deselect tests/unit/test_scenario_seeds.py --durations=20
step gan2d $python -m bench.gan2d --no-app --device cuda --grid-steps 2000
step mnist_gan $python -m bench.mnist_gan --device cuda --budgets 5 10 15
step vae $python -m bench.vae --device cuda --budgets 5 10 15
for name in gan2d mnist_gan vae; do tail -n 1 "$out/$name.log" >"$out/$name.json"; done
exit $status
