#!/bin/sh
# cli_sweep.sh - `wlr sweep`: its grid (both ends, log spacing), its numbers
# against other commands' (each test block is wlr train --class-weight 1:W's,
# each CV block train --cv's means, the Brier score and the cost recomputed
# from wlr predict's probabilities, the threshold moves through predict and
# report), the best weights against the table, --calibrate prior, --plot's
# two files, the same output for any --jobs, and every refusal.
#
# Usage: WLR=build/wlr sh tests/cli_sweep.sh   (make test runs it)
# Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"
CHECKER="$(dirname "$WLR")/tests/test_plot"

# A minority of 3 %: enough class-1 rows in every fold and in the test split.
"$WLR" generate --samples 20000 --weights 0.97 -o d.csv || { echo "generate failed"; exit 1; }

# grid_line W FILE: the grid's line of weight W in sweep's JSON.
grid_line() { grep "^{\"weight\": $1," "$2"; }
# block NAME TEXT: the flat object "NAME": {...} in TEXT.
block() { printf '%s\n' "$2" | grep -o "\"$1\": {[^}]*}" | head -n 1; }
# field KEY TEXT: the value of "KEY": in TEXT (its first occurrence).
field() { printf '%s\n' "$2" | grep -o "\"$1\": [^],}]*" | head -n 1 | sed 's/^[^:]*: //'; }
# class1 KEY TEXT: the second element of "KEY": [a, b] (class 1's).
class1() { printf '%s\n' "$2" | grep -o "\"$1\": \[[^]]*\]" | head -n 1 | sed 's/.*, //; s/]$//'; }
# matrix TEXT: the first "confusion": [[tn, fp], [fn, tp]] in TEXT, as is.
matrix() { printf '%s\n' "$1" | grep -o '"confusion": \[\[[^]]*\], \[[^]]*\]\]' | head -n 1; }
# weights FILE: the grid's weights, one a line.
weights() { grep '^{"weight": ' "$1" | sed 's/^{"weight": \([^,]*\),.*/\1/'; }

"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 --json >s.json 2>err.txt ||
    bad "sweep --json: $(cat err.txt)"

# ------------------------------------------------------------- the grid

[ "$(weights s.json | wc -l)" -eq 7 ] && [ "$(weights s.json | head -n 1)" = 1 ] &&
    [ "$(weights s.json | tail -n 1)" = 1000 ] && ok ||
    bad "grid: not 7 weights from 1 to 1000: $(weights s.json | tr '\n' ' ')"
# log spacing: every ratio w[k+1] / w[k] is 1000^(1/6) = 3.1623 (the weights
# carry 10 significant digits)
weights s.json | awk 'NR > 1 { r = $1 / prev; e = exp(log(1000) / 6);
    if (r / e - 1 > 1e-9 || e / r - 1 > 1e-9) bad = 1 } { prev = $1 }
    END { exit bad }' && ok || bad "grid: not log spaced: $(weights s.json | tr '\n' ' ')"
# the middle of 2 and 50 on a log scale is 10, exactly
"$WLR" sweep d.csv --from 2 --to 50 --points 3 --cv 2 --json >s3.json 2>err.txt
[ "$(weights s3.json | tr '\n' ' ')" = "2 10 50 " ] && ok ||
    bad "grid 2..50: $(weights s3.json | tr '\n' ' ') $(cat err.txt)"

# ------------------------------------------- the numbers of other commands

# Each test block is wlr train --class-weight 1:W's, with the same solver,
# bit for bit (the JSON's shortest decimals are the same text).
for w in 1 31.6227766 1000; do
    line=$(grid_line "$w" s.json)
    "$WLR" train d.csv --solver newton --class-weight "1:$w" --json >t.json 2>err.txt
    t=$(cat t.json)
    test_block=$(block test "$line")
    want="$(class1 recall "$t") $(class1 precision "$t") $(class1 f1 "$t") $(field roc_auc "$t") $(field average_precision "$t") $(field log_loss "$t") $(field intercept "$t")"
    got="$(field recall_1 "$test_block") $(field precision_1 "$test_block") $(field f1_1 "$test_block") $(field roc_auc "$test_block") $(field average_precision "$test_block") $(field log_loss "$test_block") $(field intercept "$line")"
    if [ -n "$line" ] && [ "$want" = "$got" ] && [ -n "$(matrix "$t")" ] && [ "$(matrix "$t")" = "$(matrix "$test_block")" ]; then ok
    else bad "test block of weight $w: sweep '$got', train '$want' $(cat err.txt)"; fi
done
# each CV block is train --cv K's means over the same folds
"$WLR" train d.csv --solver newton --class-weight 1:10 --cv 3 --json >t.json
mean=$(block mean "$(cat t.json)")
cv=$(block cv "$(grid_line 10 s.json)")
for k in recall_1 precision_1 f1_1 roc_auc average_precision log_loss; do
    printf '%s ' "$(field $k "$mean")"
done >want.txt
for k in recall_1 precision_1 f1_1 roc_auc average_precision log_loss; do
    printf '%s ' "$(field $k "$cv")"
done >got.txt
grep -q '[0-9]' got.txt && expect_same "cv block of weight 10 = train --cv 3's means" want.txt got.txt ||
    bad "cv block of weight 10: empty"
# the Brier score: the mean of (p - y)^2 over wlr predict's probabilities
# (summed here in row order, there pairwise: equal to 1e-12)
"$WLR" split d.csv --train-out tr.csv --test-out te.csv
"$WLR" train d.csv --solver newton --class-weight 1:100 --save m100.txt >/dev/null 2>&1
"$WLR" predict --model m100.txt te.csv -o sc100.csv
brier=$(field brier "$(block test "$(grid_line 100 s.json)")")
awk -F, -v want="$brier" 'NR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
    { d = $col["probability"] - $col["y"]; s += d * d; n++ }
    END { got = s / n; exit !(want > 0 && (got - want) / want < 1e-12 && (want - got) / want < 1e-12) }' \
    sc100.csv && ok || bad "brier of weight 100: $brier is not the mean of (p - y)^2"
# the cost per row: (10 fn + 1 fp) / n, from the test confusion matrix
line=$(grid_line 100 s.json)
printf '%s\n' "$(matrix "$line" | sed 's/^[^:]*://')" "$(field cost "$(block test "$line")")" |
    tr -d '[],' | awk 'NR == 1 { fn = $3; fp = $2; n = $1 + $2 + $3 + $4 }
        NR == 2 { want = (10 * fn + fp) / n; exit !(want > 0 && $1 == want) }' && ok ||
    bad "cost of weight 100: not (10 fn + fp) / n: $line"

# ------------------------------------------------------ threshold moves

# The unweighted model's threshold for a weight's test recall R: wlr
# predict's probabilities of the weight-1 model, scored by wlr report there,
# give the same recall and precision; and at the class-1 score s the
# threshold lies just below, recall falls short of R (no larger threshold
# reaches it).
"$WLR" train d.csv --solver newton --class-weight 1:1 --save m1.txt >/dev/null 2>&1
"$WLR" predict --model m1.txt te.csv -o sc1.csv
line=$(grep '"recall_1": 0\.[0-9]*, "precision' s.json | grep -v null | head -n 1)
moved=$(printf '%s\n' "$line" | grep -o '"unweighted_at_same_recall": {[^}]*}')
t=$(field threshold "$moved")
"$WLR" report sc1.csv --threshold "$t" --json >r.json 2>err.txt
r=$(cat r.json)
if [ -n "$t" ] && [ "$(class1 recall "$r") $(class1 precision "$r")" = "$(field recall_1 "$moved") $(field precision_1 "$moved")" ]; then ok
else bad "threshold move: report at $t gives $(class1 recall "$r") $(class1 precision "$r"); sweep: $moved $(cat err.txt)"; fi
tp=$(matrix "$line" | sed 's/^[^:]*://' | tr -d '[],' | awk '{ print $4 }')
s=$(awk -F, 'NR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
    $col["y"] == 1 { print $col["probability"] }' sc1.csv | sort -g -r | sed -n "${tp}p")
"$WLR" report sc1.csv --threshold "$s" --json >r2.json 2>err.txt
awk -v t="$t" -v s="$s" -v short="$(class1 recall "$(cat r2.json)")" \
    -v want="$(field recall_1 "$(block test "$line")")" \
    'BEGIN { exit !(t < s && short < want) }' && ok ||
    bad "threshold move: not the largest threshold (t $t, s $s, recall at s $(class1 recall "$(cat r2.json)"))"
# a weight whose model finds no class-1 row has nothing to reach: null, and
# "-" in the table; every other one has its move
awk '/^\{"weight"/ { zero = /"test": \{"recall_1": 0,/; moved = !/"unweighted_at_same_recall": null/
    if (zero == moved) bad = 1 } END { exit bad }' s.json && ok ||
    bad "threshold moves: null iff the test recall is 0"

# ---------------------------------------------------- the best weights

# best.f1 is the grid weight of the largest CV F1 (the first on a tie), best.cost
# and best.brier those of the smallest CV cost and Brier score
best=$(grep -o '"best": {.*}' s.json)
for rule in "f1 f1_1 max" "cost cost min" "brier brier min" "average_precision average_precision max"; do
    set -- $rule
    want=$(grep '^{"weight"' s.json | while read -r l; do
        printf '%s %s\n' "$(field weight "$l")" "$(field "$2" "$(block cv "$l")")"
    done | awk -v goal="$3" 'NR == 1 || (goal == "max" ? $2 > b : $2 < b) { b = $2; w = $1 } END { print w }')
    [ -n "$want" ] && [ "$(field "$1" "$best")" = "$want" ] && ok ||
        bad "best $1: $(field "$1" "$best"), the table's is $want"
done
# the text report names the same weights (to 5 digits)
"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 >s.txt 2>err.txt
f1w=$(awk '$1 == "f1" { print $2 }' s.txt)
awk -v a="$f1w" -v b="$(field f1 "$best")" 'BEGIN { exit !(a != "" && a / b - 1 < 1e-4 && b / a - 1 < 1e-4) }' &&
    expect_grep "text: the cost line" '^  cost  ' s.txt || bad "text: best f1 $f1w, JSON $(field f1 "$best")"

# ---------------------------------------------------------- the same bits

"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 --json >s2.json 2>/dev/null
expect_same "same output twice" s.json s2.json
"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 --json --jobs 1 >j1.json 2>/dev/null
"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 --json --jobs 3 >j3.json 2>/dev/null
expect_same "--jobs 1 = --jobs 3 (JSON)" j1.json j3.json
expect_same "--jobs 1 = the default" j1.json s.json
"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 -o o.txt 2>/dev/null
expect_same "-o FILE = stdout" o.txt s.txt

# ------------------------------------------------- gd, --threshold, prior

# gradient descent and another threshold: still train's numbers
"$WLR" sweep d.csv --solver gd --points 2 --cv 2 --threshold 0.2 --json >g.json 2>err.txt
"$WLR" train d.csv --class-weight 1:1000 --threshold 0.2 --json >t.json 2>/dev/null
line=$(grid_line 1000 g.json)
[ -n "$line" ] && [ "$(field intercept "$line") $(class1 recall "$(cat t.json)")" = \
    "$(field intercept "$(cat t.json)") $(field recall_1 "$(block test "$line")")" ] &&
    grep -q '"solver": "gd"' g.json && ok || bad "gd --threshold 0.2: not train's: $line"
# --calibrate prior: each intercept less log(w), the ranking unchanged
"$WLR" sweep d.csv --points 7 --cv 3 --calibrate prior --json >c.json 2>err.txt
l0=$(grid_line 1000 s.json)
l1=$(grid_line 1000 c.json)
awk -v a="$(field intercept "$l0")" -v b="$(field intercept "$l1")" \
    'BEGIN { d = a - log(1000) - b; exit !(b != "" && d < 1e-12 && d > -1e-12) }' &&
    [ "$(field roc_auc "$(block test "$l0")")" = "$(field roc_auc "$(block test "$l1")")" ] &&
    grep -q '"calibrate": "prior"' c.json && ok ||
    bad "--calibrate prior: intercepts $(field intercept "$l0") -> $(field intercept "$l1")"

# fits short of their optimum are said once, on stderr, the output intact
"$WLR" sweep d.csv --solver gd --epochs 1 --lr 0.001 --points 3 --cv 2 >g1.txt 2>err.txt &&
    grep -q '^wlr: warning: gradient descent stopped more than 1 % above the exact optimum for [1-3] of the 3 weights (worst: weight ' err.txt &&
    [ "$(grep -c warning err.txt)" -eq 1 ] && grep -q '^  f1 ' g1.txt && ok ||
    bad "gd short of the optimum: $(cat err.txt)"
"$WLR" sweep d.csv --max-iter 1 --points 3 --cv 2 >n1.txt 2>err.txt &&
    grep -q "^wlr: warning: Newton's method stopped without converging in [0-9]* of the 10 fits" err.txt &&
    grep -q '^  f1 ' n1.txt && ok || bad "Newton short of converging: $(cat err.txt)"

# ------------------------------------------------------------ --plot

"$WLR" sweep d.csv --points 7 --cv 3 --cost 10:1 --json --plot p.svg >ps.json 2>err.txt ||
    bad "--plot: $(cat err.txt)"
"$CHECKER" p.svg >check.txt 2>&1 && grep -q 'best F1: weight' p.svg && ok ||
    bad "--plot: p.svg: $(grep -v '^ok' check.txt)"
# the CSV beside it: a header and the grid's 7 points, the CV F1 column the
# JSON's; the report is the one without --plot
[ "$(wc -l <p.csv)" -eq 8 ] && head -n 1 p.csv | grep -q '^weight,log10_weight,.*cv_f1_1,.*cv_cost$' &&
    [ "$(awk -F, 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "cv_f1_1") c = k; next } { print $c }' p.csv | tr '\n' ' ')" = \
      "$(grep '^{"weight"' s.json | while read -r l; do printf '%s ' "$(field f1_1 "$(block cv "$l")")"; done)" ] &&
    cmp -s ps.json s.json && ok || bad "--plot: p.csv: $(head -n 3 p.csv)"

# ------------------------------------------------------------- refusals

expect_fail "from 0" "--from: 0 is not > 0" "" -- sweep d.csv --from 0
expect_fail "from negative" "--from: -1 is not > 0" "" -- sweep d.csv --from -1
expect_fail "to not above from" "--to: 5 is not above --from 5" "" -- sweep d.csv --from 5 --to 5
expect_fail "points 1" "--points: 1 is below 2" "" -- sweep d.csv --points 1
expect_fail "points closer than the digits" "--points: 1000 weights from 5 to 5.0000001 are closer than 10 significant digits" "" -- \
    sweep d.csv --from 5 --to 5.0000001 --points 1000
expect_fail "points too many" "--points: 1001 is more than 1000" "" -- sweep d.csv --points 1001
expect_fail "cv 1" "--cv: K = 1 is not cross-validation" "" -- sweep d.csv --cv 1
expect_fail "cost one number" "--cost: '10' is not FN:FP" "" -- sweep d.csv --cost 10
expect_fail "cost zero" "--cost: '0:1' is not FN:FP" "" -- sweep d.csv --cost 0:1
expect_fail "calibrate" "--calibrate: 'platt' is not none or prior" "" -- sweep d.csv --calibrate platt
expect_fail "threshold" "--threshold: 2 is not in \[0, 1\]" "" -- sweep d.csv --threshold 2
expect_fail "jobs" "--jobs: 9 is more than 8" "" -- sweep d.csv --jobs 9
expect_fail "solver" "--solver: 'lbfgs' is not gd or newton" "" -- sweep d.csv --solver lbfgs
expect_fail "class weight is the sweep's" "unknown option '--class-weight'" "" -- sweep d.csv --class-weight 1:2
"$WLR" sweep d.csv --class-weight 1:2 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--class-weight: exit status not 2"
expect_fail "plot not svg" "--plot: 'q.png' is not a FILE.svg" "q." -- sweep d.csv --plot q.png
expect_fail "plot stdout" "--plot: '-' is not a FILE.svg" "" -- sweep d.csv --plot -
expect_fail "plot's CSV is -o" "--plot's CSV: q.csv is also -o q.csv" "q." -- sweep d.csv --plot q.svg -o q.csv
expect_fail "plot's CSV is DATA" "--plot's CSV: d.csv is also DATA d.csv" "d.svg" -- sweep d.csv --plot d.svg
# every output against DATA and each other, by any name: the path, ./path,
# a hard link, a symbolic link
ln d.csv hard_d.csv
ln -s d.csv sym_d.csv
for form in d.csv ./d.csv hard_d.csv sym_d.csv; do
    expect_fail "-o $form over DATA" "^wlr: -o: $form is also DATA d.csv \(they name the same file\)" "" -- \
        sweep d.csv -o "$form"
done
for form in hard_d sym_d; do
    expect_fail "--plot $form.svg: its CSV over DATA" "^wlr: --plot's CSV: $form.csv is also DATA d.csv" "$form.svg" -- \
        sweep d.csv --plot "$form.svg"
done
expect_fail "--plot over -o" "^wlr: --plot: q.svg is also -o ./q.svg" "" -- sweep d.csv --plot q.svg -o ./q.svg
expect_fail "--plot='s CSV over --output=" "^wlr: --plot's CSV: q.csv is also -o ./q.csv" "q.svg" -- \
    sweep d.csv --plot=q.svg --output=./q.csv
expect_fail "plot in no directory" "nodir/q.svg" "q.txt" -- sweep d.csv --points 2 --cv 2 --plot nodir/q.svg -o q.txt
"$WLR" generate --samples 300 -o few.csv
expect_fail "too few class-1 rows for the folds" "--cv: .*class 1 has 4" "" -- sweep few.csv
expect_fail "test split of one class" "weight 1, test split \(60 rows\): .*only class 0; try another --split-seed" "" -- sweep few.csv --cv 2
# wider than Newton takes: refused when asked for, else gradient descent
"$WLR" generate --samples 200 --features 1001 --informative 2 --weights 0.7 -o wide.csv
expect_fail "newton on 1001 features" "--solver newton: the data have 1001 features, more than the exact solver takes \(1000\); use --solver gd" "" -- \
    sweep wide.csv --solver newton
"$WLR" sweep wide.csv --points 2 --cv 2 --epochs 2 --json >w.json 2>err.txt &&
    grep -q 'note: 1001 features are more than the exact solver takes (1000): sweeping with gradient descent' err.txt &&
    grep -q '"solver": "gd"' w.json && ok || bad "wide data: no fallback to gd: $(cat err.txt)"

# ------------------------------------------------------------------ help

"$WLR" sweep --help >h.txt && grep -q '^usage: wlr sweep' h.txt && grep -q -- '--points N' h.txt &&
    ! grep -q -- '^  --class-weight' h.txt && ok || bad "sweep --help"
"$WLR" --help >h.txt && grep -q '^  sweep ' h.txt && ok || bad "sweep in wlr --help"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
