#!/bin/sh
# cli_plots.sh - `wlr weights` against the tutorial's table, its refusals and
# its --plot, and the pictures of `wlr experiment --plots DIR` (once the
# option exists): six files, each SVG well-formed with every coordinate in
# its view box (checked by build/tests/test_plot FILE...).
#
# Usage: WLR=build/wlr sh tests/cli_plots.sh   (make test runs it)
# Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"
CHECKER="$(dirname "$WLR")/tests/test_plot"

# expect_svg NAME FILE...: every file passes the SVG checker.
expect_svg() {
    name=$1
    shift
    if "$CHECKER" "$@" >check.txt 2>&1; then ok; else bad "$name: $(grep -v '^ok' check.txt)"; fi
}

# ------------------------------------------------------------ weights

"$WLR" weights >w.csv 2>err.txt || bad "weights: $(cat err.txt)"
if cmp -s w.csv "$DATA/weights_by_conversion_rate.csv"; then ok; else
    bad "weights: differs from the reference: $(diff w.csv "$DATA/weights_by_conversion_rate.csv" | head -5)"
fi
"$WLR" weights -o w2.csv --plot w.svg >out.txt 2>err.txt || bad "weights -o: $(cat err.txt)"
if cmp -s w2.csv "$DATA/weights_by_conversion_rate.csv" && [ ! -s out.txt ]; then ok; else
    bad "weights -o: file differs or stdout written"
fi
expect_svg "weights --plot" w.svg
# the defaults spelled out give the same table
"$WLR" weights --samples 10000 --start 0.01 --stop 1.0 --step 0.01 >w3.csv &&
    cmp -s w3.csv w.csv && ok || bad "weights with the default options spelled out"
# numpy.arange's length (ceil(0.85 / 0.2) = 5) and values: r[i] = start +
# i * ((start + step) - start) from i = 2 on, so 0.5000000000000001
"$WLR" weights --start 0.1 --stop 0.95 --step 0.2 --samples 4 >w4.csv
printf '%s\n' conversion_rate,weight_0,weight_1 0.1,0.5555555555555556,5.0 \
    0.30000000000000004,0.7142857142857143,1.6666666666666665 \
    0.5000000000000001,1.0000000000000002,0.9999999999999998 \
    0.7000000000000001,1.666666666666667,0.7142857142857142 \
    0.9000000000000001,5.000000000000007,0.5555555555555555 >expect.csv
cmp -s w4.csv expect.csv && ok || bad "weights short: $(diff w4.csv expect.csv)"
# exponents as Python prints them
"$WLR" weights --start 0.00001 --stop 0.00002 --step 0.00001 >w5.csv
grep -qx '1e-05,0.5000050000500005,50000.0' w5.csv && ok || bad "weights repr: $(cat w5.csv)"

expect_fail "weights step 0" "--step: 0 is not > 0" "" -- weights --step 0
expect_fail "weights step negative" "--step: -0.1 is not > 0" "" -- weights --step -0.1
expect_fail "weights start >= stop" "--start: 0.5 is not below --stop 0.5" "" -- weights --start 0.5 --stop 0.5
expect_fail "weights rate 0" "--start: the rate 0 is not in \(0, 1\)" "" -- weights --start 0
expect_fail "weights rate 1" "--stop: the rate 1 is not in \(0, 1\)" "" -- weights --stop 1.01
expect_fail "weights samples 0" "--samples: 0" "" -- weights --samples 0
expect_fail "weights too many rates" "--step: 1e-300 makes more than" "" -- weights --step 1e-300
expect_fail "weights not a number" "--start: 'abc' is not a finite number" "" -- weights --start abc
expect_fail "weights unknown option" "unknown option '--rate'" "" -- weights --rate 3
expect_fail "weights bad plot path" "nodir/w.svg" "w6.csv" -- weights -o w6.csv --plot nodir/w.svg
"$WLR" weights --help >h.txt && grep -q '^usage: wlr weights' h.txt && ok || bad "weights --help"
"$WLR" --help >h.txt && grep -q '^  weights' h.txt && ok || bad "weights in wlr --help"

# ------------------------------------------------------------ experiment --plots

if "$WLR" experiment --help 2>/dev/null | grep -q -- '--plots'; then
    "$WLR" experiment --samples 20000 --epochs 10 --plots pics >out.txt 2>err.txt ||
        bad "experiment --plots: $(cat err.txt)"
    for f in roc.svg pr.svg boundary.svg loss.svg gradient_share.svg index.html; do
        [ -s "pics/$f" ] && ok || bad "experiment --plots: no pics/$f"
    done
    expect_svg "experiment --plots" pics/*.svg
    for f in roc.svg pr.svg boundary.svg loss.svg gradient_share.svg; do
        grep -q "src=\"$f\"" pics/index.html && ok || bad "index.html does not show $f"
    done
    grep -q '<td>1:200</td>' pics/index.html && ok || bad "index.html: no 1:200 row"
    ls pics | grep -q tmp && bad "experiment --plots left temporaries: $(ls pics)" || ok
    # more than two features: the boundary is a slice, and says so
    "$WLR" experiment --samples 5000 --features 4 --informative 2 --epochs 5 \
        --plots pics4 >out.txt 2>err.txt || bad "experiment --plots, 4 features: $(cat err.txt)"
    grep -q 'slice' pics4/boundary.svg && ok || bad "4 features: no slice note"
    expect_svg "experiment --plots, 4 features" pics4/*.svg
    # gradient_share: each run's share with its weights and, dashed, without
    grep -q 'stroke-dasharray' pics/gradient_share.svg && ok || bad "gradient_share: no dashed lines"
    # one feature: class against x1, vertical boundaries
    "$WLR" experiment --samples 5000 --features 1 --informative 1 --epochs 3 \
        --plots pics1 >out.txt 2>err.txt || bad "experiment --plots, 1 feature: $(cat err.txt)"
    grep -q '0 below, 1 above' pics1/boundary.svg && ok || bad "1 feature: no class axis"
    expect_svg "experiment --plots, 1 feature" pics1/*.svg
    # Newton keeps no loss per epoch; threshold 1 puts every boundary at infinity
    "$WLR" experiment --samples 5000 --solver newton --threshold 1 --plots pn \
        >out.txt 2>err.txt || bad "experiment --plots, newton: $(cat err.txt)"
    grep -q 'not recorded' pn/loss.svg && ok || bad "newton: loss.svg does not say why it is empty"
    grep -q 'Newton step' pn/gradient_share.svg && ok || bad "newton: x axis not Newton steps"
    grep -q '(not in view)' pn/boundary.svg && ok || bad "threshold 1: boundaries not marked"
    expect_svg "experiment --plots, newton" pn/*.svg
    touch notadir
    expect_fail "plots into a file" "--plots: notadir exists and is not a directory" "" -- \
        experiment --samples 2000 --epochs 2 --plots notadir
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
