#!/usr/bin/env bash
# Create the benchmark environment: a separate venv at .bench-venv in the project root,
# with kordon installed editable plus the comparison and data-generation tools.
# Usage (from anywhere): bash bench/setup_env.sh   [PYTHON=python3.11]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3.11}"
venv="$root/.bench-venv"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e "$root"
"$venv/bin/python" -m pip install --quiet -r "$root/bench/requirements.txt"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md
for pkg in ("kordon", "followthemoney", "rigour", "nomenklatura", "faker", "rapidfuzz", "psutil", "numpy"):
    print(f"{pkg:16} {md.version(pkg)}")
from nomenklatura.matching import get_algorithm
assert get_algorithm("logic-v2") is not None, "nomenklatura without logic-v2"
PY
echo "bench venv ready: $venv"
