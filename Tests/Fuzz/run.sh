#!/usr/bin/env bash
# Builds the libFuzzer targets (debug, AddressSanitizer + libFuzzer) and runs them for a bounded time.
#   Tests/Fuzz/run.sh build                     build every target
#   Tests/Fuzz/run.sh list                      the target names
#   Tests/Fuzz/run.sh TARGET [SECONDS] [FLAG…]  build, then fuzz TARGET for SECONDS (default
#                                               $TOLLGATE_FUZZ_SECONDS, else 60); extra libFuzzer flags
#                                               such as -runs=10000000 follow
#   Tests/Fuzz/run.sh all [SECONDS]             build, then fuzz every target, two at a time
# TOLLGATE_FUZZ_CONFIGURATION=release builds optimised (about 3x faster, for long runs; -O keeps
# preconditions, bounds and overflow checks but drops assert(), so CI fuzzes the debug build).
# Seeds come from Corpus/TARGET and FailCases/TARGET (read only); what the fuzzer adds goes to
# .build/fuzz/corpus/TARGET, crash inputs to .build/fuzz/artifacts/TARGET/, logs to .build/fuzz/logs/.
# A crash or a broken check exits non-zero: copy the input into FailCases/TARGET/ with the fix,
# and the main suite's FuzzReplayTests replays it from then on.
set -euo pipefail
cd "$(dirname "$0")"

targets=(http-head http-connection jws canonical-json signed-note scenario request-files push-body)
configuration=${TOLLGATE_FUZZ_CONFIGURATION:-debug}
work=.build/fuzz

build() {
    # SwiftPM's own --sanitize=fuzzer keeps libFuzzer's main (it does not rename main for the
    # executable); -Xswiftc -sanitize=fuzzer,address adds the coverage instrumentation to every module.
    # SwiftPM keeps its build plan for the root package (a path dependency here) when files are
    # added to it, and then fails on the new types; removing the plan makes it list the sources
    # again (it does not recompile what is up to date).
    rm -f ".build/$configuration.yaml"
    local output status=0
    output=$(swift build -c "$configuration" --sanitize=fuzzer --sanitize=address \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1) || status=$?
    grep -E "error|warning: .*\.swift|Build complete" <<<"$output" | grep -v "^\[" || true
    if [[ $status -ne 0 ]]; then
        echo "fuzz build failed: swift build exited $status" >&2
        exit 1
    fi
    for target in "${targets[@]}"; do
        [[ -x .build/$configuration/$target ]] || { echo "fuzz build failed: no .build/$configuration/$target" >&2; exit 1; }
    done
}

# fuzz TARGET SECONDS [FLAG…]: one bounded run; prints a summary line; fails on a crash.
fuzz() {
    local target=$1 seconds=$2
    shift 2
    mkdir -p "$work/corpus/$target" "$work/artifacts/$target" "$work/logs"
    local seeds=("Corpus/$target")
    [[ -d FailCases/$target ]] && seeds+=("FailCases/$target")
    local dict=()
    [[ -f Dictionaries/$target.dict ]] && dict=("-dict=Dictionaries/$target.dict")
    local log="$work/logs/$target.log" status=0
    # The Swift runtime's backtracer fights AddressSanitizer over a crashing process (and can hang);
    # leak checks would report the lazily built runtime caches and the server kept across inputs.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
        ".build/$configuration/$target" -max_total_time="$seconds" -max_len=8192 -timeout=60 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" "${dict[@]}" "$@" \
        "$work/corpus/$target" "${seeds[@]}" > "$log" 2>&1 < /dev/null || status=$?
    local runs execs cov
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    execs=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -oE '(DONE|pulse|NEW|REDUCE|INITED) +cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo "cov: ?")
    if [[ $status -ne 0 ]]; then
        echo "FAIL $target after $runs runs (exit $status); see $log" >&2
        grep -E "Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY|Test unit written" "$log" | head -5 >&2
        return 1
    fi
    echo "ok   $target: $runs runs in ${seconds} s, $execs exec/s, $cov"
}

command=${1:-all}
case $command in
    list)
        printf '%s\n' "${targets[@]}" ;;
    build)
        build ;;
    all)
        seconds=${2:-${TOLLGATE_FUZZ_SECONDS:-60}}
        build
        export -f fuzz
        export work configuration
        printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'fuzz "$1" "$2"' _ {} "$seconds" ;;
    *)
        [[ " ${targets[*]} " == *" $command "* ]] || { echo "unknown fuzz target '$command' (run.sh list)" >&2; exit 2; }
        seconds=${2:-${TOLLGATE_FUZZ_SECONDS:-60}}
        shift $(( $# >= 2 ? 2 : 1 ))
        build
        fuzz "$command" "$seconds" "$@" ;;
esac
