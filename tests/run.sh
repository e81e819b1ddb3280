#!/bin/sh
# Runs every unit test binary in BUILD/tests and the command-line tests, all
# at once (the scripts each work in a temporary directory of their own; the
# two longest take most of the time, so on two cores this halves the wall
# time), then prints their results in a fixed order and, as its last line,
# the total: "N passed, N failed".
# Usage: sh tests/run.sh BUILD_DIR
build=${1:-build}
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/wlr-run.XXXXXX") || exit 1
trap 'rm -rf "$out_dir"' EXIT
trap 'exit 130' INT TERM
# the list, taken once: results are matched to it by position
set --
for t in "$build"/tests/test_* tests/cli_*.sh; do
    [ -e "$t" ] && set -- "$@" "$t"
done
k=0
for t in "$@"; do
    k=$((k + 1))
    case "$t" in
        *.sh) (WLR="$build/wlr" sh "$t" >"$out_dir/$k.out" 2>&1; echo $? >"$out_dir/$k.rc") & ;;
        *)    ("$t" >"$out_dir/$k.out" 2>&1; echo $? >"$out_dir/$k.rc") & ;;
    esac
done
wait
passed=0; failed=0; k=0
for t in "$@"; do
    k=$((k + 1))
    rc=$(cat "$out_dir/$k.rc" 2>/dev/null || echo "?")
    last=$(tail -n 1 "$out_dir/$k.out")
    p=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        # A test program that died before its summary counts as one failure.
        tail -n 20 "$out_dir/$k.out"
        echo "BROKEN $t (exit $rc, no summary line)"
        failed=$((failed + 1))
        continue
    fi
    grep -v '^[0-9]* passed, [0-9]* failed$' "$out_dir/$k.out"
    echo "$t: $last"
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" = 0 ] && [ "$rc" != 0 ]; then
        echo "BROKEN $t (exit $rc with no failure counted)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
