#!/usr/bin/env bash
# Installs, idempotently and without prompting, every Debian package (and npm package) that kyoso's
# build, tests, benchmarks and demo need. Safe to run again: apt-get skips what is installed.
#   scripts/install-deps.sh            # C++ build + tests + benchmarks + Python peers
#   KYOSO_SKIP_BROWSER=1 scripts/...   # skip Chromium (UI tests then cannot run)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev liblbfgspp-dev libnlopt-cxx-dev
  libsqlite3-dev sqlite3 libpqxx-dev libpq-dev postgresql
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
  libspdlog-dev libfmt-dev
  libfftw3-dev libfftw3-mpi-dev libopenmpi-dev openmpi-bin
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-scipy python3-sklearn python3-optuna
)
if [ -z "${KYOSO_SKIP_BROWSER:-}" ]; then packages+=(chromium); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all Debian packages present"
fi

# npm packages of package-lock.json (Plotly, vendored into the web UI at build time, and
# playwright-core for the browser tests). `npm ci` runs only when node_modules is missing or older
# than the lock file, so a second run is a no-op. PyPI is not needed; npm's registry is.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$repo_root/package-lock.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: npm not found; installing Debian nodejs + npm"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  stamp="$repo_root/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$repo_root/package-lock.json" -nt "$stamp" ]; then
    echo "install-deps: npm ci (web UI assets and browser-test driver)"
    (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: npm packages present"
  fi
fi
