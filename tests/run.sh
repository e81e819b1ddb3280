#!/bin/sh
# Runs every unit test binary in BUILD/tests and the command-line tests, and
# prints the total as its last line: "N passed, N failed".
# Usage: sh tests/run.sh BUILD_DIR
build=${1:-build}
passed=0; failed=0; broken=""
for t in "$build"/tests/test_* tests/cli_*.sh; do
    [ -e "$t" ] || continue
    case "$t" in
        *.sh) out=$(WLR="$build/wlr" sh "$t" 2>&1); rc=$? ;;
        *)    out=$("$t" 2>&1); rc=$? ;;
    esac
    last=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        # A test program that died before its summary counts as one failure.
        printf '%s\n' "$out" | tail -n 20
        echo "BROKEN $t (exit $rc, no summary line)"
        failed=$((failed + 1)); broken="$broken $t"
        continue
    fi
    printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
    echo "$t: $last"
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" = 0 ] && [ "$rc" != 0 ]; then
        echo "BROKEN $t (exit $rc with no failure counted)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
