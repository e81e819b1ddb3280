#!/bin/sh
# cli_model.sh - model files, prediction, threshold tuning, cross-validation
# and packaging, end to end: train --save -> predict gives the trained
# model's probabilities; every bad model or mismatched data is refused with
# no output file; each --tune-threshold rule; --cv's JSON; and make install
# into a temporary prefix, a C program built against it with pkg-config,
# make uninstall.
#
# Usage: WLR=build/wlr sh tests/cli_model.sh   (make test runs it)
# Last line: "N passed, N failed".

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$(dirname "$0")/lib.sh"
BUILD="$(dirname "$WLR")"

# json_number KEY FILE: the first number after "KEY": in FILE.
json_number() {
    sed -n "s/.*\"$1\": \(-\{0,1\}[0-9][0-9.eE+-]*\).*/\1/p" "$2" | head -n 1
}

# ------------------------------------------------------- save -> predict

"$WLR" generate --samples 4000 --features 3 --informative 2 --weights 0.9 \
    --seed 3 >d.csv 2>err.txt || bad "generate: $(cat err.txt)"
"$WLR" train d.csv --class-weight balanced --save m.txt --json >t.json 2>err.txt ||
    bad "train --save: $(cat err.txt)"
[ "$(head -n 1 m.txt)" = "wlr-model 2" ] && ok || bad "model file: first line $(head -n 1 m.txt)"
expect_grep "model: label name" '^label y$' m.txt
expect_grep "model: threshold" '^threshold 0.5$' m.txt
expect_grep "model: rule" '^threshold_rule default$' m.txt
expect_grep "model: names" '^feature .* x3$' m.txt
[ "$(tail -n 1 m.txt)" = "end" ] && ok || bad "model file: last line $(tail -n 1 m.txt)"
ls m.txt.tmp* >/dev/null 2>&1 && bad "save left a temporary" || ok

"$WLR" predict --model m.txt d.csv -o p.csv 2>err.txt || bad "predict: $(cat err.txt)"
[ "$(head -n 1 p.csv)" = "x1,x2,x3,y,probability,predicted" ] && ok ||
    bad "predict: header $(head -n 1 p.csv)"
[ "$(wc -l <p.csv)" -eq 4001 ] && ok || bad "predict: $(wc -l <p.csv) lines"
# the input's columns come back unchanged
cut -d, -f1-4 p.csv | cmp -s - d.csv && ok || bad "predict: input columns changed"
"$WLR" predict --model m.txt d.csv >p2.csv 2>/dev/null
cmp -s p.csv p2.csv && ok || bad "predict: stdout differs from -o"

# p = 1 / (1 + exp(-(w.x + b))) from train --json's model, to 1e-12
coef=$(sed -n 's/.*"coef": \[\([^]]*\)\].*/\1/p' t.json | tr -d ' ')
icpt=$(sed -n 's/.*"intercept": \([^,}]*\).*/\1/p' t.json)
worst=$(awk -F, -v coef="$coef" -v b="$icpt" '
    BEGIN { n = split(coef, w, ","); worst = 0 }
    NR > 1 {
        z = b; for (j = 1; j <= n; j++) z += w[j] * $j
        p = 1 / (1 + exp(-z)); d = p - $(n + 2); if (d < 0) d = -d
        if (d > worst) worst = d
        if (($(n + 3) == 1) != ($(n + 2) > 0.5)) wrong++
    }
    END { printf "%s %d\n", (worst <= 1e-12 ? "ok" : worst), wrong }' p.csv)
[ "$worst" = "ok 0" ] && ok || bad "predict: probabilities vs train --json: $worst"

# the same model trained twice saves the same bytes
"$WLR" train d.csv --class-weight balanced --save m2.txt >/dev/null 2>&1
cmp -s m.txt m2.txt && ok || bad "save: not deterministic"

# a header-less CSV with the right number of columns is fine
tail -n +2 d.csv >nohead.csv
"$WLR" predict --model m.txt nohead.csv --header no >p3.csv 2>err.txt &&
    tail -n +2 p3.csv | cmp -s - "$(tail -n +2 p.csv >p.body; echo p.body)" && ok ||
    bad "predict: header-less data: $(cat err.txt)"

# ------------------------------------------------------ predict refusals

expect_fail "predict: no --model" "needs --model" pred.csv -- predict d.csv -o pred.csv
expect_fail "predict: missing model" "nope.txt: cannot open" pred.csv -- \
    predict --model nope.txt d.csv -o pred.csv
head -n 8 m.txt >trunc.txt
expect_fail "predict: truncated model" "trunc.txt:8: truncated" pred.csv -- \
    predict --model trunc.txt d.csv -o pred.csv
sed 's/^intercept .*/intercept 0.5.5/' m.txt >corrupt.txt
expect_fail "predict: corrupt number" "corrupt.txt:[0-9]+: intercept: '0.5.5' is not a finite number" \
    pred.csv -- predict --model corrupt.txt d.csv -o pred.csv
sed 's/^standardized .*/colour blue/' m.txt >corrupt2.txt
expect_fail "predict: unknown line" "corrupt2.txt:[0-9]+: unknown key 'colour'" pred.csv -- \
    predict --model corrupt2.txt d.csv -o pred.csv
sed '1s/.*/wlr-model 3/' m.txt >newer.txt
expect_fail "predict: newer version" "newer.txt:1: model format version 3" pred.csv -- \
    predict --model newer.txt d.csv -o pred.csv
expect_fail "predict: not a model" "d.csv:1: not a wlr model file" pred.csv -- \
    predict --model d.csv d.csv -o pred.csv
"$WLR" generate --samples 200 --features 2 --weights 0.9 >two.csv 2>/dev/null
# with a header, the features are found by name: x3 is missing
expect_fail "predict: feature missing" 'two.csv:1: no column named "x3" \(expected feature 3 of 3\)' \
    pred.csv -- predict --model m.txt two.csv -o pred.csv
expect_fail "predict: feature missing, label named" 'two.csv:1: no column named "x3"' \
    pred.csv -- predict --model m.txt two.csv --label y -o pred.csv
# without a header, by count
tail -n +2 two.csv >two_nohead.csv
expect_fail "predict: feature count, label named" "two_nohead.csv:1: 2 feature columns; the model has 3" \
    pred.csv -- predict --model m.txt two_nohead.csv --label 3 -o pred.csv
sed '1s/x2/age/' d.csv >renamed.csv
expect_fail "predict: feature names" 'renamed.csv:1: no column named "x2" \(expected feature 2 of 3\)' \
    pred.csv -- predict --model m.txt renamed.csv -o pred.csv
expect_fail "predict: missing data" "nodata.csv" pred.csv -- \
    predict --model m.txt nodata.csv -o pred.csv
# a refused run leaves an existing output untouched
cp p.csv keep.csv
"$WLR" predict --model newer.txt d.csv -o keep.csv 2>/dev/null
cmp -s keep.csv p.csv && ok || bad "predict: a refusal changed the existing output"

# ------------------------------------------- predict on unlabelled rows

# new rows have no label: the same features without y score the same bits,
# and the output has no y column
cut -d, -f1-3 d.csv >u.csv
cut -d, -f1-3,5,6 p.csv >p.nolabel
"$WLR" predict --model m.txt u.csv -o pu.csv 2>err.txt || bad "predict unlabelled: $(cat err.txt)"
[ "$(head -n 1 pu.csv)" = "x1,x2,x3,probability,predicted" ] && ok ||
    bad "predict unlabelled: header $(head -n 1 pu.csv)"
expect_same "predict unlabelled: same probabilities" pu.csv p.nolabel
# said explicitly, from standard input, header-less (guessed or said)
"$WLR" predict --model m.txt --no-label u.csv >pu2.csv 2>err.txt
expect_same "predict --no-label" pu2.csv p.nolabel
"$WLR" predict --model m.txt - <u.csv >pu3.csv 2>err.txt
expect_same "predict unlabelled from stdin" pu3.csv p.nolabel
tail -n +2 u.csv >unohead.csv
"$WLR" predict --model m.txt unohead.csv >pu4.csv 2>err.txt
expect_same "predict unlabelled, no header" pu4.csv p.nolabel
"$WLR" predict --model m.txt unohead.csv --header no --no-label >pu5.csv 2>err.txt
expect_same "predict unlabelled, --header no --no-label" pu5.csv p.nolabel
# a per-row weight column is copied through, and does not count as a feature
awk -F, -v OFS=, '{ print $1, $2, (NR == 1 ? "w" : NR % 3 + 1), $3 }' u.csv >uw.csv
"$WLR" predict --model m.txt uw.csv --sample-weight-col w >puw.csv 2>err.txt ||
    bad "predict unlabelled with weights: $(cat err.txt)"
[ "$(head -n 1 puw.csv)" = "x1,x2,x3,w,probability,predicted" ] && ok ||
    bad "predict unlabelled with weights: header $(head -n 1 puw.csv)"
cut -d, -f1-3,5,6 puw.csv | cmp -s - p.nolabel && ok ||
    bad "predict unlabelled with weights: probabilities differ"
# a label column elsewhere than last: the one name that is not a feature's,
# or named by --label
awk -F, -v OFS=, '{ print $4, $1, $2, $3 }' d.csv >yfirst.csv
"$WLR" predict --model m.txt yfirst.csv >py.csv 2>err.txt
expect_same "predict: label found by name (first column)" py.csv p.csv
"$WLR" predict --model m.txt yfirst.csv --label y >py2.csv 2>err.txt
expect_same "predict --label y (first column)" py2.csv p.csv
# an X .npy without --labels is scored alone; with them y is copied
"$WLR" generate --samples 4000 --features 3 --informative 2 --weights 0.9 \
    --seed 3 --format npy -o g 2>/dev/null
"$WLR" predict --model m.txt g.X.npy -o pn.csv 2>err.txt || bad "predict npy: $(cat err.txt)"
expect_same "predict X .npy alone" pn.csv p.nolabel
"$WLR" predict --model m.txt g.X.npy --labels g.y.npy -o pn2.csv 2>/dev/null
expect_same "predict X .npy with labels" pn2.csv p.csv

# refusals: a clear message and no output file
cut -d, -f1,2 d.csv >u2.csv
expect_fail "predict unlabelled: a feature missing" 'u2.csv:1: no column named "x3"' \
    pred.csv -- predict --model m.txt u2.csv -o pred.csv
tail -n +2 u2.csv >u2nohead.csv
expect_fail "predict unlabelled: too few columns, no header" \
    "u2nohead.csv:1: 2 columns; expected 3" pred.csv -- \
    predict --model m.txt u2nohead.csv -o pred.csv
paste -d, d.csv u2.csv >wide.csv
expect_fail "predict: a feature's name twice" 'wide.csv:1: "x1" names columns 1 and 5' \
    pred.csv -- predict --model m.txt wide.csv -o pred.csv
tail -n +2 wide.csv >wide_nohead.csv
expect_fail "predict: too many columns" "wide_nohead.csv:1: 6 columns; expected 3" \
    pred.csv -- predict --model m.txt wide_nohead.csv -o pred.csv
sed '1s/x3/age/' u.csv >urenamed.csv
expect_fail "predict unlabelled: feature names" 'urenamed.csv:1: no column named "x3"' \
    pred.csv -- predict --model m.txt urenamed.csv -o pred.csv
# --no-label on labelled data: the label is one more column to ignore
"$WLR" predict --model m.txt --no-label d.csv >pnl.csv 2>err.txt
expect_same "predict --no-label on labelled data" pnl.csv p.nolabel
tail -n +2 d.csv >dnohead.csv
expect_fail "predict --no-label on labelled data, no header" \
    "dnohead.csv:1: 4 feature columns; the model has 3" pred.csv -- \
    predict --model m.txt --no-label dnohead.csv -o pred.csv
expect_fail "predict --no-label --label" "--no-label: .*yet --label is given" \
    pred.csv -- predict --model m.txt --no-label --label y u.csv -o pred.csv
expect_fail "predict --no-label --labels" "--no-label: .*yet --labels is given" \
    pred.csv -- predict --model m.txt --no-label g.X.npy --labels g.y.npy -o pred.csv
sed '3s/^[^,]*,/1,oops,/' u.csv | cut -d, -f1-3 >uword.csv
expect_fail "predict unlabelled: a word" 'uword.csv:3: cell 2 "oops" is not a number \(column 2 \("x2"\); not a feature\? leave it out with --drop x2\)' \
    pred.csv -- predict --model m.txt uword.csv -o pred.csv
"$WLR" generate --samples 50 --features 2 --format npy -o g2 2>/dev/null
expect_fail "predict X .npy alone: feature count" "g2.X.npy:1: 2 feature columns; the model has 3" \
    pred.csv -- predict --model m.txt g2.X.npy -o pred.csv
# train still needs labels
expect_fail "train X .npy without labels" "g.X.npy: an X .npy file needs --labels" \
    t.txt -- train g.X.npy -o t.txt

# --------------------------------------------------------------- tuning

base_counts=$(sed -n 's/.*"train_counts": \[\([^]]*\)\].*/\1/p' t.json)
base_test=$(sed -n 's/.*"test_counts": \[\([^]]*\)\].*/\1/p' t.json)
for rule in f1 recall=0.8 cost=10:1; do
    "$WLR" train d.csv --class-weight balanced --tune-threshold $rule --save tm.txt \
        --json >tj.json 2>err.txt || { bad "tune $rule: $(cat err.txt)"; continue; }
    thr=$(sed -n 's/.*"tuning": {.*"threshold": \([^,}]*\).*/\1/p' tj.json)
    [ -n "$thr" ] && grep -q "^threshold $thr\$" tm.txt && ok ||
        bad "tune $rule: model threshold $(grep '^threshold ' tm.txt) != JSON $thr"
    grep -q "^threshold_rule $rule on validation" tm.txt && ok ||
        bad "tune $rule: rule line $(grep threshold_rule tm.txt)"
    # the test split is untouched; fit + validation = the training split
    [ "$(sed -n 's/.*"test_counts": \[\([^]]*\)\].*/\1/p' tj.json)" = "$base_test" ] && ok ||
        bad "tune $rule: the test split changed"
    fit=$(sed -n 's/.*"fit_counts": \[\([^]]*\)\].*/\1/p' tj.json)
    val=$(sed -n 's/.*"val_counts": \[\([^]]*\)\].*/\1/p' tj.json)
    sum=$(echo "$fit,$val" | awk -F, '{ printf "%d, %d", $1 + $3, $2 + $4 }')
    [ "$sum" = "$base_counts" ] && ok || bad "tune $rule: fit $fit + val $val != train $base_counts"
    # test metrics are at the tuned threshold
    [ "$(json_number threshold "$(sed 's/.*"test": //' tj.json >tt.json; echo tt.json)")" = "$thr" ] &&
        ok || bad "tune $rule: test not evaluated at $thr"
    # predict applies the saved threshold
    "$WLR" predict --model tm.txt d.csv -o tp.csv 2>/dev/null
    wrong=$(awk -F, -v t="$thr" 'NR > 1 && (($6 == 1) != ($5 > t + 0)) { n++ } END { print n + 0 }' tp.csv)
    [ "$wrong" = 0 ] && ok || bad "tune $rule: $wrong rows not predicted at $thr"
done
# recall: validation recall reached
"$WLR" train d.csv --tune-threshold recall=0.8 --json >tj.json 2>/dev/null
awk -v r="$(json_number val_recall tj.json)" 'BEGIN { exit !(r >= 0.8) }' && ok ||
    bad "tune recall: validation recall $(json_number val_recall tj.json) < 0.8"
# cost: the chosen threshold costs no more than 0.5 on validation
"$WLR" train d.csv --tune-threshold cost=10:1 --json >tj.json 2>/dev/null
c=$(json_number val_cost_per_1000 tj.json) c5=$(json_number val_cost_per_1000_default tj.json)
[ -n "$c" ] && awk -v a="$c" -v b="$c5" 'BEGIN { exit !(a <= b) }' && ok ||
    bad "tune cost: $c per 1,000 at the chosen threshold > $c5 at 0.5"
expect_grep "tune cost: test cost" '"test_cost_per_1000": [0-9]' tj.json
"$WLR" train d.csv --tune-threshold cost=10:1 >tt.txt 2>/dev/null
expect_grep "tune cost: text" '^cost +10 per missed class 1, 1 per false alarm; per 1,000 cases: validation' tt.txt
expect_grep "tune: text threshold" '^threshold [0-9.e-]+: minimises' tt.txt
expect_fail "tune: bad rule" "--tune-threshold: tune: 'f2' is not f1" "" -- train d.csv --tune-threshold f2
expect_fail "tune: bad recall" "recall in 'recall=2' must be" "" -- train d.csv --tune-threshold recall=2
expect_fail "tune: bad cost" "cost=FN:FP" "" -- train d.csv --tune-threshold cost=10
expect_fail "tune: val-size" "--val-size: 1.5 is not in \(0, 1\)" "" -- \
    train d.csv --tune-threshold f1 --val-size 1.5
expect_fail "tune: save refused" "--tune-threshold" never.txt -- \
    train d.csv --tune-threshold f3 --save never.txt

# ------------------------------------------------------ cross-validation

"$WLR" train d.csv --class-weight balanced --cv 4 --json >cv.json 2>err.txt ||
    bad "cv: $(cat err.txt)"
expect_grep "cv: shape" '"cv": \{"k": 4, "seed": 42, "folds": \[\{"threshold": ' cv.json
folds=$(sed 's/.*"folds": \[\(.*\)\], "mean".*/\1/' cv.json | grep -o '"confusion"' | wc -l)
[ "$folds" -eq 4 ] && ok || bad "cv: $folds folds in JSON, not 4"
expect_grep "cv: mean" '"mean": \{"recall_1": [0-9.e-]+, .*"roc_auc": ' cv.json
expect_grep "cv: std" '"std": \{"recall_1": [0-9.e-]+, .*"mcc": [0-9.e-]+\}\}\}$' cv.json
# each fold holds a quarter of the training split's class 1 rows
sed 's/.*"folds": \[\(.*\)\], "mean".*/\1/' cv.json | grep -o '"support": \[[0-9]*, [0-9]*\]' |
    sed 's/.*, \([0-9]*\)\]/\1/' >ones.txt
n1=$(echo "$base_counts" | sed 's/.*, //')
awk -v n1="$n1" '{ s += $1; if ($1 < int(n1 / 4) || $1 > int((n1 + 3) / 4)) bad++ }
    END { exit !(s == n1 && bad == 0) }' ones.txt && ok ||
    bad "cv: class 1 per fold $(tr '\n' ' ' <ones.txt) of $n1"
"$WLR" train d.csv --cv 3 >cv.txt 2>/dev/null
expect_grep "cv: text" '^cross-validation: 3 stratified folds' cv.txt
expect_grep "cv: text mean" '^    roc_auc +[0-9.]+ \+- [0-9.]+$' cv.txt
"$WLR" train d.csv --cv 3 >cv2.txt 2>/dev/null
cmp -s cv.txt cv2.txt && ok || bad "cv: not deterministic"
expect_fail "cv: K 1" "--cv: K = 1" "" -- train d.csv --cv 1
expect_fail "cv: too many folds" "--cv: k: 500 folds need at least 500 rows of each class" "" -- \
    train d.csv --cv 500

# --------------------------------------------------------- packaging

# make install into $T/prefix, build and run tests/install_example.c
# against it, make uninstall. Stops at the first step that fails.
packaging() {
    P="$T/prefix"
    # A plain make, not with the flags of a `make test` this may run under;
    # -o: install the tool and static library already built and tested here,
    # never relink them (only the shared library's PIC objects are built).
    if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS make -s -j4 -C "$ROOT" \
        -o "$BUILD/wlr" -o "$BUILD/libwlr.a" install \
        BUILD="$BUILD" PREFIX="$P" >make.txt 2>&1; then
        bad "make install: $(tail -n 5 make.txt)"; return
    fi
    ok
    for f in bin/wlr lib/libwlr.a lib/libwlr.so include/wlr.h include/wlr_io.h \
             include/wlr_metrics.h include/wlr_plot.h include/wlr_stream.h \
             lib/pkgconfig/wlr.pc share/man/man1/wlr.1; do
        [ -f "$P/$f" ] && ok || bad "make install: no $f"
    done
    # the shared library under its versioned names: libwlr.so -> the soname
    # (libwlr.so.MAJOR.MINOR) -> the file (libwlr.so.MAJOR.MINOR.PATCH)
    v=$("$P/bin/wlr" --version | sed -n '1s/^wlr //p')
    soname=$(readelf -d "$P/lib/libwlr.so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
    [ "$soname" = "libwlr.so.${v%.*}" ] && [ -L "$P/lib/libwlr.so" ] && [ -L "$P/lib/$soname" ] &&
        [ -f "$P/lib/libwlr.so.$v" ] && [ ! -L "$P/lib/libwlr.so.$v" ] && ok ||
        bad "shared library names: soname '$soname', version '$v': $(ls "$P/lib")"
    "$P/bin/wlr" --version >v.txt 2>&1 && expect_grep "installed wlr" '^wlr [0-9]' v.txt
    flags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs wlr)
    case "$flags" in *"-I$P/include"*"-L$P/lib"*"-lwlr"*) ok ;;
        *) bad "pkg-config: '$flags'"; return ;; esac
    mkdir ex && cd ex || return
    if ! cc -std=c11 -Wall -Wextra -Werror "$ROOT/tests/install_example.c" $flags \
        -o example 2>cc.txt; then
        bad "example: $(head -c 400 cc.txt)"; cd "$T"; return
    fi
    ok
    # as README runs it: no LD_LIBRARY_PATH (pkg-config's flags set the run
    # path), and against the shared library, not the static one
    if command -v readelf >/dev/null 2>&1; then
        readelf -d example | grep -q "NEEDED.*libwlr\.so\." && ok ||
            bad "example is not linked to the shared library"
    fi
    env -u LD_LIBRARY_PATH ./example >example.txt 2>&1 || bad "example: $(cat example.txt)"
    # the same numbers as the command line's train with the same settings
    "$WLR" train --class-weight balanced >train.txt 2>/dev/null
    want_model=$(sed -n 's/^model    x1 \([^ ]*\)  x2 \([^ ]*\)  intercept \(.*\)$/coef \1 \2, intercept \3/p' train.txt)
    want_recall=$(sed -n 's/^  MINORITY RECALL  \([0-9.]*\)   (\([0-9]*\) of \([0-9]*\) .*/minority recall \1 (\2 of \3)/p' train.txt)
    want_auc=$(sed -n 's/^  ROC AUC *\([0-9.]*\)$/\1/p' train.txt)
    [ "$(sed -n 1p example.txt)" = "$want_model" ] && ok ||
        bad "example: '$(sed -n 1p example.txt)', wanted '$want_model'"
    [ "$(sed -n 2p example.txt)" = "$want_recall, ROC AUC $want_auc" ] && ok ||
        bad "example: '$(sed -n 2p example.txt)', wanted '$want_recall, ROC AUC $want_auc'"
    [ "$(head -n 1 model.txt 2>/dev/null)" = "wlr-model 2" ] && ok || bad "example: no model.txt"
    # the shared library needs nothing beyond libc and libm
    if command -v readelf >/dev/null 2>&1; then
        extra=$(readelf -d "$P/lib/libwlr.so" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' |
                grep -v '^libc\.so' | grep -v '^libm\.so')
        [ -z "$extra" ] && ok || bad "libwlr.so needs $extra"
    fi
    cd "$T" || return
    if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS make -s -C "$ROOT" uninstall \
        BUILD="$BUILD" PREFIX="$P" >make.txt 2>&1; then
        bad "make uninstall: $(tail -n 5 make.txt)"; return
    fi
    ok
    left=$(find "$P" -type f -o -type l | head -n 5)
    [ -z "$left" ] && ok || bad "make uninstall left $left"
}

if command -v pkg-config >/dev/null 2>&1 && command -v cc >/dev/null 2>&1 &&
   command -v make >/dev/null 2>&1; then
    packaging
else
    echo "skipped: packaging (needs make, cc and pkg-config)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
