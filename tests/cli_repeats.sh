#!/bin/sh
# cli_repeats.sh - `wlr experiment --repeats R`: one repeat is the plain
# experiment; three repeats are three plain experiments with split seeds
# S, S + 1, S + 2, their mean, sd (n - 1) and numpy-style percentiles
# recomputed here in awk, the paired differences too; --resample moves the
# data seed the same way; the output is the same bytes on 1, 2 or 3
# jobs; the JSON's shape; and every refusal.
#
# Usage: WLR=build/wlr sh tests/cli_repeats.sh   (make test runs it)
# Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"
wlr() { $WLR_RUNNER "$WLR" "$@"; }

# run NAME OUT ARGS...: wlr ARGS > OUT, which must succeed with nothing on
# stderr (no warning, no progress line: stderr is not a terminal).
run() {
    name=$1 out=$2
    shift 2
    if wlr "$@" >"$out" 2>err.txt && [ ! -s err.txt ]; then ok; else
        bad "$name: exit or stderr: $(cat err.txt)"
    fi
}

# run_json FILE NAME: the JSON object of run NAME in an experiment's JSON
# (from its "name" to the next run's, or to the end of the runs).
run_json() {
    sed 's/}\], ".*/}/; s/{"name": /\n&/g' "$1" | grep "^{\"name\": \"$2\"" | head -n 1
}

# metric KEY: from a run's JSON on stdin, its test metric KEY as the
# repeats name it (recall1 is recall[1], and so on).
metric() {
    sed 's/.*"test": {//; s/"prior_correction".*//' | case $1 in
        recall1) sed -n 's/.*"recall": \[[^,]*, \([^]]*\)\].*/\1/p' ;;
        precision1) sed -n 's/.*"precision": \[[^,]*, \([^]]*\)\].*/\1/p' ;;
        f1_1) sed -n 's/.*"f1": \[[^,]*, \([^]]*\)\].*/\1/p' ;;
        *) sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p" ;;
    esac
}

# spread KEY [difference]: from a run's JSON on stdin, "mean sd lo hi" of
# repeats.KEY (or of repeats.difference.KEY).
spread() {
    if [ "$2" = difference ]; then sed 's/.*"difference": {//'; else
        sed 's/.*"repeats": {"n"//; s/"difference".*//'; fi |
        sed -n "s/.*\"$1\": {\"mean\": \([^,]*\), \"sd\": \([^,]*\), \"ci95\": \[\([^,]*\), \([^]]*\)\]}.*/\1 \2 \3 \4/p"
}

# close NAME GOT WANT: two lists of numbers, the same length, each pair
# within 1e-12 (or both "null").
close() {
    if printf '%s\n%s\n' "$2" "$3" | awk '
        NR == 1 { n = split($0, g, " ") }
        NR == 2 { m = split($0, w, " ")
                  if (n != m || n == 0) exit 1
                  for (i = 1; i <= n; i++) {
                      if (g[i] == "null" || w[i] == "null") { if (g[i] != w[i]) exit 1; continue }
                      d = g[i] - w[i]; if (d < 0) d = -d
                      if (d > 1e-12) exit 1 } }'; then ok; else
        bad "$1: got '$2', want '$3'"
    fi
}

# by_hand V1 V2 ...: "mean sd lo hi" as experiment --repeats computes them:
# the mean, the sd with n - 1, and numpy.percentile's linear method at 2.5
# and 97.5 (h = (n - 1) q / 100 between the sorted values v[i], v[i + 1],
# g = h - i: a + (b - a) g below g = 0.5, b - (b - a) (1 - g) from it).
by_hand() {
    printf '%s\n' "$@" | sort -g | awk '
        function pct(q,   h, i, g, a, b) {
            h = (n - 1) * (q / 100); i = int(h); g = h - i
            if (i >= n - 1) return v[n - 1]
            a = v[i]; b = v[i + 1]
            return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g }
        { v[n++] = $1; s += $1 }
        END { mean = s / n
              for (i = 0; i < n; i++) ss += (v[i] - mean) ^ 2
              sd = n > 1 ? sprintf("%.17g", sqrt(ss / (n - 1))) : "null"
              printf "%.17g %s %.17g %.17g\n", mean, sd, pct(2.5), pct(97.5) }'
}

METRICS="recall1 precision1 f1_1 roc_auc average_precision balanced_accuracy"
RUNS="none balanced 1:200"

# ------------------------------------------------- one repeat is the plain run

run "plain" plain.txt experiment
run "plain json" plain.json experiment --json
run "R=1" r1.txt experiment --repeats 1
run "R=1 json" r1.json experiment --repeats 1 --json
# the text: the plain experiment, then the repeats' section
head -n "$(wc -l <plain.txt)" r1.txt | cmp -s - plain.txt && ok ||
    bad "R=1: the text does not start with the plain experiment's"
expect_grep "R=1: section" '^Over 1 train/test split \(split seed 42\):$' r1.txt
expect_grep "R=1: one value, no sd" '^             balanced   0\.[0-9]{3} ± n/a \[0\.[0-9]{3}, 0\.[0-9]{3}\]' r1.txt
for r in $RUNS; do
    for k in $METRICS; do
        v=$(run_json plain.json "$r" | metric "$k")
        close "R=1: $r $k" "$(run_json r1.json "$r" | spread "$k")" "$v null $v $v"
    done
done
# and each run's own object is the plain one (but for the fit's time)
for r in $RUNS; do
    for f in plain r1; do
        run_json $f.json "$r" | sed -n 's/\(.*"prior_correction": {[^{]*{[^}]*}[^{]*{[^}]*}}\).*/\1/p' |
            sed 's/"seconds": [0-9.e+-]*//' >$f.run.txt
    done
    [ -s plain.run.txt ] && cmp -s plain.run.txt r1.run.txt && ok ||
        bad "R=1: run $r's object is not the plain one's"
done

# --------------------------------------- three repeats are three plain runs

S=7
for s in 7 8 9; do run "plain, split seed $s" "p$s.json" experiment --json --split-seed $s; done
run "R=3" r3.json experiment --repeats 3 --split-seed $S --json
for r in $RUNS; do
    for k in $METRICS; do
        # shellcheck disable=SC2046
        want=$(by_hand $(for s in 7 8 9; do run_json "p$s.json" "$r" | metric "$k"; done))
        close "R=3: $r $k" "$(run_json r3.json "$r" | spread "$k")" "$want"
        [ "$r" = none ] && continue
        # the paired difference: split by split, minus none's
        want=$(by_hand $(for s in 7 8 9; do
            awk -v a="$(run_json "p$s.json" "$r" | metric "$k")" \
                -v b="$(run_json "p$s.json" none | metric "$k")" 'BEGIN { printf "%.17g\n", a - b }'
        done))
        close "R=3: $r - none $k" "$(run_json r3.json "$r" | spread "$k" difference)" "$want"
    done
done
# a check of the checker: the percentiles of three values move between them
lo=$(run_json r3.json 1:200 | spread roc_auc | cut -d' ' -f3)
hi=$(run_json r3.json 1:200 | spread roc_auc | cut -d' ' -f4)
awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(a < b) }' && ok || bad "R=3: ci95 [$lo, $hi] is empty"

# ------------------------------------------------------------ the shape

expect_grep "json: the plan" '\], "repeats": \{"n": 3, "split_seeds": \[7, 9\], "exact_optimum_checked": "first split only"\}, "lesson": ' r3.json
for r in $RUNS; do
    j=$(run_json r3.json "$r")
    for k in $METRICS; do
        printf '%s\n' "$j" | grep -q "\"repeats\": {\"n\": 3,.*\"$k\": {\"mean\": [-0-9.e]*, \"sd\": [0-9.e-]*, \"ci95\": \[[-0-9.e]*, [-0-9.e]*\]}" &&
            ok || bad "json: $r has no repeats.$k"
    done
    if [ "$r" = none ]; then
        printf '%s\n' "$j" | grep -q '"difference"' && bad "json: none has a difference" || ok
    else
        printf '%s\n' "$j" | grep -q '"difference": {"minus": "none", "recall1": {"mean"' &&
            ok || bad "json: $r has no difference from none"
    fi
done
run "R=3 text" r3.txt experiment --repeats 3 --split-seed $S
expect_grep "text: section" '^Over 3 train/test splits \(split seeds 7 to 9\):$' r3.txt
expect_grep "text: header" '^  metric     weighting  over the splits +minus none$' r3.txt
expect_grep "text: a value and a difference" '^             balanced   0\.[0-9]{4} ± 0\.[0-9]{4} \[0\.[0-9]{4}, 0\.[0-9]{4}\]  [+-]0\.[0-9]{4} ± 0\.[0-9]{4} \[[+-]0\.[0-9]{4}, [+-]0\.[0-9]{4}\]$' r3.txt
[ "$(grep -c '± [0-9]' r3.txt)" -eq 18 ] && ok || bad "text: $(grep -c '± [0-9]' r3.txt) lines of values, not 6 metrics x 3 runs"
# without an unweighted run the differences are from the first listed
run "no base" nb.txt experiment --repeats 2 --class-weight balanced,1:200 --json
grep -q '"difference": {"minus": "balanced", ' nb.txt && ok || bad "no base: no difference from balanced"
[ "$(grep -o '"difference"' nb.txt | wc -l)" -eq 1 ] && ok || bad "no base: not one difference"
run "one run" one.txt experiment --repeats 2 --class-weight 1:200
grep -q 'minus' one.txt && bad "one run: a difference column" || ok

# ---------------------------------------------------- jobs: the same bytes

# (20,000 rows and 10 epochs: the jobs share out the same work whatever its size)
small="--samples 20000 --epochs 10"
run "1 job" t1.txt experiment $small --repeats 5 --jobs 1
run "2 jobs" t2.txt experiment $small --repeats 5 --jobs 2
run "3 jobs" t3.txt experiment $small --repeats 5 --jobs 3 --json
run "one job per core" t0.txt experiment $small --repeats 5 --jobs 0
expect_same "jobs 1 and 2" t1.txt t2.txt
expect_same "jobs 1 and the cores" t1.txt t0.txt
run "1 job json" t1.json experiment $small --repeats 5 --jobs 1 --json
# (but for the fits' times)
sed 's/"seconds": [0-9.e+-]*//g' t1.json >t1.cut
sed 's/"seconds": [0-9.e+-]*//g' t3.txt >t3.cut
expect_same "jobs 1 and 3, JSON" t1.cut t3.cut

# ------------------------------------------------------------- resample

run "resample" rs.json experiment --repeats 2 --resample --json
run "plain, seed 0" s0.json experiment --json
run "plain, seed 1" s1.json experiment --json --seed 1 --split-seed 43
for k in roc_auc recall1; do
    want=$(by_hand "$(run_json s0.json 1:200 | metric $k)" "$(run_json s1.json 1:200 | metric $k)")
    close "resample: 1:200 $k" "$(run_json rs.json 1:200 | spread $k)" "$want"
done
expect_grep "resample: seeds in JSON" '"split_seeds": \[42, 43\], "data_seeds": \[0, 1\]' rs.json
run "resample text" rs.txt experiment --repeats 2 --resample
expect_grep "resample: seeds in text" '^Over 2 train/test splits \(split seeds 42 to 43, data seeds 0 to 1: new data each time\):$' rs.txt

# ---------------------------------------------------- a data file, --calibrate

wlr generate --samples 20000 --weights 0.95 --seed 5 >d.csv 2>err.txt || bad "generate: $(cat err.txt)"
run "file: plain" fp.txt experiment d.csv --class-weight none,1:20
run "file: R=2" f2.txt experiment d.csv --class-weight none,1:20 --repeats 2
head -n "$(wc -l <fp.txt)" f2.txt | cmp -s - fp.txt && ok ||
    bad "file: R=2 does not start with the plain experiment"
run "file: split seed 43" f43.json experiment d.csv --class-weight none,1:20 --split-seed 43 --json
run "file: R=2 json" f2.json experiment d.csv --class-weight none,1:20 --repeats 2 --json
run "file: plain json" fp.json experiment d.csv --class-weight none,1:20 --json
want=$(by_hand "$(run_json fp.json 1:20 | metric recall1)" "$(run_json f43.json 1:20 | metric recall1)")
close "file: recall over 2 splits" "$(run_json f2.json 1:20 | spread recall1)" "$want"
run "calibrated plain" cp.json experiment --calibrate prior --json
run "calibrated R=1" c1.json experiment --calibrate prior --repeats 1 --json
for r in balanced 1:200; do
    v=$(run_json cp.json "$r" | metric recall1)
    close "calibrated R=1: $r recall1" "$(run_json c1.json "$r" | spread recall1)" "$v null $v $v"
done

# ------------------------------------------------------------ refusals

expect_fail "repeats 0" '^wlr: --repeats: 0 is not in 1\.\.100000$' r.out -- experiment --repeats 0 -o r.out
expect_fail "repeats too many" '^wlr: --repeats: 100001 is not in 1\.\.100000$' r.out -- experiment --repeats 100001 -o r.out
expect_fail "repeats negative" '^wlr: --repeats: -2 is not in 1\.\.100000$' r.out -- experiment --repeats -2 -o r.out
expect_fail "repeats not a number" "^wlr: --repeats: 'x' is not a whole number" r.out -- experiment --repeats x -o r.out
expect_fail "resample alone" '^wlr: --resample needs --repeats R$' r.out -- experiment --resample -o r.out
expect_fail "jobs alone" '^wlr: --jobs needs --repeats R' r.out -- experiment --jobs 2 -o r.out
expect_fail "jobs 9" '^wlr: --jobs: 9 is more than 8$' r.out -- experiment --repeats 2 --jobs 9 -o r.out
expect_fail "jobs -1" "^wlr: --jobs: '-1' is not a whole number >= 0" r.out -- experiment --repeats 2 --jobs -1 -o r.out
expect_fail "split seeds past the last" '^wlr: --repeats: split seeds 4294967290 to 4294967299 go past 4294967295; give a smaller --split-seed$' r.out -- experiment --repeats 10 --split-seed 4294967290 -o r.out
expect_fail "data seeds past the last" '^wlr: --resample: data seeds 4294967295 to 4294967296 go past 4294967295; give a smaller --seed$' r.out -- experiment --repeats 2 --resample --seed 4294967295 -o r.out
expect_fail "resample a file" '^wlr: --resample draws new data from the generator; d\.csv is a file' r.out -- experiment d.csv --repeats 2 --resample -o r.out
# the last seed that fits is fine
run "last split seed" last.txt experiment --samples 4000 --weights 0.9 --repeats 2 --split-seed 4294967294
expect_grep "last split seed: shown" 'split seeds 4294967294 to 4294967295' last.txt
# a repeat that fails names its seeds, the earliest on any number of jobs,
# and leaves no output
for t in 1 3; do
    expect_fail "failing repeat, $t jobs" '^wlr: --repeats: repeat 12 \(split seed 13\): test split \(60 rows\): .*only class 0; try --stratify or a larger --test-size$' r.out -- \
        experiment --samples 300 --weights 0.98 --split-seed 2 --repeats 50 --jobs $t -o r.out
done
run "stratified, it runs" st.txt experiment --samples 300 --weights 0.98 --split-seed 2 --repeats 50 --stratify

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
