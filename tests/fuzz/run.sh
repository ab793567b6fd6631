#!/usr/bin/env bash
# Runs every cargo-fuzz target in tests/fuzz for SECONDS each (default 20)
# and fails on the first crash. Only a stable toolchain is needed:
# RUSTC_BOOTSTRAP lets cargo-fuzz pass its -Z flags to it.
#
# A crash leaves its input in tests/fuzz/artifacts/TARGET/. Fix the bug, then
# keep the input as a regression: copy it to tests/fuzz/regressions/TARGET/
# (`cargo test --test parsers_fuzz` replays every file there).
#
# The CI run is reproducible: a fixed seed and at most BLOBX_FUZZ_RUNS inputs
# per target (SECONDS caps the time on a slow machine). To explore further,
# run with another BLOBX_FUZZ_SEED and a larger BLOBX_FUZZ_RUNS.
set -euo pipefail
secs=${1:-20}
cd "$(dirname "$0")/../.."

if ! command -v cargo-fuzz >/dev/null; then
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# Safe Rust parsers: coverage guidance is what matters, not AddressSanitizer.
# The dev profile (opt-level 1, no debuginfo: tests/fuzz/Cargo.toml) builds
# the instrumented dependency tree in about half the time of a release build;
# the parsers still run ~10^5 inputs a second.
flags=(--fuzz-dir tests/fuzz --sanitizer none --debug-assertions --dev)
targets=(connection_string sas_url az_uri cors acl)

start=$SECONDS
cargo fuzz build "${flags[@]}"
echo "fuzz: built all targets in $((SECONDS - start)) s"

for t in "${targets[@]}"; do
    corpus=tests/fuzz/corpus/$t
    mkdir -p "$corpus"
    echo "fuzz: $t for ${secs} s"
    # The first directory collects what libFuzzer learns (not committed); the
    # seeds are read only. A crash makes cargo fuzz exit non-zero.
    log=tests/fuzz/target/$t.log
    mkdir -p tests/fuzz/target
    status=0
    cargo fuzz run "${flags[@]}" "$t" "$corpus" "tests/fuzz/seeds/$t" -- \
        -seed="${BLOBX_FUZZ_SEED:-1}" -runs="${BLOBX_FUZZ_RUNS:-300000}" \
        -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$log" >&2
        echo "fuzz: $t FAILED (exit $status); the input is in tests/fuzz/artifacts/$t/" >&2
        exit 1
    fi
done
echo "fuzz: all targets clean; whole step $((SECONDS - start)) s"
