#!/bin/sh
# peers.sh - wlr against scikit-learn and LIBLINEAR, same data, same run.
#
# Usage: sh bench/peers.sh [BUILD]   (BUILD defaults to build; run `make`
# first). Needs /usr/bin/python3 with scikit-learn (Debian: python3-sklearn);
# LIBLINEAR (liblinear-tools) is used when installed. Whatever is missing is
# skipped with a note, and the script still succeeds.
#   1. the fits: bench/peers.py (see there for what is timed);
#   2. the whole `wlr experiment` process against bench/experiment.py, a
#      Python script doing the same three fits and reports.
build=${1:-build}
wlr=$build/wlr
py=/usr/bin/python3
here=$(dirname "$0")
[ -x "$wlr" ] || { echo "peers: $wlr not built (run make)"; exit 1; }
if ! [ -x "$py" ] || ! "$py" -c "import sklearn" 2>/dev/null; then
    echo "peers: /usr/bin/python3 with scikit-learn not found: skipped"
    exit 0
fi
command -v liblinear-train >/dev/null ||
    echo "peers: liblinear-train not installed (liblinear-tools): LIBLINEAR skipped"

"$py" "$here/peers.py" "$wlr" 5 || exit 1

# Wall time of one whole process, best of $2 runs, in seconds.
best_wall() {
    cmd=$1 runs=$2 best=
    for _ in $(seq "$runs"); do
        t0=$(date +%s.%N)
        sh -c "$cmd" >/dev/null 2>&1 || { echo "peers: '$cmd' failed" >&2; return 1; }
        t1=$(date +%s.%N)
        best=$(echo "$t0 $t1 $best" | awk '{d = $2 - $1; if ($3 == "" || d < $3) print d; else print $3}')
    done
    echo "$best"
}
echo
echo "whole process, best of 5 (wall time, start to exit)"
tw=$(best_wall "$wlr experiment" 5) || exit 1
tp=$(best_wall "$py $here/experiment.py" 5) || exit 1
awk -v w="$tw" -v p="$tp" 'BEGIN {
    printf "  wlr experiment                  %8.1f ms\n", w * 1e3
    printf "  python3 bench/experiment.py     %8.1f ms   (wlr is %.1fx faster)\n", p * 1e3, p / w }'
