#!/bin/sh
# stream.sh - `wlr train --stream` against in-memory `wlr train` on the same
# .npy file: time per epoch and peak resident memory, for 1e7 and 1e8
# generated rows (2 features), and then both again under an address-space
# limit (ulimit -v) smaller than the file, which only --stream survives.
#
# Usage: sh bench/stream.sh [BUILD] [MAX_ROWS] [DIR]   (defaults: build,
# 100000000, /tmp). The 1e8 files take 2.4 GB of DIR (X 1.6 GB as float64,
# y 0.8 GB as int64) and the in-memory run 1.9 GB of memory. Needs GNU time
# (/usr/bin/time) for the peak resident set size.
#
# Columns: how the file was trained on, rows trained on (in memory: the 80 %
# training split; --stream: every row), epochs, fit seconds per epoch (in
# memory: the fit alone, loading and splitting are outside it; --stream:
# the whole run, set-up pass, reads and final loss pass included, divided
# by the epochs), the process's wall time and CPU time (user + system: on a
# busy machine the wall time waits for the cores, the CPU time does not),
# its peak resident memory. The files sit in the page cache (the machine
# has the memory), so reads cost a copy and a transpose, not a disk.
build=${1:-build}
max=${2:-100000000}
dir=${3:-/tmp}
wlr=$build/wlr
[ -x "$wlr" ] || { echo "stream: $wlr not built (run make)"; exit 1; }
[ -x /usr/bin/time ] || { echo "stream: /usr/bin/time (GNU time) not installed: skipped"; exit 0; }
tmp=$dir/wlr-stream-bench.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT

# run LABEL ROWS_TRAINED EPOCHS LIMIT_KB ARGS...: one wlr train, one line.
run() {
    label=$1 rows=$2 epochs=$3 limit=$4
    shift 4
    (
        [ "$limit" = none ] || ulimit -v "$limit"
        /usr/bin/time -f "%M %e %U %S" -o "$tmp/time" "$wlr" train "$@" --epochs "$epochs" \
            >"$tmp/out" 2>"$tmp/err"
    )
    rc=$?
    if [ $rc -ne 0 ]; then
        printf "%-22s %11s %6s   failed: %s\n" "$label" "$rows" "$epochs" \
            "$(grep '^wlr: ' "$tmp/err" | head -n 1)"
        return
    fi
    # in memory: "fit took S s"; --stream: "fit took S s (R s waiting for reads)"
    fit=$(sed -n 's/^wlr: fit took \([0-9.]*\) s.*/\1/p' "$tmp/err")
    read -r rss wall user sys <"$tmp/time"
    echo "$label $rows $epochs $fit $wall $user $sys $rss" | awk '{
        printf "%-22s %11d %6d %10.3f %8.1f %8.1f %9.0f\n", $1, $2, $3, $4 / $3, $5,
               $6 + $7, $8 / 1024 }'
}

printf "%-22s %11s %6s %10s %8s %8s %9s\n" "" "rows" epochs "s/epoch" "wall s" "cpu s" "peak MiB"
for n in 10000000 100000000; do
    [ "$n" -le "$max" ] || break
    epochs=5
    [ "$n" -ge 100000000 ] && epochs=2
    "$wlr" generate --format npy -o "$tmp/d" --samples "$n" ||
        { echo "stream: generate $n failed"; exit 1; }
    train=$((n - (n + 4) / 5))
    d="$tmp/d.X.npy --labels $tmp/d.y.npy"
    run "in-memory" "$train" "$epochs" none $d
    run "--stream" "$n" "$epochs" none --stream $d
    run "--stream--window=1e6" "$n" "$epochs" none --stream $d --window 1000000
    if [ "$n" -ge 100000000 ]; then
        # 1 GB of address space: less than X alone (1.6 GB)
        run "in-memory,ulimit1GB" "$train" "$epochs" 1048576 $d
        run "--stream,ulimit1GB" "$n" "$epochs" 1048576 --stream $d
    fi
    rm -f "$tmp"/d.*
done
