#!/usr/bin/env bash
# The test command: installs system packages, builds everything and runs the whole test suite.
#   Deploy/test.sh                 all tests
#   Deploy/test.sh --filter NAME   only matching tests (no fuzzing)
# After the whole suite, every libFuzzer target in Tests/Fuzz runs for TOLLGATE_FUZZ_SECONDS
# (default 60; 0 skips them), two at a time; any crash fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
Deploy/setup-system.sh
echo "== build"
swift build --build-tests 2>&1 | tee /tmp/tollgate-build.log | grep -E "warning:|error:|Compiling|Build" | grep -v "^\[" || true
if grep -q "error:" /tmp/tollgate-build.log; then echo "build failed" >&2; exit 1; fi
if grep -E "^/.*warning:" /tmp/tollgate-build.log | grep -v "/.build/" >/dev/null; then
    echo "build has warnings:" >&2
    grep -E "^/.*warning:" /tmp/tollgate-build.log | sort -u >&2
    exit 1
fi
echo "== test"
swift test --skip-build "$@"
if [[ $# -eq 0 && ${TOLLGATE_FUZZ_SECONDS:-60} != 0 ]]; then
    echo "== fuzz (${TOLLGATE_FUZZ_SECONDS:-60} s per target)"
    Tests/Fuzz/run.sh all "${TOLLGATE_FUZZ_SECONDS:-60}"
fi
