#!/bin/sh
# cli_report.sh - `wlr report`: predict's output reported as it is, the
# label and score columns by default name, by name and by number, scores
# that are not probabilities (ranking only, or at an explicit --threshold),
# sample weights against scikit-learn 1.2.1's numbers
# (tests/data/metrics_more/, made offline), the 95 % intervals, and every
# refusal (FILE:LINE or the option named, exit 1 or 2, no output file).
#
# Usage: WLR=build/wlr sh tests/cli_report.sh   Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"
MORE="$DATA/metrics_more"
wlr() { $WLR_RUNNER "$WLR" "$@"; }

# run NAME OUT ARGS...: exit 0, stdout to OUT
run() {
    name=$1 out=$2
    shift 2
    wlr "$@" >"$out" 2>err.txt || bad "$name: exit $?: $(cat err.txt)"
}

# json_close NAME KEY WANT FILE: the first number after "KEY": within 1e-12
json_close() {
    got=$(sed -n "s/.*\"$2\": \[*\([-0-9.e+]*\).*/\1/p" "$4")
    if [ -n "$got" ] && awk -v a="$got" -v b="$3" 'BEGIN { d = a - b; exit !(d < 1e-12 && d > -1e-12) }'
    then ok; else bad "$1: $2 = '$got', want $3"; fi
}

# the classification report scikit-learn printed (KEY of an expected JSON)
sk_report() {
    printf '%b' "$(sed -n "s/^ \"$2\": \"\(.*\)\",$/\1/p" "$1")"
}
# the classification report in wlr's text output
wlr_report() {
    sed -n '/^ *precision    recall  f1-score   support$/,/^weighted avg/p' "$1"
}

# ------------------------------------------- predict's output, as it is

wlr generate --samples 3000 --weights 0.9 --seed 5 -o g.csv 2>/dev/null || bad "setup: generate"
wlr train g.csv --save m.model >/dev/null 2>&1 || bad "setup: train"
wlr predict --model m.model g.csv -o p.csv || bad "setup: predict"
run "predict -> report" r.txt report p.csv
expect_grep "predict -> report: columns" '^data     p\.csv: 3000 rows; label y, score probability$' r.txt
expect_grep "predict -> report: recall and interval" \
    '^  MINORITY RECALL  0\.[0-9]{3}   \([0-9]+ of [0-9]+ class-1 rows found\)  95% CI \[0\.[0-9]{3}, 0\.[0-9]{3}\] \(Wilson\)$' r.txt
expect_grep "predict -> report: AUC interval" '^  ROC AUC 95% CI     \[0\.[0-9]{4}, [01]\.[0-9]{4}\] \(DeLong\)$' r.txt
# the same columns by name and by number give the same report
run "by name" n.txt report p.csv --label y --score-col probability
run "by number" i.txt report p.csv --label 3 --score-col 4
sed 1d r.txt >r1.txt; sed 1d n.txt >n1.txt; sed 1d i.txt >i1.txt
expect_same "columns by name" r1.txt n1.txt
expect_same "columns by number" r1.txt i1.txt
# the predicted column is not the score: its AUC differs
run "predicted as score" pr.json report p.csv --score-col predicted --json
run "probability json" pj.json report p.csv --json
a1=$(sed 's/.*"roc_auc": \([^,]*\),.*/\1/' pj.json); a2=$(sed 's/.*"roc_auc": \([^,]*\),.*/\1/' pr.json)
[ "$a1" != "$a2" ] && ok || bad "--score-col predicted gave the probability's AUC $a1"
# standard input: read once, so the label is named
wlr predict --model m.model g.csv | wlr report - --label y >s.txt 2>err.txt || bad "stdin: $(cat err.txt)"
sed 1d s.txt >s1.txt
expect_same "stdin with --label" r1.txt s1.txt
wlr predict --model m.model g.csv | wlr report - >out.txt 2>err.txt
[ $? -eq 1 ] && grep -q '^wlr: <stdin>:2: label' err.txt && grep -q -- '--label' err.txt && ok ||
    bad "stdin without --label: $(cat err.txt)"

# predict keeps a weight column; report weighs by it only when told
awk 'BEGIN { print "x1,x2,w,y"; for (i = 0; i < 600; i++) { y = i % 5 == 0; j = (i * 37 % 101) / 101
    printf "%.6f,%.6f,%g,%d\n", j + y * 0.4, (i * 53 % 97) / 97, 1 + i % 7, y } }' >wd.csv
wlr train wd.csv --sample-weight-col w --save wm.model >/dev/null 2>&1 || bad "setup: weighted train"
wlr predict --model wm.model wd.csv --sample-weight-col w -o wp.csv || bad "setup: weighted predict"
expect_grep "weighted predict columns" '^x1,x2,w,y,probability,predicted$' wp.csv
run "weighted predict -> report" wr.txt report wp.csv --sample-weight-col w
expect_grep "weighted: header" '^test, class 1 iff p > 0\.5, rows weighted by their sample weights:$' wr.txt
expect_grep "weighted: no intervals" '^  left out: 95% intervals, as ' wr.txt
run "unweighted predict -> report" ur.txt report wp.csv
if grep -q 'rows weighted' ur.txt; then bad "report weighed without being told"; else ok; fi

# predict's output with an id column (text) reports as it is: only the
# label, score and weight columns are read
printf 'id,x1,x2,y\n' >ids.csv
awk -F, 'NR > 1 { print "r" NR "," $0 }' g.csv >>ids.csv
wlr train ids.csv --drop id --save idm.model >/dev/null 2>&1 || bad "setup: train --drop id"
wlr predict --model idm.model ids.csv --id-col id -o idp.csv || bad "setup: predict --id-col"
run "predict --id-col -> report" idr.txt report idp.csv
expect_grep "predict --id-col -> report: the score" '^data     idp\.csv: .*; label y, score probability$' idr.txt

# ------------------------------------------------- the default names

printf 'score,label,probability\n0.2,0,0.9\n0.7,1,0.1\n0.4,0,0.8\n0.9,1,0.3\n' >names.csv
run "probability before score" pn.json report names.csv --json
expect_grep "probability before score" '"roc_auc": 0, ' pn.json
run "--score-col score" sn.json report names.csv --score-col score --json
expect_grep "--score-col score" '"roc_auc": 1, ' sn.json
run "--score-col 1" s1.json report names.csv --score-col 1 --json
expect_same "--score-col by number" sn.json s1.json
printf '1,0.9\n0,0.2\n1,0.6\n0,0.7\n' >nohead.csv
run "no header: first column is the label" nh.txt report nohead.csv
expect_grep "no header" '^  ROC AUC            0\.7500$' nh.txt
# no header: numbers are column numbers, even where a first-row cell is one
printf '2,1,0.9\n5,0,0.2\n2,1,0.6\n9,0,0.7\n' >nohead3.csv
run "no header, by number" nh3.json report nohead3.csv --label 2 --score-col 3 --json
expect_grep "no header, by number" '"roc_auc": 0.75, ' nh3.json
printf 'id,label,margin\n7,yes,2.5\n8,no,-1\n9,yes,0.5\n10,no,1\n' >words.csv
run "--positive, named label, other columns ignored" w.json report words.csv --positive yes --score-col margin --json
expect_grep "--positive" '"roc_auc": 0.75, ' w.json

# ------------------------------- scores that are not probabilities

run "logits: ranking only" l.txt report "$MORE/logits.csv"
if grep -qE 'MINORITY|true 0|log loss  |balanced accuracy  ' l.txt; then
    bad "logits: threshold metrics or log loss shown: $(cat l.txt)"; else ok; fi
expect_grep "logits: says what is left out" '^  left out, as the scores are not probabilities \(some are outside \[0, 1\]\):$' l.txt
run "logits json" l.json report "$MORE/logits.csv" --json
expect_grep "logits json: AUC to the bit" '^\{"roc_auc": 0\.6548646125116713, "average_precision": 0\.3887053603885383, "probabilities": false' l.json
if grep -qE '"(confusion|log_loss)": ' l.json; then bad "logits json: $(cat l.json)"; else ok; fi
json_close "logits: DeLong low" roc_auc_ci95 0.589243604550557 l.json
run "logits at --threshold 0" lt.json report "$MORE/logits.csv" --threshold 0 --json
expect_grep "logits at 0: confusion" '^\{"threshold": 0, "confusion": \[\[239, 76\], \[48, 37\]\]' lt.json
expect_grep "logits at 0: only log loss and Brier left out" '"left_out": \[\{"metrics": \["log_loss", "brier"\], ' lt.json
run "logits at 0 text" ltt.txt report "$MORE/logits.csv" --threshold 0
sk_report "$MORE/logits.expected.json" classification_report >want.txt
wlr_report ltt.txt >got.txt
expect_same "logits at 0: classification report" got.txt want.txt

# --------------------------------------- sample weights, scikit-learn's

run "w_tiny weighted" wt.json report "$MORE/w_tiny.csv" --sample-weight-col weight --json
expect_grep "w_tiny: confusion" '"confusion": \[\[5\.75, 2\.5\], \[2\.75, 2\.1\]\]' wt.json
expect_grep "w_tiny: AUC, AP to the bit" '"roc_auc": 0\.5579506404248673, "average_precision": 0\.4245980039453259, ' wt.json
json_close "w_tiny: log loss" log_loss 0.6867180476333167 wt.json
# (the CSV reader takes weights > 0 only, as for train: w_zero and w_ties,
# with weights of 0, are the library's to test)
for c in w_tiny w_rounding w_dominant; do
    run "$c text" c.txt report "$MORE/$c.csv" --sample-weight-col 3 --digits 4
    sk_report "$MORE/$c.expected.json" classification_report_digits4 >want.txt
    wlr_report c.txt >got.txt
    expect_same "$c: classification report, digits 4" got.txt want.txt
done
run "w_logits weighted" wl.json report "$MORE/w_logits.csv" --sample-weight-col weight --json
expect_grep "w_logits: AUC to the bit" '"roc_auc": 0\.8001049678321778, ' wl.json
run "w_logits unweighted" wu.json report "$MORE/w_logits.csv" --json
if grep -q '"roc_auc": 0\.8001049678321778' wu.json; then bad "weights ignored"; else ok; fi
# scores of exactly 0 and 1: log loss clips at float64's eps, as 1.2.1
run "extremes" e.json report "$MORE/extremes.csv" --json
json_close "extremes: log loss" log_loss 7.328331141291106 e.json
# Wilson's and DeLong's intervals, as computed independently
run "tiny" t.json report "$DATA/metrics/tiny.csv" --json
expect_grep "tiny: precision interval" '"precision1_ci95": \[0\.2065493143772374[0-9]*, 1\]' t.json
json_close "tiny: recall interval" recall1_ci95 0.09453120573423074 t.json
json_close "tiny: AUC interval" roc_auc_ci95 0.6701738509556752 t.json

# .npy: X's columns are scores, by number
wlr generate --samples 300 --features 2 --format npy -o s 2>/dev/null || bad "setup: npy"
run "npy second column" np.json report s.X.npy --labels s.y.npy --score-col 2 --json
run "npy first column" np1.json report s.X.npy --labels s.y.npy --score-col 1 --json
if cmp -s np.json np1.json; then bad "npy: --score-col ignored"; else ok; fi

# determinism
run "twice 1" d1.txt report "$MORE/w_dominant.csv" --sample-weight-col weight
run "twice 2" d2.txt report "$MORE/w_dominant.csv" --sample-weight-col weight
expect_same "same bytes twice" d1.txt d2.txt

# ---------------------------------------------------------- refusals

printf 'y,score\n0,0.2\n1,nan\n' >nan.csv
printf 'y,score,w\n0,0.2,1\n1,0.7,-2\n' >negw.csv
printf 'y,score,w\n0,0.2,1\n1,0.7,0\n0,0.4,1\n' >zerow.csv
printf 'y,score\n0,0.2\n0,0.7\n' >oneclass.csv
printf 'y,a,b\n0,0.2,1\n1,0.7,2\n' >ab.csv
expect_fail "NaN score" 'nan\.csv:3: .*finite' rep.out -- report nan.csv -o rep.out
expect_fail "negative weight" 'negw\.csv:3: .*weight -2 is not positive' rep.out -- report negw.csv --sample-weight-col w -o rep.out
expect_fail "zero weight (the reader wants > 0)" 'zerow\.csv:3: .*weight 0 is not positive' rep.out -- report zerow.csv --sample-weight-col w -o rep.out
expect_fail "no weight column" 'ab\.csv:1: no column named "w" for the weight' rep.out -- report ab.csv --sample-weight-col w -o rep.out
expect_fail "one class" 'oneclass\.csv: y: ROC AUC is undefined: the labels hold only class 0' rep.out -- report oneclass.csv -o rep.out
expect_fail "score column unnamed" 'ab\.csv:1: 2 columns besides the label, none named probability or score; name the score column with --score-col' rep.out -- report ab.csv -o rep.out
expect_fail "score column unknown" 'ab\.csv:1: no column named "p" for the score' rep.out -- report ab.csv --score-col p -o rep.out
expect_fail "score column out of range" '--score-col: column 9 is out of range \(ab\.csv has 3 columns\)' rep.out -- report ab.csv --score-col 9 -o rep.out
expect_fail "score column is the label" '--score-col: column 1 is the label column' rep.out -- report ab.csv --score-col 1 -o rep.out
expect_fail "score column is the weight" '--score-col: column 3 is the weight column' rep.out -- report ab.csv --score-col 3 --sample-weight-col b -o rep.out
expect_fail "label unknown" 'ab\.csv:1: no column named "lbl" for the label' rep.out -- report ab.csv --label lbl -o rep.out
expect_fail "weights of a .npy" '--sample-weight-col: s\.X\.npy is an X \.npy file' rep.out -- report s.X.npy --labels s.y.npy --sample-weight-col 2 -o rep.out
expect_fail "npy score column by name" '--score-col: s\.X\.npy .*give a column number' rep.out -- report s.X.npy --labels s.y.npy --score-col p -o rep.out
expect_fail "npy score column out of range" '--score-col: column 3 is out of range' rep.out -- report s.X.npy --labels s.y.npy --score-col 3 -o rep.out
expect_fail "no file" 'report needs a FILE' rep.out -- report -o rep.out
expect_fail "digits" '--digits: 99' rep.out -- report ab.csv --digits 99 -o rep.out
expect_fail "threshold not a number" "--threshold: 'x'" rep.out -- report ab.csv --threshold x -o rep.out
# exit codes: a bad option is a usage error (2), bad data 1
wlr report ab.csv --no-such >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown option: exit not 2"
wlr report oneclass.csv >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "one class: exit not 1"
# a refused report leaves an existing -o file as it was
echo "keep" >keep.txt
wlr report oneclass.csv -o keep.txt 2>/dev/null
[ "$(cat keep.txt)" = "keep" ] && ! ls keep.txt.tmp* >/dev/null 2>&1 && ok || bad "-o touched on failure"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
