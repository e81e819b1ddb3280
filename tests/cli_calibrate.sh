#!/bin/sh
# cli_calibrate.sh - calibrated probabilities: --calibrate prior moves the
# intercept by exactly log(c1/c0) and nothing else; the model file keeps
# the corrected intercept and the trained one, and predict's probabilities
# are the corrected model's; the Brier score in every test block (checked
# by hand from predict's output); experiment's calibration section (on the
# tutorial data the correction shrinks 1:200's ECE and Brier score) and its
# reliability.svg/.csv (the ECE recomputed from the CSV); every refusal.
#
# Usage: WLR=build/wlr sh tests/cli_calibrate.sh   (make test runs it)
# Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"
CHECKER="$(dirname "$WLR")/tests/test_plot"
wlr() { $WLR_RUNNER "$WLR" "$@"; }

# run NAME OUT ARGS...: wlr ARGS > OUT must succeed.
run() {
    name=$1 out=$2
    shift 2
    if wlr "$@" >"$out" 2>err.txt; then ok; else bad "$name: $(cat err.txt)"; fi
}

# field KEY FILE: the first value after "KEY": (a number or a string).
field() {
    sed -n "s/.*\"$1\": \"\{0,1\}\([^,}\"]*\).*/\1/p" "$2" | head -n 1
}

# near NAME A B [TOL]: |A - B| <= TOL (1e-12).
near() {
    if awk -v a="$2" -v b="$3" -v t="${4:-1e-12}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; then
        ok; else bad "$1: $2 and $3 differ by more than ${4:-1e-12}"; fi
}

# less NAME A B: A < B.
less() {
    if awk -v a="$2" -v b="$3" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; then
        ok; else bad "$1: $2 is not below $3"; fi
}

# ------------------------------------------------ the intercept, exactly

run "train 1:200" plain.json train --class-weight 1:200 --json
run "train 1:200 --calibrate prior" cal.json train --class-weight 1:200 --calibrate prior --json
b=$(field intercept plain.json)
bc=$(field intercept cal.json)
[ "$(field intercept_uncalibrated cal.json)" = "$b" ] && ok ||
    bad "intercept_uncalibrated $(field intercept_uncalibrated cal.json) is not the trained $b"
near "intercept - log(200)" "$bc" "$(awk -v b="$b" 'BEGIN { printf "%.17g", b - log(200) }')"
[ "$(field calibration cal.json)" = prior ] && ok || bad "json: model.calibration"
grep -q '"calibration"\|intercept_uncalibrated' plain.json && bad "json: calibration fields without --calibrate" || ok
# the coefficients, and so the ranking, are the trained ones
[ "$(sed -n 's/.*"coef": \(\[[^]]*\]\).*/\1/p' plain.json)" = "$(sed -n 's/.*"coef": \(\[[^]]*\]\).*/\1/p' cal.json)" ] &&
    ok || bad "coefficients changed"
[ "$(field roc_auc plain.json)" = "$(field roc_auc cal.json)" ] && ok || bad "ROC AUC changed"
# balanced: log(c1/c0) from its weights
run "train balanced --calibrate prior" calb.json train --class-weight balanced --calibrate prior --json
run "train balanced" plainb.json train --class-weight balanced --json
cw=$(sed -n 's/.*"class_weights": \[\([^]]*\)\].*/\1/p' calb.json)
near "balanced: intercept - log(c1/c0)" "$(field intercept calb.json)" \
    "$(echo "$cw" | awk -F', ' -v b="$(field intercept plainb.json)" '{ printf "%.17g", b - log($2 / $1) }')"
# --calibrate none is the default
run "train --calibrate none" none.json train --class-weight 1:200 --calibrate none --json
sed 's/"seconds": [0-9.e+-]*//' none.json >none.cut
sed 's/"seconds": [0-9.e+-]*//' plain.json >plain.cut
expect_same "--calibrate none" none.cut plain.cut
# the text says what was done
run "train text" cal.txt train --class-weight 1:200 --calibrate prior
expect_grep "text: both intercepts" '^         calibrated \(--calibrate prior\): intercept -?[0-9.]+ = -?[0-9.]+ - log\(c1/c0\), log\(c1/c0\) = 5\.29832$' cal.txt

# ---------------------------------------- the model file and predict

wlr generate --samples 20000 --weights 0.95 --seed 4 >d.csv 2>err.txt || bad "generate: $(cat err.txt)"
run "save calibrated" s.json train d.csv --class-weight 1:19 --calibrate prior --save mc.txt --json
run "save plain" s0.json train d.csv --class-weight 1:19 --save m0.txt --json
expect_grep "model file: calibration" '^calibration prior$' mc.txt
expect_grep "model file: trained intercept" "^intercept_uncalibrated $(field intercept s0.json)$" mc.txt
expect_grep "model file: corrected intercept" "^intercept $(field intercept s.json)$" mc.txt
grep -q '^calibration\|^intercept_uncalibrated' m0.txt && bad "plain model file has calibration lines" || ok
run "predict calibrated" pc.csv predict --model mc.txt d.csv
run "predict plain" p0.csv predict --model m0.txt d.csv
# the plain model with the corrected intercept predicts the same bytes
sed "s/^intercept .*/intercept $(field intercept s.json)/" m0.txt >hand.txt
run "predict by hand" ph.csv predict --model hand.txt d.csv
expect_same "predict: the corrected model's probabilities" pc.csv ph.csv
cmp -s pc.csv p0.csv && bad "predict: calibration changed nothing" || ok
# row by row: p = sigma(logit(p0) - log(19))
paste -d, p0.csv pc.csv | awk -F, 'NR > 1 { z = log($4 / (1 - $4)) - log(19); q = 1 / (1 + exp(-z))
    d = q - $9; if (d < 0) d = -d; if (d > m) m = d } END { exit !(NR > 1000 && m < 1e-9) }' &&
    ok || bad "predict: p is not sigma(logit(p0) - log(19))"

# ------------------------------------------------------ the Brier score

run "report" r.json report pc.csv --json
brier=$(awk -F, 'NR > 1 { s += ($4 - $3) ^ 2; n++ } END { printf "%.17g", s / n }' pc.csv)
near "report: Brier by hand" "$(field brier r.json)" "$brier"
run "report text" r.txt report pc.csv
expect_grep "report: Brier line" "^  Brier score        $(awk -v b="$brier" 'BEGIN { printf "%.4f", b }')$" r.txt
expect_grep "train: Brier line" '^  Brier score        0\.[0-9]{4}$' cal.txt
expect_grep "train json: brier" '"log_loss": [0-9.e-]+, "brier": [0-9.e-]+, ' cal.json
# scores that are not probabilities: no Brier score, and said so
awk -F, 'NR == 1 { print "y,score" } NR > 1 { print $3 "," 4 * $4 - 1 }' pc.csv >logits.csv
run "report logits" l.txt report logits.csv --threshold 0
grep -q 'Brier score  ' l.txt && bad "logits: a Brier score" || ok
expect_grep "logits: left out" '^  left out: log loss, Brier score, as the scores are not probabilities' l.txt
run "report logits json" l.json report logits.csv --threshold 0 --json
grep -q '"brier": ' l.json && bad "logits: a brier value in JSON" || ok
expect_grep "logits json: left out" '"metrics": \["log_loss", "brier"\]' l.json

# ------------------------------------------ experiment's calibration section

run "experiment" e.txt experiment
run "experiment json" e.json experiment --json
expect_grep "section" '^Calibration: are the p.s rates\? On the test split, as trained and after the prior$' e.txt
expect_grep "section: 1:200 row" '^    1:200          5\.2983( +[0-9]\.[0-9]{4}){4}( +[0-9]\.[0-9]{3}){2}$' e.txt
# on the tutorial data the correction makes 1:200's probabilities rates
pc=$(sed 's/.*{"name": "1:200"//; s/"repeats".*//' e.json | sed -n 's/.*"prior_correction": {\(.*\)}}.*/\1/p')
near "json: log(c1/c0)" "$(echo "$pc" | sed -n 's/"log_c1_c0": \([^,]*\).*/\1/p')" "$(awk 'BEGIN { printf "%.17g", log(200) }')"
t_ece=$(echo "$pc" | sed -n 's/.*"trained": {[^}]*"ece": \([^,]*\).*/\1/p')
c_ece=$(echo "$pc" | sed -n 's/.*"corrected": {[^}]*"ece": \([^,]*\).*/\1/p')
t_brier=$(echo "$pc" | sed -n 's/.*"trained": {"brier": \([^,]*\).*/\1/p')
c_brier=$(echo "$pc" | sed -n 's/.*"corrected": {"brier": \([^,]*\).*/\1/p')
less "1:200: ECE falls with the correction" "$c_ece" "$t_ece"
less "1:200: and far: below a tenth of it" "$(awk -v e="$t_ece" 'BEGIN { print e / 10 }')" "$t_ece"
less "1:200: corrected ECE under 0.01" "$c_ece" 0.01
less "1:200: Brier falls with the correction" "$c_brier" "$t_brier"
# none: nothing to correct
pn=$(sed 's/{"name": "balanced".*//' e.json | sed -n 's/.*"prior_correction": \(.*\)/\1/p')
echo "$pn" | grep -q '"log_c1_c0": 0, "trained": \({[^}]*}\), "corrected": \1}' && ok ||
    bad "none: the correction changed something: $pn"
# --calibrate prior: the table is the corrected models', the lesson's
# intercepts the trained ones
run "experiment --calibrate prior" ec.txt experiment --calibrate prior
expect_grep "calibrated: said" '; --calibrate prior: b - log\(c1/c0\)$' ec.txt
rc=$(awk '/^1:200 / { print $4 }' ec.txt)
corr=$(awk '/^    1:200 / && NF == 8 { print $NF }' ec.txt)
[ -n "$rc" ] && [ "$rc" = "$corr" ] && ok || bad "calibrated: table recall $rc is not the corrected $corr"
sed -n '/^    weighting     b - b/,/^  (b(none)/p' e.txt >lesson.txt
sed -n '/^    weighting     b - b/,/^  (b(none)/p' ec.txt >lesson_c.txt
[ -s lesson.txt ] && cmp -s lesson.txt lesson_c.txt && ok || bad "calibrated: the lesson's intercepts changed"
sed -n '/^Calibration/,/^  Brier score:/p' e.txt >cal_section.txt
sed -n '/^Calibration/,/^  Brier score:/p' ec.txt >cal_section_c.txt
expect_same "calibrated: the same calibration section" cal_section.txt cal_section_c.txt

# ----------------------------------------------- the reliability diagram

run "experiment --plots" pl.txt experiment --plots pics --json
for f in reliability.svg reliability.csv reliability_bins.csv; do [ -s "pics/$f" ] && ok || bad "--plots: no $f"; done
if "$CHECKER" pics/reliability.svg >check.txt 2>&1; then ok; else bad "reliability.svg: $(cat check.txt)"; fi
expect_grep "svg: legend" '1:200 corrected, ECE 0\.0' pics/reliability.svg
[ "$(head -n 1 pics/reliability_bins.csv)" = "weighting,calibration,bin_lo,bin_hi,rows,mean_p,rate" ] &&
    ok || bad "csv: header $(head -n 1 pics/reliability_bins.csv)"
[ "$(wc -l <pics/reliability_bins.csv)" -eq 61 ] && ok || bad "csv: $(wc -l <pics/reliability_bins.csv) lines, not 1 + 3 x 2 x 10"
# every run and version holds all 20,000 test rows
awk -F, 'NR > 1 { n[$1 "/" $2] += $5 } END { for (k in n) if (n[k] != 20000) exit 1; exit length(n) != 6 }' \
    pics/reliability_bins.csv && ok || bad "csv: the bins do not hold the test rows"
# the ECE again from the bins: sum n_b / n |rate - mean p|
for v in none prior; do
    ece=$(awk -F, -v v=$v '$1 == "1:200" && $2 == v && $5 > 0 { d = $7 - $6; if (d < 0) d = -d; s += $5 / 20000 * d } END { printf "%.17g", s }' pics/reliability_bins.csv)
    key=trained; [ $v = prior ] && key=corrected
    want=$(sed 's/.*{"name": "1:200"//' pl.txt | sed -n "s/.*\"$key\": {[^}]*\"ece\": \([^,]*\).*/\1/p")
    near "csv: 1:200 $v ECE" "$ece" "$want"
done
# an output named over a picture is refused before any work
expect_fail "-o over reliability_bins.csv" 'pics/reliability_bins\.csv' never -- experiment --plots pics -o pics/reliability_bins.csv

# ------------------------------------------------------------ refusals

expect_fail "train --calibrate maybe" "^wlr: --calibrate: 'maybe' is not none or prior$" never -- train --calibrate maybe -o never
expect_fail "experiment --calibrate maybe" "^wlr: --calibrate: 'maybe' is not none or prior$" never -- experiment --calibrate maybe -o never
expect_fail "--calibrate with --stream" '^wlr: --calibrate: not with --stream' never -- train --stream x.npy --labels y.npy --calibrate prior --save never
# model files: a wrong intercept, half of the pair, an unknown method
sed "s/^intercept_uncalibrated .*/intercept_uncalibrated 1.5/" mc.txt >bad1.txt
expect_fail "model: intercepts disagree" '^wlr: bad1\.txt:[0-9]+: intercept: -?[0-9.]+ is not intercept_uncalibrated - log\(c_1 / c_0\) = ' never -- predict --model bad1.txt d.csv -o never
grep -v '^intercept_uncalibrated' mc.txt >bad2.txt
expect_fail "model: no trained intercept" "^wlr: bad2\.txt:[0-9]+: calibration: prior, but no 'intercept_uncalibrated' line$" never -- predict --model bad2.txt d.csv -o never
grep -v '^calibration' mc.txt >bad3.txt
expect_fail "model: no calibration line" "^wlr: bad3\.txt:[0-9]+: intercept_uncalibrated: given without a 'calibration prior' line$" never -- predict --model bad3.txt d.csv -o never
sed 's/^calibration prior$/calibration platt/' mc.txt >bad4.txt
expect_fail "model: unknown calibration" "^wlr: bad4\.txt:[0-9]+: calibration: 'platt' is not none or prior$" never -- predict --model bad4.txt d.csv -o never
# "calibration none" without the pair reads as no calibration
grep -v '^intercept_uncalibrated' mc.txt | sed "s/^calibration prior$/calibration none/" >none.txt
run "model: calibration none" pn.csv predict --model none.txt d.csv
expect_same "model: calibration none predicts with its intercept" pn.csv pc.csv

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
