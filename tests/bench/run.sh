#!/usr/bin/env bash
# Listing and filter benchmark: blobx against the raw REST floor, the Python
# SDK (azure-storage-blob) and azcopy, in one run on one in-memory Azurite.
#
#   bash tests/bench/run.sh               # table on stdout and in target/bench/listing.md
#   bash tests/bench/run.sh --write-doc   # also replaces the figures in BENCHMARKS.md
#
# Installs what it needs, each pinned:
#   Azurite      tests/emulator/package-lock.json   (npm ci, by the Rust harness on first use)
#   azcopy       tests/bench/package-lock.json      (npm ci: @azure-tools/azcopy-linux)
#   Python SDK   tests/bench/requirements.txt       (pip, into target/bench-venv)
# A peer that cannot be installed is reported as "skipped: <reason>"; the run goes on.
# Extra environment: BENCH_RUNS (3), BENCH_PER_FOLDER (1000), see tests/bench/listing.rs.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

say() { printf '== %s\n' "$*" >&2; }

WRITE_DOC=""
for arg in "$@"; do
    case $arg in
    --write-doc) WRITE_DOC=$ROOT/BENCHMARKS.md ;;
    -h | --help)
        sed -n '2,13p' "$0"
        exit 0
        ;;
    *)
        echo "run.sh: unknown argument $arg (try --help)" >&2
        exit 2
        ;;
    esac
done

command -v cargo >/dev/null || {
    echo "run.sh: cargo is required" >&2
    exit 1
}

# --- azcopy (npm) -------------------------------------------------------------
BENCH_DIR=$ROOT/tests/bench
AZCOPY=$BENCH_DIR/node_modules/@azure-tools/azcopy-linux/dist/bin/azcopy_linux_amd64
AZCOPY_SKIP=""
lock_version() {
    node -p 'require(process.argv[1]).packages["node_modules/@azure-tools/azcopy-linux"].version' \
        "$BENCH_DIR/package-lock.json" 2>/dev/null
}
installed_version() {
    node -p 'require(process.argv[1]).version' \
        "$BENCH_DIR/node_modules/@azure-tools/azcopy-linux/package.json" 2>/dev/null
}
if [ "$(uname -s)/$(uname -m)" != Linux/x86_64 ]; then
    AZCOPY_SKIP="@azure-tools/azcopy-linux ships only a Linux x86_64 binary (this is $(uname -s)/$(uname -m))"
elif ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    AZCOPY_SKIP="npm/node not found (Node 20+ installs azcopy from npm)"
elif [ ! -f "$AZCOPY" ] || [ "$(installed_version)" != "$(lock_version)" ]; then
    say "installing azcopy $(lock_version) (npm ci in tests/bench)"
    if ! log=$(cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
        AZCOPY_SKIP="npm ci in tests/bench failed: $(printf '%s' "$log" | grep -v nodedir | tail -n 3 | tr '\n' ' ')"
    fi
fi
if [ -z "$AZCOPY_SKIP" ]; then
    # The npm tarball may ship the binary without its executable bit.
    [ -x "$AZCOPY" ] || chmod +x "$AZCOPY" 2>/dev/null
    missing=$(ldd "$AZCOPY" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')
    if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "azcopy needs ${missing% }: apt-get install libsecret-1-0"
        apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsecret-1-0 >/dev/null 2>&1
        missing=$(ldd "$AZCOPY" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')
    fi
    if [ -n "$missing" ]; then
        AZCOPY_SKIP="azcopy cannot load ${missing% } (Debian: apt-get install libsecret-1-0)"
    elif ! out=$("$AZCOPY" --version 2>&1); then
        AZCOPY_SKIP="azcopy --version failed: $(printf '%s' "$out" | head -c 200)"
    fi
fi

# --- Python SDK (pip, venv) ----------------------------------------------------
VENV=$ROOT/target/bench-venv
PY=$VENV/bin/python
REQ=$BENCH_DIR/requirements.txt
PYTHON_SKIP=""
if [ ! -x "$PY" ] || ! cmp -s "$REQ" "$VENV/.requirements"; then
    say "creating $VENV (pip install -r tests/bench/requirements.txt)"
    if ! out=$(python3 -m venv "$VENV" 2>&1); then
        PYTHON_SKIP="python3 -m venv failed (Debian: apt-get install python3-venv): $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
    elif ! out=$("$PY" -m pip install -q --disable-pip-version-check -r "$REQ" 2>&1); then
        PYTHON_SKIP="pip install -r tests/bench/requirements.txt failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    else
        cp "$REQ" "$VENV/.requirements"
    fi
fi
if [ -z "$PYTHON_SKIP" ] && ! out=$("$PY" -c 'import azure.storage.blob' 2>&1); then
    PYTHON_SKIP="azure.storage.blob does not import: $(printf '%s' "$out" | tail -n 1)"
fi

[ -n "$AZCOPY_SKIP" ] && say "azcopy: skipped: $AZCOPY_SKIP"
[ -n "$PYTHON_SKIP" ] && say "Python SDK: skipped: $PYTHON_SKIP"

# --- the benchmark -----------------------------------------------------------------
mkdir -p "$ROOT/target/bench-tmp/listing-data"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
# The app's transfer engine keeps its journal here, not in the user's data dir.
export BLOBX_DATA_DIR=$ROOT/target/bench-tmp/listing-data
export BENCH_PYTHON=$PY BENCH_PYTHON_SKIP=$PYTHON_SKIP
export BENCH_AZCOPY=$AZCOPY BENCH_AZCOPY_SKIP=$AZCOPY_SKIP
export BENCH_PEERS_PY=$BENCH_DIR/peers.py
export BENCH_WRITE_DOC=$WRITE_DOC
exec cargo run --release --example bench_listing
