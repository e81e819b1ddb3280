#!/bin/sh
# cli_plots.sh - `wlr weights` against the tutorial's table, its refusals and
# its --plot; the pictures of `wlr experiment --plots DIR` and `wlr explain
# --plots DIR`: every file, each SVG well-formed with every coordinate in
# its view box, no side left empty and no legend entry over another or the
# plot, and drawing exactly the points of the CSV beside it (checked by
# build/tests/test_plot --csv FILE...); what they show, against numbers
# computed here from the data: class 1's share of the pull at w = 0, b = 0,
# the loss at epoch 0 and its gap to the optimum, the same share of each
# class drawn; the features' names; explain --json's syntax (awk).
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

# expect_svg_csv NAME FILE.svg...: each passes the checker and draws the
# points of FILE.csv beside it.
expect_svg_csv() {
    name=$1
    shift
    if "$CHECKER" --csv "$@" >check.txt 2>&1; then ok; else bad "$name: $(grep -v '^ok' check.txt)"; fi
}

# near NAME GOT WANT REL: |GOT - WANT| <= REL |WANT|.
near() {
    if awk -v g="$2" -v w="$3" -v r="$4" 'BEGIN { d = g - w; if (d < 0) d = -d
        m = w < 0 ? -w : w; exit !(g != "" && d <= r * m) }'; then ok
    else bad "$1: $2, expected $3 (within $4 relative)"; fi
}

# named features: the names, not x1 and x2, in every picture
"$WLR" generate --samples 30000 -o g0.csv
sed '1s/.*/age,income,y/' g0.csv >g.csv
"$WLR" split g.csv --train-out tr.csv --test-out te.csv
"$WLR" experiment g.csv --plots pics >out.txt 2>err.txt || bad "experiment --plots: $(cat err.txt)"
"$WLR" experiment g.csv --json >exp.json 2>err.txt || bad "experiment --json: $(cat err.txt)"
for f in roc.svg roc.csv pr.svg pr.csv boundary.svg boundary.csv boundary_lines.csv \
         loss.svg loss.csv gradient_share.svg gradient_share.csv reliability.svg \
         reliability.csv reliability_bins.csv index.html; do
    [ -s "pics/$f" ] && ok || bad "experiment --plots: no pics/$f"
done
[ "$(ls pics | wc -l)" -eq 15 ] && ok || bad "experiment --plots: other files: $(ls pics)"
expect_svg_csv "experiment --plots" pics/*.svg
ls pics | grep -q tmp && bad "experiment --plots left temporaries: $(ls pics)" || ok
grep -q '>age</text>' pics/boundary.svg && grep -q '>income</text>' pics/boundary.svg &&
    ok || bad "boundary.svg: axes not named age and income"
head -n 1 pics/boundary.csv | grep -qx 'row,age,income,class' && ok ||
    bad "boundary.csv header: $(head -n 1 pics/boundary.csv)"
grep -q '"x_label": "age", "y_label": "income"' pics/index.html && ok ||
    bad "index.html: the features are not named age and income"

# the page: the pictures inline (but the boundary's, which it draws
# itself), the runs' table, nothing loaded from elsewhere
[ "$(grep -c '^<svg xmlns' pics/index.html)" -eq 4 ] && ok ||
    bad "index.html: $(grep -c '^<svg xmlns' pics/index.html) pictures inline, not 4"
for f in roc pr loss gradient_share; do
    grep -q "href=\"$f.csv\"" pics/index.html && ok || bad "index.html does not link $f.csv"
done
grep -q '<td>1:200</td>' pics/index.html && ok || bad "index.html: no 1:200 row"
grep -Eq 'src=|<link' pics/index.html && bad "index.html loads a file" || ok

# boundary.svg draws every k-th row of each class: the same share of both
n0=$(awk -F, 'NR > 1 && $3 == 0' te.csv | wc -l)
n1=$(awk -F, 'NR > 1 && $3 == 1' te.csv | wc -l)
k=$(sed -n 's/.*>every \([0-9]*\)[a-z]* row of each class<.*/\1/p' pics/boundary.svg)
dots=$(awk '/<g data-class="0"/ { c = 0; g = 1; next } /<g data-class="1"/ { c = 1; g = 1; next }
    g && /<\/g>/ { g = 0 } g && /<circle/ { n[c]++ } END { print n[0] + 0, n[1] + 0 }' pics/boundary.svg)
want=$(awk -v a="$n0" -v b="$n1" -v k="$k" 'BEGIN { print int((a + k - 1) / k), int((b + k - 1) / k) }')
[ -n "$k" ] && [ "$dots" = "$want" ] && ok ||
    bad "boundary.svg: $dots dots of $n0 / $n1 rows, expected $want (every ${k}th)"
[ "$(($(wc -l <pics/boundary.csv) - 1))" -eq "$(echo "$want" | awk '{ print $1 + $2 }')" ] &&
    ok || bad "boundary.csv: $(wc -l <pics/boundary.csv) lines for $want dots"
[ "$(wc -l <pics/boundary_lines.csv)" -eq 4 ] && head -n 1 pics/boundary_lines.csv |
    grep -qx 'weighting,threshold,wx,wy,c' && ok || bad "boundary_lines.csv: $(cat pics/boundary_lines.csv)"

# class 1's share of the pull at w = 0, b = 0, where p = 1/2 for every row:
# class k's unweighted pull is (n_k / 2N) |(mean_k of the features, 1)|,
# so with weights c1/c0 = c the share is c g1 / (g0 + c g1): computed here
# from the training rows, against gradient_share.csv's dots
awk -F, 'NR > 1 { n[$3]++; a[$3] += $1; b[$3] += $2 }
    END { N = n[0] + n[1]
        for (k = 0; k < 2; k++) g[k] = n[k] / (2 * N) * sqrt((a[k] / n[k])^2 + (b[k] / n[k])^2 + 1)
        c = n[0] / n[1]
        printf "none %.17g\nbalanced %.17g\n1:200 %.17g\n", g[1] / (g[0] + g[1]),
            c * g[1] / (g[0] + c * g[1]), 200 * g[1] / (g[0] + 200 * g[1]) }' tr.csv >share.txt
while read -r run want; do
    got=$(awk -F, -v r="$run (" 'index($1, r) == 1 { print $3 }' pics/gradient_share.csv)
    near "share of $run at w = 0, b = 0" "$got" "$want" 1e-9
done <share.txt
# the lesson in numbers: without weights the minority has about its 1 %
# of the pull, balanced about half, 1:200 more
awk '{ s[$1] = $2 } END { exit !(s["none"] < 0.03 && s["balanced"] > 0.4 &&
    s["balanced"] < 0.6 && s["1:200"] > s["balanced"]) }' share.txt && ok ||
    bad "shares at w = 0, b = 0: $(cat share.txt)"

# the loss from epoch 0, as the gap to the optimum: at the start (w = 0,
# b = the weighted log-odds) every row has the same p, so the loss is the
# entropy of the classes' weighted shares: for none H(n1 / N), for
# balanced log 2; the last epoch's gap is the JSON's
opt() {  # opt RUN FIELD: the run's field from exp.json
    awk -v r="$1" -v f="$2" '{ n = split($0, part, /\{"name": "/)
        for (i = 2; i <= n; i++) if (index(part[i], r "\"") == 1) {
            match(part[i], "\"" f "\": [^,}]*"); print substr(part[i], RSTART + length(f) + 4, RLENGTH - length(f) - 4) } }' exp.json
}
start_none=$(awk -F, 'NR > 1 { n[$3]++ } END { p = n[1] / (n[0] + n[1]); printf "%.17g", -(p * log(p) + (1 - p) * log(1 - p)) }' tr.csv)
for run in none balanced; do
    L=$(opt "$run" exact_loss)
    start=$start_none
    [ "$run" = balanced ] && start=$(awk 'BEGIN { printf "%.17g", log(2) }')
    want=$(awk -v s="$start" -v l="$L" 'BEGIN { printf "%.17g", (s - l) / l }')
    got=$(awk -F, -v r="$run" '$1 == r && $2 == 0 { print $3 }' pics/loss.csv)
    near "loss.csv: $run's gap at epoch 0" "$got" "$want" 1e-9
    last=$(awk -F, -v r="$run" '$1 == r { v = $3 } END { print v }' pics/loss.csv)
    [ "$last" = "$(opt "$run" gap)" ] && ok || bad "loss.csv: $run's last gap $last, JSON $(opt "$run" gap)"
done
epochs=$(awk '{ match($0, /"epochs": [0-9]*/); print substr($0, RSTART + 10, RLENGTH - 10) }' exp.json)
[ "$(grep -c '^none,' pics/loss.csv)" -eq $((epochs + 1)) ] && ok ||
    bad "loss.csv: $(grep -c '^none,' pics/loss.csv) rows of none for epochs 0..$epochs"
head -n 1 pics/loss.csv | grep -qx 'series,epoch,relative_gap' && ok || bad "loss.csv header"

# more than two features: the boundary is a slice, and says so
"$WLR" experiment --samples 5000 --features 4 --informative 2 --epochs 5 --threshold 0.009745 \
    --plots pics4 >out.txt 2>err.txt || bad "experiment --plots, 4 features: $(cat err.txt)"
grep -q 'slice' pics4/boundary.svg && ok || bad "4 features: no slice note"
expect_svg_csv "experiment --plots, 4 features" pics4/*.svg
# one feature: class against x1, vertical boundaries
"$WLR" experiment --samples 5000 --features 1 --informative 1 --epochs 3 \
    --plots pics1 >out.txt 2>err.txt || bad "experiment --plots, 1 feature: $(cat err.txt)"
grep -q '0 below, 1 above' pics1/boundary.svg && ok || bad "1 feature: no class axis"
expect_svg_csv "experiment --plots, 1 feature" pics1/*.svg
# Newton keeps no loss per epoch; threshold 1 puts every boundary at infinity
"$WLR" experiment --samples 5000 --solver newton --threshold 1 --plots pn \
    >out.txt 2>err.txt || bad "experiment --plots, newton: $(cat err.txt)"
grep -q 'not recorded' pn/loss.svg && ok || bad "newton: loss.svg does not say why it is empty"
grep -q 'Newton step' pn/loss.svg && ok || bad "newton: x axis not Newton steps"
grep -q '(not in view)' pn/boundary.svg && ok || bad "threshold 1: boundaries not marked"
expect_svg_csv "experiment --plots, newton" pn/*.svg
# no exact optimum (more features than Newton's check takes): the loss
# itself, and the picture says why
"$WLR" experiment --samples 600 --features 201 --informative 2 --weights 0.8 \
    --stratify --epochs 2 --class-weight none --plots pw >out.txt 2>err.txt || bad "experiment --plots, 201 features: $(cat err.txt)"
grep -q 'no exact optimum to measure the gap against (too many features' pw/loss.svg &&
    ok || bad "201 features: loss.svg does not say why there is no gap"
head -n 1 pw/loss.csv | grep -qx 'series,epoch,loss' && ok || bad "201 features: loss.csv header"
expect_svg_csv "experiment --plots, 201 features" pw/*.svg
touch notadir
expect_fail "plots into a file" "--plots: notadir exists and is not a directory" "" -- \
    experiment --samples 2000 --epochs 2 --plots notadir
# the same bytes twice
"$WLR" experiment g.csv --plots pics2 >/dev/null 2>&1
diff -r pics pics2 >/dev/null && ok || bad "experiment --plots twice: $(diff -rq pics pics2 | head -n 3)"

# ------------------------------------------------------------ explain

# json_ok FILE: one JSON value, by a small grammar check (strings with
# escapes, numbers, literals, nesting; commas and colons where they go).
json_ok() {
    awk 'BEGIN { RS = "\001" } {
        s = $0; n = length(s); i = 1; depth = 0; expect = "value"; ok = 1
        while (i <= n && ok) {
            c = substr(s, i, 1)
            if (c ~ /[ \t\r\n]/) { i++; continue }
            if (expect == "value" || expect == "value-or-close") {
                if (c == "]" && expect == "value-or-close" && stack[depth] == "[") { depth--; i++; expect = "after"; continue }
                if (c == "{" || c == "[") { stack[++depth] = c; i++; expect = c == "{" ? "key-or-close" : "value-or-close"; continue }
                if (c == "\"") { if (!str()) ok = 0; expect = "after"; continue }
                if (match(substr(s, i), /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) { i += RLENGTH; expect = "after"; continue }
                if (match(substr(s, i), /^(true|false|null)/)) { i += RLENGTH; expect = "after"; continue }
                ok = 0; continue
            }
            if (expect == "key" || expect == "key-or-close") {
                if (c == "}" && expect == "key-or-close") { depth--; i++; expect = "after"; continue }
                if (c != "\"" || !str()) { ok = 0; continue }
                while (substr(s, i, 1) ~ /[ \t\r\n]/) i++
                if (substr(s, i, 1) != ":") { ok = 0; continue }
                i++; expect = "value"; continue
            }
            # after a value: a comma, a closer, or the end
            if (depth == 0) { ok = 0; continue }
            if (c == ",") { i++; expect = stack[depth] == "{" ? "key" : "value"; continue }
            if ((c == "}" && stack[depth] == "{") || (c == "]" && stack[depth] == "[")) { depth--; i++; continue }
            ok = 0
        }
        exit !(ok && depth == 0 && expect == "after")
    }
    function str(   c) {
        i++
        while (i <= n) {
            c = substr(s, i, 1)
            if (c == "\"") { i++; return 1 }
            if (c == "\\") { if (substr(s, i + 1, 1) !~ /["\\\/bfnrtu]/) return 0; i += 2; continue }
            if (c < " ") return 0
            i++
        }
        return 0
    }' "$1"
}
# the checker catches what it should
printf '{"a": [1, 2.5e-3, "x\\"y", true, null], "b": {}}\n' >good.json
json_ok good.json && ok || bad "json_ok rejects good JSON"
for badjson in '{"a": 1,}' '{"a" 1}' '[1 2]' '{"a": [1}' '{"a": 01}' '{"a": "x}' '{} {}' '{"a": nan}'; do
    printf '%s\n' "$badjson" >bad.json
    json_ok bad.json && bad "json_ok accepts $badjson" || ok
done

"$WLR" explain g.csv --epochs 3 --json >ex.json 2>err.txt || bad "explain --json: $(cat err.txt)"
json_ok ex.json && ok || bad "explain --json is not JSON: $(head -c 300 ex.json)"
[ "$(wc -l <ex.json)" -eq 1 ] && ok || bad "explain --json: not one line"
for key in '"run": {"name": "balanced"' '"features": \["age", "income"\]' '"worked_step": {"start_b": ' \
           '"share_same_parameters": {"weightings": \["none", "balanced"\]' '"epochs": \[\{"epoch": 0,' \
           '\{"epoch": 3,' '"at": "w = 0, b = 0'; do
    grep -Eq "$key" ex.json && ok || bad "explain --json: no $key"
done
grep -q '"epoch": 4,' ex.json && bad "explain --json: an epoch 4 of 3" || ok
# its share at w = 0, b = 0 is the one computed above
got=$(sed 's/.*"at": "w = 0, b = 0[^"]*", "share": \[\([^]]*\)\].*/\1/' ex.json)
near "explain --json: none's share at w = 0, b = 0" "${got%%,*}" "$(awk '$1 == "none" { print $2 }' share.txt)" 1e-9
near "explain --json: balanced's share at w = 0, b = 0" "${got##*, }" "$(awk '$1 == "balanced" { print $2 }' share.txt)" 1e-9
# and the text names the features, and has epoch 0 and the shares table
"$WLR" explain g.csv --epochs 3 >ex.txt 2>err.txt || bad "explain: $(cat err.txt)"
expect_grep "explain: feature names" '^ +row +age +income +y .* g_age +g_income ' ex.txt
expect_grep "explain: w by name" '^    w_age = 0 - ' ex.txt
expect_grep "explain: epoch 0" '^      0 \| ' ex.txt
expect_grep "explain: shares" '^    w = 0, b = 0 \(p = 1/2 for every row\) +0\.0' ex.txt

"$WLR" explain g.csv --epochs 3 --plots epl >ex2.txt 2>err.txt || bad "explain --plots: $(cat err.txt)"
cmp -s ex.txt ex2.txt && ok || bad "explain --plots changed the text"
[ "$(ls epl | tr '\n' ' ')" = "gradient_share.csv gradient_share.svg loss.csv loss.svg " ] && ok ||
    bad "explain --plots: $(ls epl)"
expect_svg_csv "explain --plots" epl/*.svg
grep -q '^balanced,0,' epl/loss.csv && ok || bad "explain loss.csv: no epoch 0"
grep -q "^at none's fit," epl/gradient_share.csv && ok || bad "explain gradient_share: no unweighted fit"
expect_fail "explain --plots into a file" "--plots: notadir exists and is not a directory" "" -- \
    explain --samples 2000 --epochs 2 --plots notadir
expect_fail "explain --plots empty" "--plots: needs a directory name" "" -- \
    explain --samples 2000 --epochs 2 --plots=
mkdir epl2 && cp g.csv epl2/loss.svg
expect_fail "explain --plots over its data" "--plots: .*loss.svg is also DATA" "" -- \
    explain epl2/loss.svg --plots epl2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
