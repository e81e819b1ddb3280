# lib.sh - what the command-line test scripts share, sourced by them before
# anything else: WLR as an absolute path, DATA (tests/data), a scratch
# directory T (removed on exit, and the current directory from here on), the
# pass/fail counters and the checks. Not a test itself (tests/run.sh runs
# only tests/cli_*.sh).
#
# Usage, at the top of tests/cli_X.sh:   . "$(dirname "$0")/lib.sh"
# and at the end:   echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]

WLR=${WLR:-build/wlr}
case "$WLR" in /*) ;; *) WLR="$(pwd)/$WLR" ;; esac
DATA="$(cd "$(dirname "$0")" && pwd)/data"
T=$(mktemp -d "${TMPDIR:-/tmp}/wlr-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# expect_fail NAME PATTERN [FILE-THAT-MUST-NOT-EXIST] -- ARGS...
# The command must exit non-zero (not by a signal), print nothing on stdout,
# print one stderr line starting "wlr: " that matches PATTERN (grep -E), and
# leave no FILE* behind. WLR_RUNNER, if set, goes before the command (make
# valgrind).
expect_fail() {
    name=$1 pattern=$2 mustnot=$3
    shift 3
    [ "$1" = "--" ] && shift
    $WLR_RUNNER "$WLR" "$@" >out.txt 2>err.txt
    rc=$?
    if [ $rc -eq 0 ]; then bad "$name: exit 0 (stderr: $(cat err.txt))"; return; fi
    if [ $rc -ge 128 ]; then bad "$name: killed by signal $((rc - 128))"; return; fi
    if [ -s out.txt ]; then bad "$name: wrote to stdout: $(head -c 200 out.txt)"; return; fi
    if ! head -n 1 err.txt | grep -q '^wlr: '; then
        bad "$name: stderr does not start with 'wlr: ': $(cat err.txt)"; return
    fi
    if ! grep -Eq -- "$pattern" err.txt; then
        bad "$name: stderr '$(cat err.txt)' does not match '$pattern'"; return
    fi
    if [ -n "$mustnot" ] && ls "$mustnot"* >/dev/null 2>&1; then
        bad "$name: left $(ls "$mustnot"*) behind"; return
    fi
    ok
}

# expect_same NAME FILE1 FILE2
expect_same() {
    if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; fi
}

# expect_grep NAME PATTERN FILE
expect_grep() {
    if grep -Eq -- "$2" "$3"; then ok; else bad "$1: no '$2' in $3: $(head -c 300 "$3")"; fi
}
