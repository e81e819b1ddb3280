#!/bin/sh
# cli_robust.sh - wlr against bad input, interruption and full disks.
#
#   1. A table of bad inputs across every command: each must exit non-zero
#      (not by a signal), print nothing on stdout, print "wlr: " and a
#      message naming the problem and where (FILE:LINE or --option), and
#      change nothing in the directory: no output file, no *.tmp.* left, an
#      existing -o target untouched.
#   2. Determinism: the same arguments give byte-identical stdout and files.
#   3. No partial files: an output killed mid-write by SIGINT, SIGTERM or
#      SIGHUP, or cut short by the file size limit (ulimit -f, i.e. a full
#      disk), leaves the previous file intact and no temporary behind.
#
# Usage: WLR=build/wlr sh tests/cli_robust.sh   (make test runs it)
# WLR_RUNNER, if set, is put before $WLR (e.g. "valgrind -q").
# Last line: "N passed, N failed".

WLR=${WLR:-build/wlr}
case "$WLR" in /*) ;; *) WLR="$(pwd)/$WLR" ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/wlr-robust.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
wlr() { $WLR_RUNNER "$WLR" "$@"; }

# ------------------------------------------------------------- inputs

wlr generate --samples 400 --weights 0.8 --seed 3 -o good.csv 2>/dev/null ||
    bad "setup: generate"
wlr generate --samples 400 --weights 0.8 --seed 3 --format npy -o good 2>/dev/null ||
    bad "setup: generate npy"
echo "previous contents" >keep.txt
printf '' >empty.csv
printf 'x1,x2,y\n' >header_only.csv
# binary junk: NUL bytes, high bytes, no line structure
printf '\000\001\002\377\376PK\003\004\000\000,\000\n\377\000' >junk.bin
# a 10 MB single line: one number of ten million digits, no newline
head -c 10000000 /dev/zero | tr '\0' '7' >long.csv
printf 'x1,x2,y\n1,2,0\n3,4\n' >ragged.csv
printf 'x1,x2,y\n1,2,0\n3,4,1,5\n' >ragged_long.csv
printf 'x1,x2,y\n1,2,0\n3,nan,1\n' >nan.csv
printf 'x1,x2,y\n1,2,0\n3,-inf,1\n' >inf.csv
printf 'x1,x2,y\n1e999,2,0\n3,4,1\n' >overflow.csv
printf 'x1,x2,y\n1,2,0\n3,4,2\n' >label2.csv
printf 'x1,x2,y\n1,2,0\n3,4,0.5\n' >label_half.csv
printf 'x1,x2,y\n1,2,no\n3,4,yes\n5,6,maybe\n' >label_three.csv
printf 'x1,x2,w,y\n1,2,1,0\n3,4,-2,1\n' >negweight.csv
printf 'x1,x2,w,y\n1,2,1,0\n3,4,inf,1\n' >infweight.csv
printf 'x1,x2,y\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n9,1,0\n' >oneclass.csv
printf 'y,score\n0,0.2\n1,1.7\n' >score_big.csv
printf 'y,score\n0,0.2\n1,nan\n' >score_nan.csv
printf 'y,score\n0,0.2\n0,0.7\n' >score_oneclass.csv
mkdir adir
awk 'BEGIN { print "y,score"; for (i = 0; i < 500; i++) printf "%d,%.6f\n", i % 7 == 0, (i * 37 % 101) / 100 }' >scores.csv

# .npy files: a header written by hand
npy() { # npy FILE DESCR SHAPE [FORTRAN]: header only, the data appended after
    h="{'descr': '$2', 'fortran_order': ${4:-False}, 'shape': $3, }"
    # pad to a multiple of 64 bytes with the newline last, as numpy does
    len=$(( (10 + ${#h} + 1 + 63) / 64 * 64 - 10 ))
    pad=$((len - ${#h} - 1))
    { printf '\223NUMPY\001\000'; printf "\\$(printf %o $((len % 256)))\\$(printf %o $((len / 256)))"
      printf '%s' "$h"; printf "%${pad}s\n" ""; } >"$1"
}
npy c16.X.npy '<c16' '(2, 1)'; head -c 32 /dev/zero >>c16.X.npy
npy threed.X.npy '<f8' '(2, 1, 1)'; head -c 16 /dev/zero >>threed.X.npy
npy short.X.npy '<f8' '(400, 2)'; head -c 100 /dev/zero >>short.X.npy
npy y2d.y.npy '<i8' '(20, 20)'; head -c 3200 /dev/zero >>y2d.y.npy
npy ybig.y.npy '|u1' '(400,)'; head -c 400 /dev/zero | tr '\0' '\2' >>ybig.y.npy
npy xnan.X.npy '<f8' '(400, 2)'; head -c 6400 /dev/zero | tr '\0' '\377' >>xnan.X.npy
npy noshape.X.npy '<f8' '()'
printf '\223NUMPY\001\000\377\377{}' >hugeheader.X.npy
printf 'not numpy at all' >magic.X.npy
head -c 60 good.X.npy >trunc.X.npy
wlr generate --samples 10 --format npy -o small 2>/dev/null

# model files
wlr train good.csv --save good.model -o /dev/null 2>/dev/null || bad "setup: train --save"
printf '' >empty.model
printf 'hello\n' >magic.model
sed 's/^wlr-model [0-9]*$/wlr-model 99/' good.model >version.model
grep -v '^end$' good.model >noend.model
sed 's/^intercept .*/intercept abc/' good.model >badnum.model
sed 's/^intercept .*/intercept 1e999/' good.model >inf.model
sed 's/^features 2$/features 3/' good.model >count.model
sed '/^feature /d' good.model >nofeat.model
sed 's/^intercept \(.*\)/intercept \1\nintercept \1/' good.model >dupkey.model
wlr generate --samples 50 --features 3 --informative 2 --seed 1 -o three.csv 2>/dev/null
tail -n +2 three.csv >three_nohead.csv
sed '1s/.*/a,b,y/' good.csv >renamed.csv
# rows to score, without a label column (good.model has features x1, x2)
printf 'x1,x2\n1,2\n3\n' >nl_ragged.csv
printf 'x1,x2\n1,2\n3,nan\n' >nl_nan.csv
printf 'x1,x2\n1,2\n3,yes\n' >nl_word.csv
printf 'x1,x2\n' >nl_header_only.csv
printf 'a,b\n1,2\n' >nl_renamed.csv
printf '1\n2\n' >nl_one.csv
printf '1,2,3,4\n' >nl_four.csv
printf 'x1,x2,w\n1,2,0\n' >nl_zeroweight.csv
wlr generate --samples 50 --features 3 --format npy -o three 2>/dev/null

# ----------------------------------------------- 1. the bad-input table

# The directory's names, sizes and modification times (to the nanosecond):
# a failed command must not change it.
snapshot() { LC_ALL=C ls -lA --time-style=+%s.%N | sed 1d; }
snapshot >../before.$$

# check NAME PATTERN ARGS...
check() {
    name=$1 pattern=$2
    shift 2
    wlr "$@" >../out.$$ 2>../err.$$
    rc=$?
    snapshot >../after.$$
    # whatever happens, the next case starts from the same directory
    new=$(diff ../before.$$ ../after.$$ | sed -n 's/^> .* //p')
    [ -n "$new" ] && rm -rf $new
    if [ $rc -eq 0 ]; then bad "$name: exit 0"; return; fi
    if [ $rc -ge 128 ]; then bad "$name: killed by signal $((rc - 128)): $(head -c 300 ../err.$$)"; return; fi
    if [ -s ../out.$$ ]; then bad "$name: wrote to stdout: $(head -c 200 ../out.$$)"; return; fi
    if ! head -n 1 ../err.$$ | grep -q '^wlr: '; then
        bad "$name: stderr does not start with 'wlr: ': $(head -c 300 ../err.$$)"; return
    fi
    if ! grep -Eq -- "$pattern" ../err.$$; then
        bad "$name: stderr '$(head -c 300 ../err.$$)' does not match '$pattern'"; return
    fi
    if ! cmp -s ../before.$$ ../after.$$; then
        bad "$name: changed the directory: $(diff ../before.$$ ../after.$$ | head -n 5)"
        return
    fi
    ok
}

# One case a line: NAME @ PATTERN (grep -E, on the message) @ ARGUMENTS
# (split as the shell splits them; quotes allowed).
while IFS='@' read -r name pattern args; do
    case "$name" in ''|'#'*) continue ;; esac
    name=$(echo $name); pattern=$(echo $pattern)
    eval "set -- $args"
    check "$name" "$pattern" "$@"
done <<'TABLE'
# --- data files
missing file @ missing\.csv: .*(No such file|cannot open) @ train missing.csv -o out.txt
empty file @ empty\.csv: empty file @ train empty.csv -o out.txt
header only @ header_only\.csv:1: .*no (data )?rows @ train header_only.csv -o out.txt
binary junk @ junk\.bin:[0-9]+: .*(NUL|binary|not a number|columns|byte) @ train junk.bin -o out.txt
10 MB single line @ long\.csv:1: .*(too long|column|rows|label|number) @ train long.csv -o out.txt
ragged row (short) @ ragged\.csv:3: .*(2|3) @ train ragged.csv -o out.txt
ragged row (long) @ ragged_long\.csv:3: .*(4|3) @ train ragged_long.csv -o out.txt
nan cell @ nan\.csv:3: .*(finite|nan) @ train nan.csv -o out.txt
-inf cell @ inf\.csv:3: .*(finite|inf) @ train inf.csv -o out.txt
overflowing cell @ overflow\.csv:2: .*(finite|range|1e999) @ train overflow.csv -o out.txt
label 2 @ label2\.csv:3: .*2 @ train label2.csv -o out.txt
label 0.5 @ label_half\.csv:3: .*0\.5 @ train label_half.csv -o out.txt
text labels, no --positive @ label_three\.csv:2: .*(no|positive) @ train label_three.csv -o out.txt
three label values @ label_three\.csv:4: .*maybe @ train label_three.csv --positive yes -o out.txt
positive never occurs @ good\.csv.*(positive|never|2) @ train good.csv --positive 2 -o out.txt
label column unknown @ good\.csv:1: .*nosuch @ train good.csv --label nosuch -o out.txt
label index too large @ good\.csv:1: .*9 @ train good.csv --label 9 -o out.txt
negative row weight @ negweight\.csv:3: .*(weight|-2) @ train negweight.csv --sample-weight-col w -o out.txt
infinite row weight @ infweight\.csv:3: .*(weight|inf|finite) @ train infweight.csv --sample-weight-col w -o out.txt
one class only @ (only class|no class 1|one class|class 1) @ train oneclass.csv -o out.txt
directory as data @ adir.*(directory|cannot) @ train adir -o out.txt
directory as -o @ adir: .*(directory|cannot) @ train good.csv -o adir
# --- .npy files
npy bad magic @ magic\.X\.npy: .*(magic|npy|NUMPY) @ train magic.X.npy --labels good.y.npy -o out.txt
npy truncated @ trunc\.X\.npy: .*(trunc|short|header|end) @ train trunc.X.npy --labels good.y.npy -o out.txt
npy huge header length @ hugeheader\.X\.npy: @ train hugeheader.X.npy --labels good.y.npy -o out.txt
npy complex dtype @ c16\.X\.npy: .*c16 @ train c16.X.npy --labels good.y.npy -o out.txt
npy 3-D @ threed\.X\.npy: .*(2-D|dimension|shape) @ train threed.X.npy --labels good.y.npy -o out.txt
npy shape without data @ short\.X\.npy: .*(short|truncated|bytes|size) @ train short.X.npy --labels good.y.npy -o out.txt
npy empty shape @ noshape\.X\.npy: @ train noshape.X.npy --labels good.y.npy -o out.txt
npy X with NaN @ xnan\.X\.npy.*(finite|nan|NaN) @ train xnan.X.npy --labels good.y.npy -o out.txt
npy y 2-D @ y2d\.y\.npy: .*(1-D|dimension|shape) @ train good.X.npy --labels y2d.y.npy -o out.txt
npy y value 2 @ ybig\.y\.npy.*2 @ train good.X.npy --labels ybig.y.npy -o out.txt
npy y missing @ nope\.y\.npy: @ train good.X.npy --labels nope.y.npy -o out.txt
npy X, y lengths differ @ small\.y\.npy.*(10|400|rows|length) @ train good.X.npy --labels small.y.npy -o out.txt
npy without --labels @ good\.X\.npy: .*--labels @ train good.X.npy -o out.txt
# --- report
report: no such score column @ score_big\.csv:1: no column named "p" @ report score_big.csv --score-col p -o out.txt
report: NaN score @ score_nan\.csv:3: .*(finite|nan) @ report score_nan.csv -o out.txt
report: one class @ (only class|one class|undefined) @ report score_oneclass.csv -o out.txt
report: no file @ report.*(FILE|file) @ report -o out.txt
# --- generate
generate: samples < 0 @ --samples: '-5' @ generate --samples -5 -o out.csv
generate: samples text @ --samples: 'many' @ generate --samples many -o out.csv
generate: samples 0 @ samples @ generate --samples 0 -o out.csv
generate: features 0 @ (features|informative) @ generate --features 0 --informative 0 -o out.csv
generate: class-sep nan @ --class-sep: 'nan' @ generate --class-sep nan -o out.csv
generate: flip-y < 0 @ flip_y @ generate --flip-y -0.1 -o out.csv
generate: weights 3 @ weights @ generate --weights 0.2,0.3,0.5 -o out.csv
generate: samples 2^64 @ --samples: '18446744073709551616' @ generate --samples 18446744073709551616 -o out.csv
generate: npy dir gone @ nodir/x\.X\.npy: @ generate --samples 10 --format npy -o nodir/x
# --- split
split: no --test-out @ --test-out @ split good.csv --train-out a.csv
split: test-size 1.5 @ test_size @ split good.csv --train-out a.csv --test-out b.csv --test-size 1.5
split: same target twice @ (a\.csv|same) @ split good.csv --train-out a.csv --test-out a.csv
split: a.csv and ./a.csv @ --test-out: \./a\.csv is also @ split good.csv --train-out a.csv --test-out ./a.csv
split: same existing file @ --test-out: adir/\.\./keep\.txt is also @ split good.csv --train-out keep.txt --test-out adir/../keep.txt
# --- train options
train: epochs -1 @ epochs @ train good.csv --epochs -1 -o out.txt
train: epochs text @ --epochs: 'ten' @ train good.csv --epochs ten -o out.txt
train: epochs 2^31 @ --epochs: '2147483648' @ train good.csv --epochs 2147483648 -o out.txt
train: lr negative @ lr @ train good.csv --lr -1 -o out.txt
train: lr overflow @ --lr: '1e999' @ train good.csv --lr 1e999 -o out.txt
train: lr empty @ --lr: '' @ train good.csv --lr= -o out.txt
train: batch 1.5 @ --batch-size: '1.5' @ train good.csv --batch-size 1.5 -o out.txt
train: batch 1e-3 @ --batch-size: '1e-3' @ train good.csv --batch-size 1e-3 -o out.txt
train: batch 0x10 @ --batch-size: '0x10' @ train good.csv --batch-size 0x10 -o out.txt
split: -o @ -o: not an option of wlr split @ split good.csv --train-out a.csv --test-out b.csv -o c.csv
train: l2 inf @ --l2: 'inf' @ train good.csv --l2 inf -o out.txt
train: tol negative @ tol @ train good.csv --solver newton --tol -1 -o out.txt
train: max-iter 0 @ max.iter @ train good.csv --solver newton --max-iter 0 -o out.txt
train: threshold nan @ --threshold @ train good.csv --threshold nan -o out.txt
train: threshold < 0 @ --threshold @ train good.csv --threshold -0.5 -o out.txt
train: digits -1 @ --digits @ train good.csv --digits -1 -o out.txt
train: test-size 0 @ test_size @ train good.csv --test-size 0 -o out.txt
train: split-seed < 0 @ --split-seed @ train good.csv --split-seed -1 -o out.txt
train: shuffle-seed big @ --shuffle-seed @ train good.csv --shuffle-seed 4294967296 -o out.txt
train: header maybe @ --header: 'maybe' @ train good.csv --header maybe -o out.txt
train: -o no name @ -o: needs a file name @ train good.csv -o
train: unknown option @ unknown option '--lr2' @ train good.csv --lr2 1 -o out.txt
train: single dash @ unknown option '-x' @ train good.csv -x -o out.txt
# --- class weights
weights 1: @ class weights @ train good.csv --class-weight 1: -o out.txt
weights :1 @ class weights @ train good.csv --class-weight :1 -o out.txt
weights 1:2:3 @ class weights @ train good.csv --class-weight 1:2:3 -o out.txt
weights -1:2 @ class weights @ train good.csv --class-weight -1:2 -o out.txt
weights inf:1 @ class weights @ train good.csv --class-weight inf:1 -o out.txt
weights nan:1 @ class weights @ train good.csv --class-weight nan:1 -o out.txt
weights 1e999:1 @ class weights @ train good.csv --class-weight 1e999:1 -o out.txt
weights 1:1e-400 @ class weights @ train good.csv --class-weight 1:1e-400 -o out.txt
weights 0:0 @ class weights @ train good.csv --class-weight 0:0 -o out.txt
weights empty @ class weights @ train good.csv --class-weight '' -o out.txt
weights "1 :2" @ class weights @ train good.csv --class-weight '1 :2' -o out.txt
weights balanced, 1 class @ balanced.*no class 1 @ train oneclass.csv --test-size 0.4 --class-weight balanced -o out.txt
experiment: bad in list @ class weights.*heavy @ experiment good.csv --class-weight none,heavy -o out.txt
experiment: no weighting @ no weighting @ experiment good.csv --class-weight , -o out.txt
experiment: epochs -1 @ epochs @ experiment good.csv --epochs -1 -o out.txt
experiment: plots file @ (keep\.txt|plots) @ experiment good.csv --plots keep.txt -o out.txt
# --- threshold tuning and cross-validation
tune: unknown rule @ (tune|rule|bogus) @ train good.csv --tune-threshold bogus -o out.txt
tune: recall 2 @ (recall|tune) @ train good.csv --tune-threshold recall=2 -o out.txt
tune: cost 0:1 @ (cost|tune) @ train good.csv --tune-threshold cost=0:1 -o out.txt
tune: val-size 1 @ val.size @ train good.csv --tune-threshold f1 --val-size 1 -o out.txt
cv 1 @ (cv|fold) @ train good.csv --cv 1 -o out.txt
cv more than rows @ (cv|fold) @ train good.csv --cv 100000 -o out.txt
save into missing dir @ nodir/m\.model: @ train good.csv --save nodir/m.model -o out.txt
# --- explain
explain: epochs -1 @ epochs @ explain good.csv --epochs -1 -o out.txt
explain: weight 1:0 @ class weights @ explain good.csv --class-weight 1:0 -o out.txt
explain: missing file @ missing\.csv: @ explain missing.csv -o out.txt
# --- weights
weights: step 0 @ step @ weights --step 0 -o out.txt
weights: start 0 @ start @ weights --start 0 -o out.txt
weights: stop < start @ (stop|start) @ weights --start 0.5 --stop 0.1 -o out.txt
weights: samples 0 @ samples @ weights --samples 0 -o out.txt
weights: plot bad dir @ nodir/w\.svg: @ weights --plot nodir/w.svg -o out.txt
# --- predict and model files
predict: no --model @ --model @ predict good.csv -o out.txt
predict: model missing @ nope\.model: @ predict --model nope.model good.csv -o out.txt
predict: model empty @ empty\.model: empty: not a wlr model file @ predict --model empty.model good.csv -o out.txt
predict: not a model @ magic\.model:1: @ predict --model magic.model good.csv -o out.txt
predict: version 99 @ version\.model:1: .*99 @ predict --model version.model good.csv -o out.txt
predict: no end line @ noend\.model:[0-9]+: .*(end|truncated) @ predict --model noend.model good.csv -o out.txt
predict: bad number @ badnum\.model:[0-9]+: .*abc @ predict --model badnum.model good.csv -o out.txt
predict: infinite coef @ inf\.model:[0-9]+: .*(finite|1e999) @ predict --model inf.model good.csv -o out.txt
predict: feature count @ count\.model:[0-9]+: .*(feature|3) @ predict --model count.model good.csv -o out.txt
predict: no features @ nofeat\.model:[0-9]+: .*feature @ predict --model nofeat.model good.csv -o out.txt
predict: repeated key @ dupkey\.model:[0-9]+: .*(intercept|repeat|twice) @ predict --model dupkey.model good.csv -o out.txt
predict: wrong width @ three_nohead\.csv:1: .*(3|features) @ predict --model good.model three_nohead.csv -o out.txt
predict: wrong names @ renamed\.csv:1: .*(a|name) @ predict --model good.model renamed.csv -o out.txt
predict: no data @ (DATA|data) @ predict --model good.model -o out.txt
# --- predict on rows without a label column
predict unlabelled: ragged @ nl_ragged\.csv:3: expected 2 cells, found 1 @ predict --model good.model nl_ragged.csv -o out.txt
predict unlabelled: NaN @ nl_nan\.csv:3: .*finite @ predict --model good.model nl_nan.csv -o out.txt
predict unlabelled: a word @ nl_word\.csv:3: cell 2 .*yes.* not a number @ predict --model good.model nl_word.csv -o out.txt
predict unlabelled: header only @ nl_header_only\.csv:1: header but no rows @ predict --model good.model nl_header_only.csv -o out.txt
predict unlabelled: wrong names @ nl_renamed\.csv:1: no column named .x1. @ predict --model good.model nl_renamed.csv -o out.txt
predict unlabelled: one column @ nl_one\.csv:1: 1 column; expected 2 feature columns, or 3 @ predict --model good.model nl_one.csv -o out.txt
predict unlabelled: four columns @ nl_four\.csv:1: 4 columns; expected 2 @ predict --model good.model nl_four.csv -o out.txt
predict unlabelled: zero weight @ nl_zeroweight\.csv:2: .*weight 0 is not positive @ predict --model good.model nl_zeroweight.csv --sample-weight-col w -o out.txt
predict --no-label, labelled data @ three_nohead\.csv:1: 4 feature columns; the model has 2 @ predict --model good.model --no-label three_nohead.csv -o out.txt
predict --no-label --label @ --no-label: .*--label @ predict --model good.model --no-label --label y good.csv -o out.txt
predict --no-label --positive @ --no-label: .*--positive @ predict --model good.model --no-label --positive 1 good.csv -o out.txt
predict X .npy alone: width @ three\.X\.npy:1: 3 feature columns; the model has 2 @ predict --model good.model three.X.npy -o out.txt
predict X .npy alone: NaN @ xnan\.X\.npy.*(finite|nan|NaN) @ predict --model good.model xnan.X.npy -o out.txt
predict X .npy alone: truncated @ trunc\.X\.npy: @ predict --model good.model trunc.X.npy -o out.txt
predict --no-label --labels @ --no-label: .*--labels @ predict --model good.model --no-label good.X.npy --labels good.y.npy -o out.txt
# --- the command line itself
unknown command @ unknown command 'trian' @ trian good.csv
generate: value missing @ --seed needs a value @ generate --seed
report: flag with value @ --json takes no value @ report score_big.csv --json=yes
TABLE

# ------------------------------------------------------ 2. determinism

# same_twice NAME ARGS...: two runs, byte-identical stdout and -o file
same_twice() {
    name=$1
    shift
    rm -rf d1 d2; mkdir d1 d2
    (cd d1 && wlr "$@" >stdout 2>/dev/null) ; r1=$?
    (cd d2 && wlr "$@" >stdout 2>/dev/null) ; r2=$?
    if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then bad "determinism $name: exit $r1 / $r2"; return; fi
    # train.seconds is the one value that may differ (README)
    for f in $(find d1 d2 -type f); do sed -i 's/"seconds": [^,}]*//g' "$f"; done
    if diff -r d1 d2 >/dev/null; then ok; else bad "determinism $name: $(diff -r d1 d2 | head -n 4)"; fi
}
G="$T/good.csv"
same_twice "generate" generate --samples 2000 --seed 9 -o g.csv
same_twice "generate npy" generate --samples 2000 --seed 9 --format npy -o g
same_twice "split" split "$G" --train-out a.csv --test-out b.csv --stratify
same_twice "train" train "$G" --class-weight balanced -o t.txt
same_twice "train json" train "$G" --class-weight 1:20 --json
same_twice "train newton" train "$G" --solver newton --json
same_twice "train adam" train "$G" --optimizer adam --batch-size 7 --json
same_twice "train save+tune" train "$G" --save m.model --tune-threshold f1
same_twice "train cv" train "$G" --cv 3 --json
same_twice "experiment" experiment "$G" --json
same_twice "experiment plots" experiment "$G" --epochs 3 --plots p
same_twice "explain" explain "$G" --epochs 3
same_twice "report" report "$T/scores.csv" --json
same_twice "weights" weights --plot w.svg -o w.csv
same_twice "predict" predict --model "$T/good.model" "$G" -o p.csv
same_twice "predict unlabelled" predict --model "$T/good.model" "$T/good.X.npy" -o p.csv

# ------------------------------------------------- 3. no partial files

# A long write, killed as soon as its temporary appears. SIGINT is reset to
# its default in the child (a shell starts background jobs with it ignored).
interrupt() { # SIGNAL
    sig=$1
    rm -f big.csv big.csv.tmp.*
    echo "the previous big.csv" >big.csv
    env --default-signal=INT "$WLR" generate --samples 5000000 -o big.csv 2>/dev/null &
    pid=$!
    i=0
    while [ $i -lt 300 ] && ! ls big.csv.tmp.* >/dev/null 2>&1; do sleep 0.02; i=$((i + 1)); done
    sleep 0.05
    kill -s "$sig" $pid
    wait $pid 2>/dev/null
    rc=$?
    if [ $rc -lt 128 ]; then bad "$sig: exit $rc, not killed (was the write too fast?)"; return; fi
    if [ "$(cat big.csv)" != "the previous big.csv" ]; then bad "$sig: big.csv changed"; return; fi
    if ls big.csv.tmp.* >/dev/null 2>&1; then bad "$sig: left $(ls big.csv.tmp.*)"; return; fi
    ok
}
interrupt INT
interrupt TERM
interrupt HUP
rm -f big.csv

# The file size limit (a full disk): SIGXFSZ is ignored, the write fails
# with EFBIG, the error names the file, the old file stays.
limited() { # NAME TARGET ARGS...
    name=$1 target=$2
    shift 2
    echo "previous" >"$target"
    before=$(cksum <"$target")
    (ulimit -f 1; wlr "$@" >../out.$$ 2>../err.$$)
    rc=$?
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "ulimit $name: exit $rc"; return; fi
    if ! grep -Eq "^wlr: $target: .*\(File too large\)" ../err.$$; then
        bad "ulimit $name: message '$(cat ../err.$$)'"; return
    fi
    if [ "$(cksum <"$target")" != "$before" ]; then bad "ulimit $name: $target changed"; return; fi
    if ls ./*.tmp.* >/dev/null 2>&1; then bad "ulimit $name: left $(ls ./*.tmp.*)"; return; fi
    rm -f "$target"
    ok
}
limited "generate csv" big.csv generate --samples 100000 -o big.csv
limited "generate npy" big.X.npy generate --samples 100000 --format npy -o big
limited "split" big.csv split good.csv --train-out big.csv --test-out big2.csv --test-size 0.01
limited "predict" big.csv predict --model good.model good.csv -o big.csv
limited "weights" big.csv weights --step 0.0001 -o big.csv
limited "experiment" big.csv experiment good.csv -o big.csv
rm -f big2.csv big.y.npy
# Two outputs, the second failing only on its last buffered block (the
# train part, 2.5 KB, fits under 4 KB; the test part, 5.8 KB, does not):
# both old files stay, not a new train part beside an old test part.
wlr generate --samples 200 --weights 0.7 -o s200.csv 2>/dev/null
echo "old train" >a.csv
echo "old test" >b.csv
(ulimit -f 8; wlr split s200.csv --train-out a.csv --test-out b.csv --test-size 0.7 2>../err.$$)
if [ $? -ne 0 ] && [ "$(cat a.csv)" = "old train" ] && [ "$(cat b.csv)" = "old test" ] &&
    grep -q '^wlr: b\.csv: .*(File too large)' ../err.$$ && ! ls ./*.tmp.* >/dev/null 2>&1; then ok
else bad "split, test part too big: a.csv $(wc -c <a.csv) bytes, b.csv $(wc -c <b.csv), $(cat ../err.$$)"; fi
rm -f s200.csv a.csv b.csv

# ------------------------------------------------ 4. numerical edges

# Separable data, features of scale 1e150, a constant column, one class-1
# row in each split, class weights 1:1e6: every solver, with and without
# l2, text and JSON: exit 0 and no NaN, Inf or null anywhere.
awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 400; i++) { y = i % 4 == 0; j = (i * 37 % 101) / 101
    printf "%.6f,%.6f,%d\n", (y ? 1 : -1) * (0.5 + j), j - 0.5, y } }' >sep.csv
awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 400; i++) { y = i % 4 == 0; j = (i * 37 % 101) / 101
    printf "%.6e,%.6e,%d\n", (j + y * 0.3) * 1e150, (i * 53 % 97) * 1e148, y } }' >huge.csv
awk 'BEGIN { print "x1,c,y"; for (i = 0; i < 400; i++) { y = i % 4 == 0; j = (i * 37 % 101) / 101
    printf "%.6f,3,%d\n", j + y * 0.3, y } }' >const.csv
awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 400; i++) { y = i == 5 || i == 1; j = (i * 37 % 101) / 101
    printf "%.6f,%.6f,%d\n", j + y * 0.3, (i * 53 % 97) / 97, y } }' >onerow.csv
finite_out() { # NAME ARGS...: exit 0, and no nan/inf/null in stdout
    name=$1
    shift
    wlr "$@" >../out.$$ 2>../err.$$
    rc=$?
    if [ $rc -ne 0 ]; then bad "edges $name: exit $rc: $(head -c 300 ../err.$$)"; return; fi
    if grep -qiE 'nan|inf|null' ../out.$$; then
        bad "edges $name: $(grep -oiE '.{40}(nan|inf|null).{0,20}' ../out.$$ | head -n 2)"; return
    fi
    ok
}
for f in sep huge const onerow; do
    for l2 in 0 1e-4; do
        for solver in gd newton; do
            set -- $f.csv --solver $solver --l2 $l2 --test-size 0.5 --stratify
            finite_out "train $*" train "$@" --class-weight 1:1e6 --standardize
            finite_out "train --json $*" train "$@" --json
            finite_out "experiment $*" experiment "$@" --class-weight none,balanced,1:1e6 --epochs 5
            finite_out "experiment --json $*" experiment "$@" --class-weight none,1:1e6 --json --epochs 5
        done
    done
    finite_out "explain $f" explain $f.csv --l2 0 --epochs 3 --test-size 0.5 --stratify
done

rm -f ../before.$$ ../after.$$ ../out.$$ ../err.$$
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
