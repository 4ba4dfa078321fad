#!/usr/bin/env bash
# Installs, from Debian's archive, whatever staffpool needs that this machine lacks. Quiet and quick
# when everything is present, so `make demo` and `make test` can run it every time.
set -euo pipefail

packages=(
  build-essential        # gcc, make
  libglpk-dev            # the optimiser (GLPK 5.0)
  libsqlite3-dev         # the store
  python3 python3-dev    # the interpreter and headers the extension builds against
  python3-cffi           # the bindings
  python3-setuptools     # builds the extension
  python3-pytest         # the test runner
  python3-pandas         # DataFrames in and out
  python3-nbclient python3-ipykernel python3-nbformat  # the notebooks, run by the tests
  python3-openpyxl       # .xlsx export of plans (staffpool export --format xlsx)
  python3-icalendar      # per-person .ics rotas (staffpool rota --export DIR --format ics)
  python3-matplotlib     # plots (staffpool.plots), in the notebooks and their tests
  python3-distributed    # Dask: scenario sweeps on a cluster (staffpool.scenarios)
  python3-pulp coinor-cbc  # the independent reference model in the tests (CBC, not linked)
  valgrind               # make memcheck
)

missing=()
for pkg in "${packages[@]}"; do
  [[ "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "staffpool: installing missing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "staffpool: run as root (or install sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
