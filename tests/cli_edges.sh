#!/bin/sh
# cli_edges.sh - separable data: without an L2 penalty it has no finite
# optimum (the coefficients grow as long as the solver runs), so wlr warns
# on stderr, "wlr: warning: ... separates the training classes ...
# (coefficients diverge; use --l2 > 0)", for train, experiment and explain,
# gd and newton, and says nothing of the kind with the default l2 or on
# overlapping data.
#
# Usage: WLR=build/wlr sh tests/cli_edges.sh   Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"

awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 400; i++) { y = i % 4 == 0; j = (i * 37 % 101) / 101
    printf "%.6f,%.6f,%d\n", (y ? 1 : -1) * (0.5 + j), j - 0.5, y } }' >sep.csv
"$WLR" generate --samples 2000 --weights 0.8 -o overlap.csv

warns() { # NAME ARGS...: exit 0 and a warning naming separability on stderr
    name=$1
    shift
    "$WLR" "$@" >out.txt 2>err.txt || { bad "$name: exit $?: $(cat err.txt)"; return; }
    if grep -qiE '^wlr: warning: .*separa' err.txt; then ok; else
        bad "$name: no separability warning on stderr: '$(grep -v 'took' err.txt)'"; fi
}
quiet() { # NAME ARGS...: exit 0 and no such warning
    name=$1
    shift
    "$WLR" "$@" >out.txt 2>err.txt || { bad "$name: exit $?: $(cat err.txt)"; return; }
    if grep -qiE 'warning' err.txt; then bad "$name: warned: $(cat err.txt)"; else ok; fi
}
for solver in gd newton; do
    warns "train $solver l2 0" train sep.csv --solver $solver --l2 0 --test-size 0.5 --stratify
    warns "train $solver l2 0 --json" train sep.csv --solver $solver --l2 0 --json --test-size 0.5 --stratify
    warns "experiment $solver l2 0" experiment sep.csv --solver $solver --l2 0 --test-size 0.5 --stratify
    quiet "train $solver default l2" train sep.csv --solver $solver --test-size 0.5 --stratify
    quiet "train $solver overlapping l2 0" train overlap.csv --solver $solver --l2 0
done
warns "explain l2 0" explain sep.csv --l2 0 --epochs 3 --test-size 0.5 --stratify

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
