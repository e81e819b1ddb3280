#!/bin/sh
# cli_stream.sh - wlr train --stream X.npy --labels Y.npy: training on every
# row of a .npy pair a window at a time. Deterministic output, one window
# the same as the default window, --save and --test, every refused
# combination and bad file, and bounded memory: a file that cannot be
# loaded under a `ulimit -v` trains under it with --stream.
#
# Usage: WLR=build/wlr sh tests/cli_stream.sh   Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"

# 30011 rows (not a multiple of the windows or the batch), 3 features
"$WLR" generate --format npy -o tr --samples 30011 --features 3 --seed 3 \
    --weights 0.97 || bad "generate tr"
"$WLR" generate --format npy -o te --samples 5000 --features 3 --seed 3 \
    --weights 0.97 || bad "generate te"
"$WLR" generate --format npy -o f4 --samples 100 --features 4 || bad "generate f4"
S="--stream tr.X.npy --labels tr.y.npy --epochs 5"

# ---------------------------------------------------------------- results
# one window: the default (64 MiB of rows) and --window N are the same run
"$WLR" train $S >a.txt 2>/dev/null || bad "default window: exit $?"
"$WLR" train $S --window 30011 >b.txt 2>/dev/null || bad "--window N: exit $?"
expect_same "default window = --window N" a.txt b.txt
expect_grep "one window" '^stream   1 window of 30011 rows \(read once' a.txt
expect_grep "all rows" '^data     tr.X.npy with labels tr.y.npy: 30011 rows' a.txt
expect_grep "no test" '^test     none' a.txt

# several windows: the same bytes every time, text and JSON
for k in 1 2; do
    "$WLR" train $S --window 4000 --class-weight balanced --standardize >w$k.txt 2>/dev/null ||
        bad "windows run $k: exit $?"
    "$WLR" train $S --window 4000 --json >j$k.json 2>/dev/null || bad "json run $k: exit $?"
done
expect_same "windows: deterministic" w1.txt w2.txt
expect_same "json: deterministic" j1.json j2.json
expect_grep "8 windows" '^stream   8 windows of 4000 rows, in a new order' w1.txt
expect_grep "balanced" '^weights  c0 = 0.5[0-9]*, c1 = [0-9.]*  \(balanced\)' w1.txt
expect_grep "json fields" '"stream": \{"window": 4000, "windows": 8\}.*"train": \{"solver": "gd", "epochs": 5, "loss": 0\.[0-9]+, "grad_norm": [0-9.e-]+\}, "test": null\}$' j1.json

# --test: metrics on held-out rows; --save: a model wlr predict reads
"$WLR" train $S --window 4000 --test te.X.npy --test-labels te.y.npy --save m.txt \
    >t.txt 2>/dev/null || bad "--test --save: exit $?"
expect_grep "test rows" '^test     te.X.npy with labels te.y.npy: 5000 rows' t.txt
expect_grep "test metrics" 'MINORITY RECALL' t.txt
expect_grep "model saved" '^saved    m.txt' t.txt
expect_grep "model file counts" "^train_counts $(sed -n 's/^data .*: 30011 rows (\([0-9]*\) \/ \([0-9]*\)).*/\1 \2/p' t.txt)\$" m.txt
if "$WLR" predict --model m.txt te.X.npy --labels te.y.npy >p.csv 2>/dev/null &&
   [ "$(wc -l <p.csv)" -eq 5001 ]; then ok; else bad "predict with the streamed model"; fi
"$WLR" train $S --window 4000 --test te.X.npy --test-labels te.y.npy --json >tj.json 2>/dev/null
expect_grep "json test" '"test_counts": \[[0-9]+, [0-9]+\].*"test": \{"threshold": 0.5' tj.json

# ---------------------------------------------------------------- refused
expect_fail "csv" 'not a \.npy file' m_fail -- train --stream a.txt --labels tr.y.npy --save m_fail
expect_fail "no labels" 'needs --labels Y.npy' m_fail -- train --stream tr.X.npy --save m_fail
expect_fail "newton" '--solver gd only' m_fail -- train $S --solver newton --save m_fail
expect_fail "tune" '--tune-threshold .*not with --stream' m_fail -- train $S --tune-threshold f1 --save m_fail
expect_fail "cv" '--cv .*not with --stream' m_fail -- train $S --cv 3 --save m_fail
expect_fail "data too" "drop 'tr.X.npy'" m_fail -- train tr.X.npy $S --save m_fail
expect_fail "split option" 'there is no split' m_fail -- train $S --test-size 0.3 --save m_fail
expect_fail "generator option" "generator's options do not apply" m_fail -- train $S --samples 5 --save m_fail
expect_fail "window 0" "--window: '0' is not a number of rows >= 1" m_fail -- train $S --window 0 --save m_fail
expect_fail "window abc" "--window: 'abc'" m_fail -- train $S --window abc --save m_fail
expect_fail "window -1" "--window: '-1'" m_fail -- train $S --window -1 --save m_fail
expect_fail "window alone" '--window is for --stream' m_fail -- train tr.X.npy --labels tr.y.npy --window 5
expect_fail "test alone" '--test te.X.npy needs --test-labels' m_fail -- train tr.X.npy --labels tr.y.npy --test te.X.npy
expect_fail "test without labels" '--test needs --test-labels' m_fail -- train $S --test te.X.npy --save m_fail
expect_fail "labels without test" '--test-labels needs --test' m_fail -- train $S --test-labels te.y.npy --save m_fail
expect_fail "test csv" '--test: te.csv is not a .npy file' m_fail -- train $S --test te.csv --test-labels te.y.npy --save m_fail
expect_fail "bad class weight" "class weights: unknown 'heavy'" m_fail -- train $S --class-weight heavy --save m_fail
expect_fail "epochs -1" 'epochs: -1 must be >= 1' m_fail -- train $S --epochs -1 --save m_fail

# ---------------------------------------------------------------- bad files
expect_fail "missing X" 'nope.X.npy: cannot open' m_fail -- train --stream nope.X.npy --labels tr.y.npy --save m_fail
expect_fail "missing y" 'nope.y.npy: cannot open' m_fail -- train --stream tr.X.npy --labels nope.y.npy --save m_fail
printf 'x1,y\n1,0\n' >fake.npy
expect_fail "not npy" 'fake.npy: not a .npy file' m_fail -- train --stream fake.npy --labels tr.y.npy --save m_fail
expect_fail "row counts" 'te.y.npy: y has 5000 labels but X \(tr.X.npy\) has 30011 rows' m_fail \
    -- train --stream tr.X.npy --labels te.y.npy --save m_fail
# y[29000] = 7: y is '<i8' after a 128-byte header; found in the last windows
cp tr.y.npy bad.y.npy
printf '\007' | dd of=bad.y.npy bs=1 seek=$((128 + 8 * 29000)) conv=notrunc 2>/dev/null
expect_fail "bad label" 'bad.y.npy: y\[29000\] = 7 is not 0 or 1' m_fail \
    -- train --stream tr.X.npy --labels bad.y.npy --window 4000 --save m_fail
# the same message as the in-memory reader
"$WLR" train tr.X.npy --labels bad.y.npy 2>mem_err.txt >/dev/null
expect_grep "bad label, in memory too" 'bad.y.npy: y\[29000\] = 7 is not 0 or 1' mem_err.txt
cp tr.X.npy trunc.X.npy
truncate -s 100000 trunc.X.npy
expect_fail "truncated" 'trunc.X.npy: truncated' m_fail -- train --stream trunc.X.npy --labels tr.y.npy --save m_fail
expect_fail "test features" 'f4.X.npy: X has 4 features, but tr.X.npy has 3' m_fail \
    -- train $S --test f4.X.npy --test-labels f4.y.npy --save m_fail
expect_fail "save = output" 'name the same file' m_fail -- train $S --save m_fail -o m_fail

# ---------------------------------------------------------------- memory
# 1.2M rows x 10 features: X is 96 MB. Under a 48 MB address-space limit
# the in-memory trainer cannot load it (the check can fail), and --stream
# trains on it in windows of 100,000 rows (8 MB each). A binary that cannot
# run under the limit at all (AddressSanitizer reserves terabytes) skips it.
if (ulimit -v 49152 && "$WLR" --help >/dev/null 2>&1); then
    "$WLR" generate --format npy -o big --samples 1200000 --features 10 --seed 1 ||
        bad "generate big"
    (ulimit -v 49152; "$WLR" train big.X.npy --labels big.y.npy --epochs 1 \
        >/dev/null 2>mem.txt)
    rc=$?
    if [ $rc -ne 0 ] && grep -q 'out of memory' mem.txt; then ok
    else bad "in memory under 48 MB: exit $rc, $(cat mem.txt)"; fi
    (ulimit -v 49152; "$WLR" train --stream big.X.npy --labels big.y.npy \
        --window 100000 --epochs 1 >big.txt 2>big_err.txt)
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^stream   12 windows of 100000 rows' big.txt; then ok
    else bad "--stream under 48 MB: exit $rc, $(cat big_err.txt)"; fi
else
    echo "skip: bounded memory (this wlr cannot run under ulimit -v)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
