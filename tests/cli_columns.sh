#!/bin/sh
# cli_columns.sh - real CSV files end to end: choosing columns (--columns,
# --drop) in every command that reads CSV, the header's names (empty and
# repeated names refused, never a crash), text columns named with the way
# out, the CSV options refused for .npy, predict by the model's names (any
# order, extra columns ignored, labels yes/no with no positive row, --id-col,
# --threshold), model files with bad fields, bounded reading (/dev/zero, an
# over-long line) and train --test.
#
# Usage: WLR=build/wlr sh tests/cli_columns.sh   (make test runs it)
# Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"

# report_body FILE: a train report without its first line (the data's name)
report_body() { tail -n +2 "$1"; }

# --------------------------------------------------------------- the data

"$WLR" generate --samples 600 --features 3 --weights 0.8 --seed 5 -o g.csv 2>/dev/null ||
    bad "setup: generate"
# pandas' to_csv(): an unnamed index column; an id, a text column with a
# quoted comma, labels yes/no
awk -F, -v OFS=, '
    NR == 1 { print "", "id", "x1", "city", "x2", "x3", "converted"; next }
    { print NR - 2, "u" NR - 1, $1, (NR % 3 ? "Paris" : "\"Lyon, FR\""), $2, $3,
            ($4 == 1 ? "yes" : "no") }' g.csv >pd.csv

# ------------------------------------------------- names and text columns

expect_fail "unnamed index column" \
    'pd.csv:1: column 1 has an empty name; name it in the header, or leave it out with --drop 1' \
    never.txt -- train pd.csv --positive yes -o never.txt
expect_fail "an id column" \
    'pd.csv:2: cell 2 "u1" is not a number \(column 2 \("id"\); not a feature\? leave it out with --drop id\)' \
    never.txt -- train pd.csv --positive yes --drop 1 -o never.txt
expect_fail "a text column" \
    'pd.csv:2: cell 4 "Paris" is not a number \(column 4 \("city"\); .*--drop city\)' \
    never.txt -- train pd.csv --positive yes --drop 1,id -o never.txt

# the columns chosen give the very data of g.csv: the same report
"$WLR" train g.csv >plain.txt 2>/dev/null || bad "train g.csv"
"$WLR" train pd.csv --positive yes --drop 1,id,city >drop.txt 2>err.txt ||
    bad "train --drop: $(cat err.txt)"
report_body drop.txt >a.txt; report_body plain.txt >b.txt
expect_same "--drop: the same fit as the plain file" a.txt b.txt
"$WLR" train pd.csv --positive yes --columns x1,x2,x3 --label converted >cols.txt 2>err.txt ||
    bad "train --columns: $(cat err.txt)"
report_body cols.txt >a.txt
expect_same "--columns by name: the same fit" a.txt b.txt
"$WLR" train pd.csv --positive yes --columns 3,5,6 --label 7 >idx.txt 2>err.txt
report_body idx.txt >a.txt
expect_same "--columns by index: the same fit" a.txt b.txt
"$WLR" train pd.csv --positive yes --columns x3,x1,x2 --label converted >order.txt 2>/dev/null
expect_grep "--columns keeps its order" '^model    x3 [-0-9.e]+  x1 [-0-9.e]+  x2 ' order.txt

# the lists refused
expect_fail "--columns twice the same" 'pd.csv:1: columns: column 3 \("x1"\) is listed twice' \
    never.txt -- train pd.csv --positive yes --columns x1,3 -o never.txt
expect_fail "--columns lists the label" \
    'pd.csv:1: columns: column 7 \("converted"\) is the label column' \
    never.txt -- train pd.csv --positive yes --columns x1,converted --label converted -o never.txt
expect_fail "--columns: unknown name" 'pd.csv:1: columns: no column named "x9"' \
    never.txt -- train pd.csv --positive yes --columns x1,x9 -o never.txt
expect_fail "--columns: index out of range" \
    'pd.csv:1: columns: column 99 is out of range \(the file has 7 columns\)' \
    never.txt -- train pd.csv --positive yes --columns 99 -o never.txt
expect_fail "--columns: an empty item" 'columns: an empty item in "x1,,x2"' \
    never.txt -- train pd.csv --positive yes --columns x1,,x2 -o never.txt
expect_fail "--columns with --drop" 'columns, drop: give one, not both' \
    never.txt -- train pd.csv --positive yes --columns x1 --drop id -o never.txt
expect_fail "--drop the label" 'pd.csv:1: drop: column 7 \("converted"\) is the label column' \
    never.txt -- train pd.csv --positive yes --label converted --drop 1,converted -o never.txt
tail -n +2 g.csv >nohead.csv
expect_fail "--columns by name, no header" \
    'nohead.csv:1: columns: column "x1" is a name, but the file has no header' \
    never.txt -- train nohead.csv --columns x1 -o never.txt

# repeated names: refused, or fine once one is left out
awk -F, -v OFS=, '{ print $1, $2, (NR == 1 ? "x1" : $3), $4 }' g.csv >dup.csv
expect_fail "a repeated name" \
    'dup.csv:1: "x1" appears in columns 1 and 3; rename one, or leave one out with --drop 3' \
    never.txt -- train dup.csv -o never.txt
expect_fail "a repeated name given" 'dup.csv:1: drop: "x1" names columns 1 and 3; give it by index' \
    never.txt -- train dup.csv --drop x1 -o never.txt
"$WLR" train dup.csv --drop 3 >dup.txt 2>err.txt && ok || bad "--drop 3 of two x1: $(cat err.txt)"

# ------------------------------------------ the other commands, the same options

"$WLR" experiment pd.csv --positive yes --drop 1,id,city --epochs 3 >exp.txt 2>err.txt &&
    ok || bad "experiment --drop: $(cat err.txt)"
"$WLR" explain pd.csv --positive yes --columns x1,x2 --label converted --epochs 3 \
    >expl.txt 2>err.txt && ok || bad "explain --columns: $(cat err.txt)"
"$WLR" split pd.csv --positive yes --drop 1,id,city --train-out tr.csv --test-out te.csv \
    2>err.txt || bad "split --drop: $(cat err.txt)"
[ "$(head -n 1 tr.csv)" = "x1,x2,x3,converted" ] && [ "$(head -n 1 te.csv)" = "x1,x2,x3,converted" ] &&
    ok || bad "split --drop: headers $(head -n 1 tr.csv) / $(head -n 1 te.csv)"
[ $(($(wc -l <tr.csv) + $(wc -l <te.csv))) -eq 602 ] && ok || bad "split --drop: row count"

# split never writes two columns of one name: a feature called weight
awk -F, -v OFS=, '{ print (NR == 1 ? "weight" : $1), $2, (NR == 1 ? "w" : 1 + NR % 4), $4 }' \
    g.csv >fw.csv
"$WLR" split fw.csv --sample-weight-col w --train-out ftr.csv --test-out fte.csv 2>err.txt ||
    bad "split, a feature named weight: $(cat err.txt)"
[ "$(head -n 1 ftr.csv)" = "weight,x2,w,y" ] && ok ||
    bad "split, a feature named weight: header $(head -n 1 ftr.csv)"
# and its output trains with the same options, the weights where they were
"$WLR" train ftr.csv --sample-weight-col w --test-size 0.5 >ft.txt 2>err.txt && ok ||
    bad "train on split's output: $(cat err.txt)"

# report: the score column chosen from a wider file (predict's output)
"$WLR" train g.csv --save gm.txt >/dev/null 2>&1
"$WLR" predict --model gm.txt g.csv -o gp.csv 2>/dev/null
cut -d, -f4,5 gp.csv >ys.csv
"$WLR" report ys.csv >r1.txt 2>/dev/null
"$WLR" report gp.csv --label y --columns probability >r2.txt 2>err.txt ||
    bad "report --columns: $(cat err.txt)"
tail -n +2 r1.txt >a.txt; tail -n +2 r2.txt >b.txt
expect_same "report --columns probability" a.txt b.txt

# ------------------------------------------- .npy: the CSV options refused

"$WLR" generate --samples 200 --features 3 --weights 0.8 --seed 5 --format npy -o n 2>/dev/null
for opt in "--positive 1" "--sample-weight-col 2" "--label 3" "--header yes" \
           "--columns 1,2" "--drop 1"; do
    expect_fail "npy: $opt" "^wlr: ${opt%% *} is for CSV data; n.X.npy is a .npy file" \
        never.txt -- train n.X.npy --labels n.y.npy $opt -o never.txt
done
expect_fail "predict npy: --id-col" '--id-col is for CSV data' never.txt -- \
    predict --model gm.txt n.X.npy --id-col 1 -o never.txt
expect_fail "stream: --columns" '--columns is for CSV data; n.X.npy' never.txt -- \
    train --stream n.X.npy --labels n.y.npy --columns 1 -o never.txt

# ----------------------------------------------------------- predict

"$WLR" train pd.csv --positive yes --drop 1,id,city --save m.txt >/dev/null 2>err.txt ||
    bad "train --save: $(cat err.txt)"
expect_grep "model: label name" '^label converted$' m.txt
expect_grep "model: positive value" '^positive yes$' m.txt
# the training file itself: ids carried, text and index columns ignored
"$WLR" predict --model m.txt pd.csv --id-col id -o p.csv 2>err.txt ||
    bad "predict pd.csv: $(cat err.txt)"
[ "$(head -n 1 p.csv)" = "id,x1,x2,x3,converted,probability,predicted" ] && ok ||
    bad "predict --id-col: header $(head -n 1 p.csv)"
cut -d, -f2 pd.csv | tail -n +2 >ids.in; cut -d, -f1 p.csv | tail -n +2 >ids.out
expect_same "--id-col: the ids, row for row" ids.in ids.out
# the same features in another order, no header name of theirs twice, and
# only 'no' rows: the positive value comes from the model
awk -F, -v OFS=, 'NR == 1 || $4 == 0 { print $3, "extra", $1, $2, (NR == 1 ? "converted" : "no") }' \
    g.csv >shuffled.csv
"$WLR" predict --model m.txt shuffled.csv -o ps.csv 2>err.txt ||
    bad "predict, columns out of order: $(cat err.txt)"
[ "$(head -n 1 ps.csv)" = "x1,x2,x3,converted,probability,predicted" ] && ok ||
    bad "predict, columns out of order: header $(head -n 1 ps.csv)"
awk -F, 'NR > 1 && $4 != 0 { bad++ } END { exit bad > 0 }' ps.csv && ok ||
    bad "predict, no positive row: y not all 0"
awk -F, 'NR > 1 && $4 == 0 { print $1 "," $2 "," $3 }' g.csv >wantx.txt
awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' ps.csv >gotx.txt
expect_same "predict, columns out of order: the model's feature order" gotx.txt wantx.txt
# the probabilities are the plain file's, bit for bit
awk -F, 'NR == 1 || $5 == 0' p.csv | cut -d, -f6 >pa.txt
awk -F, 'NR == 1 || $4 == 0' ps.csv | cut -d, -f5 >pb.txt
expect_same "predict, columns out of order: same probabilities" pa.txt pb.txt
# a label said to be there (--positive): still found by the model's name,
# not taken from the last column
awk -F, -v OFS=, 'NR == 1 || $4 == 0 { print (NR == 1 ? "converted" : "no"), $1, $2, $3,
    (NR == 1 ? "note" : "n/a") }' g.csv >labelfirst.csv
"$WLR" predict --model m.txt labelfirst.csv --positive yes -o pl.csv 2>err.txt ||
    bad "predict --positive, label first: $(cat err.txt)"
cut -d, -f5 pl.csv >pc.txt
expect_same "predict --positive, label first: same probabilities" pc.txt pb.txt
# a quoted id comes back quoted, verbatim
"$WLR" predict --model m.txt pd.csv --id-col city -o pc.csv 2>/dev/null
expect_grep "--id-col: a quoted comma" '^"Lyon, FR",' pc.csv
# --threshold overrides the model's
"$WLR" predict --model m.txt pd.csv --threshold 0 -o p0.csv 2>/dev/null
"$WLR" predict --model m.txt pd.csv --threshold 1 -o p1.csv 2>/dev/null
s0=$(awk -F, 'NR > 1 { s += $NF } END { print s }' p0.csv)
s1=$(awk -F, 'NR > 1 { s += $NF } END { print s }' p1.csv)
[ "$s0" = 600 ] && [ "$s1" = 0 ] && ok || bad "--threshold 0 / 1: $s0 / $s1 rows of class 1"
# an input column named as an output column is
sed '1s/x3/probability/' pd.csv >pprob.csv
sed -e 's/^feature \(.*\) x3$/feature \1 probability/' m.txt >mprob.txt
expect_fail "predict: a column named probability" \
    "pprob.csv:1: a column is named 'probability', as an output column of predict is" \
    never.txt -- predict --model mprob.txt pprob.csv -o never.txt
expect_fail "--threshold out of range" '--threshold: 1.5 is not in \[0, 1\]' never.txt -- \
    predict --model m.txt pd.csv --threshold 1.5 -o never.txt
# the label given otherwise than the model's: a third value is still an error
sed '5s/,no$/,maybe/' pd.csv >maybe.csv
expect_fail "predict: a third label value" 'maybe.csv:5: a third label value "maybe"' \
    never.txt -- predict --model m.txt maybe.csv -o never.txt
# a version 1 file (no label line) still predicts, by names
sed -e '1s/.*/wlr-model 1/' -e '/^label /d' -e '/^positive /d' -e '/^# the label/d' m.txt >v1.txt
"$WLR" predict --model v1.txt pd.csv --no-label -o pv1.csv 2>err.txt ||
    bad "predict with a version 1 model: $(cat err.txt)"
awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 }' pv1.csv >b.txt
awk -F, 'NR > 1 { print $2 "," $3 "," $4 "," $6 }' p.csv >a.txt
expect_same "predict with a version 1 model: same probabilities" a.txt b.txt

# ---------------------------------------------------- model files with bad fields

# (an unstandardised model: its features' means 0 and sds 1, which the
# last rows break)
"$WLR" train pd.csv --positive yes --drop 1,id,city --no-standardize --save m0.txt \
    >/dev/null 2>&1 || bad "setup: train --no-standardize --save m0.txt"

n=0
while IFS='@' read -r pattern line; do
    case "$pattern" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    pattern=$(echo $pattern)
    sed "$line" m0.txt >bad$n.txt
    expect_fail "model field: $pattern" "bad$n.txt:[0-9]+: $pattern" never.txt -- \
        predict --model bad$n.txt pd.csv -o never.txt
done <<'TABLE'
threshold: 1.5 is not in \[0, 1\]          @ s/^threshold .*/threshold 1.5/
class_weight: 0 is not > 0                  @ s/^class_weight .*/class_weight 0 -1/
class_weight: -1 is not > 0                 @ s/^class_weight .*/class_weight 1 -1/
solver: 'sgd' is not gd or newton           @ s/^solver .*/solver sgd/
threshold_rule: 'magic' does not start      @ s/^threshold_rule .*/threshold_rule magic/
l2: -1 is negative                          @ s/^l2 .*/l2 -1/
feature name: 'x1' is feature 1's name too  @ s/ x2$/ x1/
label: 'x3' is feature 3's name             @ s/^label .*/label x3/
train_counts: do not add up                 @ s/^train_counts .*/train_counts 0 0/
standardized: is 0, but a feature's mean    @ s/^\(feature [^ ]*\) 0 1 x2$/\1 5 1 x2/
feature sd: -1 is not > 0                   @ s/^\(feature [^ ]*\) 0 1 x3$/\1 0 -1 x3/
TABLE

# --------------------------------------------------- bounded reading

# bounded ARGS...: wlr in 400 MB and 20 s. AddressSanitizer and
# MemorySanitizer reserve terabytes of address space for their shadow, so
# under them (make sanitize, make msan) the bound is their own on resident
# memory instead of ulimit -v.
if grep -q __asan_init "$WLR" 2>/dev/null; then
    bounded() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=400" \
                timeout 20 "$WLR" "$@"; }
elif grep -q __msan_init "$WLR" 2>/dev/null; then
    bounded() { MSAN_OPTIONS="${MSAN_OPTIONS:+$MSAN_OPTIONS:}hard_rss_limit_mb=400" \
                timeout 20 "$WLR" "$@"; }
else
    bounded() { ( ulimit -v 400000; timeout 20 "$WLR" "$@" ); }
fi

# /dev/zero: refused at its first block, in bounded memory and time
bounded train /dev/zero -o never.txt >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q '^wlr: /dev/zero:1: a NUL byte in the line' err.txt && ok ||
    bad "/dev/zero: exit $rc, $(cat err.txt)"
# a binary file's NUL far from the start: on its own line number
{ cat g.csv; printf '1,2,3\000,0\n'; } >nul.csv
expect_fail "a NUL on line 602" 'nul.csv:602: a NUL byte in the line' never.txt -- train nul.csv -o never.txt
# a line longer than 32 MiB (no newline), in bounded memory
head -c 34000000 /dev/zero | tr '\0' '7' >long.csv
bounded train long.csv -o never.txt >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q '^wlr: long.csv:1: a line longer than 32 MiB' err.txt && ok ||
    bad "over-long line: exit $rc, $(cat err.txt)"
rm -f long.csv

# ------------------------------------------------------- train --test

"$WLR" split g.csv --train-out gtr.csv --test-out gte.csv 2>/dev/null
"$WLR" train gtr.csv --test gte.csv >tt.txt 2>err.txt || bad "train --test: $(cat err.txt)"
expect_grep "train --test: all for training" '^data     gtr.csv: 480 rows \([0-9]+ / [0-9]+\), all for training$' tt.txt
expect_grep "train --test: the test file" '^test     gte.csv: 120 rows \([0-9]+ / [0-9]+\), given by --test \(no split\)$' tt.txt
# the test file's rows are the metrics' rows
sup=$(sed -n 's/^ *accuracy *[0-9.]* *\([0-9]*\)$/\1/p' tt.txt)
[ "$sup" = 120 ] && ok || bad "train --test: accuracy support $sup"
"$WLR" train gtr.csv --test gte.csv --json >tt.json 2>/dev/null
expect_grep "train --test --json" '"test_counts": \[[0-9]+, [0-9]+\].*"test_file": "gte.csv"' tt.json
# read with the same column options
awk -F, -v OFS=, '{ print (NR == 1 ? "id" : "r" NR), $0 }' gte.csv >gte_id.csv
awk -F, -v OFS=, '{ print (NR == 1 ? "id" : "r" NR), $0 }' gtr.csv >gtr_id.csv
"$WLR" train gtr_id.csv --test gte_id.csv --drop id >tt2.txt 2>err.txt ||
    bad "train --test --drop: $(cat err.txt)"
report_body tt.txt | tail -n +2 >a.txt; report_body tt2.txt | tail -n +2 >b.txt
expect_same "train --test --drop: the same fit" a.txt b.txt
sed '1s/x2/age/' gte.csv >gte_renamed.csv
expect_fail "train --test: other names" "gte_renamed.csv:1: feature column 2 is 'age'; DATA's is 'x2'" \
    never.txt -- train gtr.csv --test gte_renamed.csv -o never.txt
cut -d, -f1,2,4 gte.csv >gte_narrow.csv
expect_fail "train --test: fewer features" 'gte_narrow.csv:1: 2 feature columns; DATA has 3' \
    never.txt -- train gtr.csv --test gte_narrow.csv -o never.txt
expect_fail "train --test --test-size" '--test gives the test rows: no split is made \(drop --test-size\)' \
    never.txt -- train gtr.csv --test gte.csv --test-size 0.3 -o never.txt
expect_fail "train --test --stratify" 'no split is made \(drop --stratify\)' \
    never.txt -- train gtr.csv --test gte.csv --stratify -o never.txt
expect_fail "train --test --split-seed" '--split-seed: no split is made with --test' \
    never.txt -- train gtr.csv --test gte.csv --split-seed 7 -o never.txt
expect_fail "train --test CSV --test-labels" '--test-labels is for a .npy --test; gte.csv is read as CSV' \
    never.txt -- train gtr.csv --test gte.csv --test-labels n.y.npy -o never.txt
expect_fail "train --test X.npy alone" '--test n.X.npy needs --test-labels Y.npy' \
    never.txt -- train n.X.npy --labels n.y.npy --test n.X.npy -o never.txt
expect_fail "train --test-labels alone" '--test-labels needs --test X.npy' \
    never.txt -- train g.csv --test-labels n.y.npy -o never.txt
"$WLR" generate --samples 300 --features 3 --weights 0.8 --seed 9 --format npy -o n2 2>/dev/null
"$WLR" train n.X.npy --labels n.y.npy --test n2.X.npy --test-labels n2.y.npy >tn.txt 2>err.txt &&
    expect_grep "train --test .npy" '^test     n2.X.npy with labels n2.y.npy: 300 rows' tn.txt ||
    bad "train --test .npy: $(cat err.txt)"
# tuning still carves its validation rows out of DATA
"$WLR" train gtr.csv --test gte.csv --tune-threshold f1 --split-seed 3 >tu.txt 2>err.txt &&
    expect_grep "train --test --tune-threshold" '^tuning   f1 on a validation part of the training split.*seed 3' tu.txt ||
    bad "train --test --tune-threshold: $(cat err.txt)"

# ------------------------------------------------------- determinism

"$WLR" predict --model m.txt shuffled.csv --id-col extra -o d1.csv 2>/dev/null
"$WLR" predict --model m.txt shuffled.csv --id-col extra -o d2.csv 2>/dev/null
expect_same "predict twice: the same bytes" d1.csv d2.csv

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
