#!/usr/bin/env bash
# The test command: installs system packages, builds everything and runs the whole test suite.
#   Deploy/test.sh                 all tests
#   Deploy/test.sh --filter NAME   only matching tests (no fuzzing)
# The build log and the test log go to a fresh temporary directory, printed first and last. The
# run fails when the build fails, when the build warns in our code, or when a test fails.
# After the whole suite, every libFuzzer target in Tests/Fuzz runs for TOLLGATE_FUZZ_SECONDS
# (default 60; 0 skips them), two at a time; any crash fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
Deploy/setup-system.sh
logs=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-test.XXXXXX")
echo "== logs in $logs"
trap 'echo "== logs in $logs"' EXIT
echo "== build"
if ! swift build --build-tests >"$logs/build.log" 2>&1; then
    grep -E "error:" "$logs/build.log" | sort -u >&2 || true
    tail -n 30 "$logs/build.log" >&2
    echo "build failed; the whole log is $logs/build.log" >&2
    exit 1
fi
# Warnings in our code fail the run; .build/ holds only generated files.
warnings=$(grep -E "^/.*warning:" "$logs/build.log" | grep -v "/.build/" | sort -u || true)
if [[ -n $warnings ]]; then
    echo "build has warnings:" >&2
    echo "$warnings" >&2
    echo "the whole log is $logs/build.log" >&2
    exit 1
fi
grep -E "^Build complete" "$logs/build.log" || true
echo "== test"
# pipefail: the pipeline fails when swift test does, whatever tee returns.
swift test --skip-build "$@" 2>&1 | tee "$logs/test.log"
if [[ $# -eq 0 && ${TOLLGATE_FUZZ_SECONDS:-60} != 0 ]]; then
    echo "== fuzz (${TOLLGATE_FUZZ_SECONDS:-60} s per target)"
    Tests/Fuzz/run.sh all "${TOLLGATE_FUZZ_SECONDS:-60}"
fi
