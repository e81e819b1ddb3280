#!/bin/sh
# scale.sh - time per epoch and peak memory of `wlr train --samples N` for
# N = 1e5, 1e6, 1e7, 2e7 and 1e8 generated rows (2 features), one process
# each.
#
# Usage: sh bench/scale.sh [BUILD] [MAX_ROWS]   (defaults: build, 100000000;
# 1e8 rows need about 4.2 GB of memory and a minute). Needs GNU time
# (/usr/bin/time -v) for the peak resident set size.
# Columns: rows generated, epochs run (5 for 1e8, to keep the run short),
# fit seconds per epoch (the training rows are 80 % of N; the fit's time
# includes its one final loss pass), row-visits per second and that as a
# share of the first line's (in-cache) rate, the whole process's wall
# time, its peak resident memory and that divided by the raw data, 17 bytes
# a row (two 8-byte features and a 1-byte label).
build=${1:-build}
max=${2:-100000000}
wlr=$build/wlr
[ -x "$wlr" ] || { echo "scale: $wlr not built (run make)"; exit 1; }
[ -x /usr/bin/time ] || { echo "scale: /usr/bin/time (GNU time) not installed: skipped"; exit 0; }
printf "%11s %6s %12s %14s %8s %9s %10s %8s\n" rows epochs "s/epoch" "visits/s" "in-cache" "wall s" "peak MiB" "x raw"
base=
for n in 100000 1000000 10000000 20000000 100000000; do
    [ "$n" -le "$max" ] || break
    epochs=50
    [ "$n" -ge 100000000 ] && epochs=5
    out=$("/usr/bin/time" -v "$wlr" train --samples "$n" --epochs "$epochs" --json 2>/tmp/wlr-scale.$$) ||
        { echo "scale: wlr train --samples $n failed"; cat /tmp/wlr-scale.$$; rm -f /tmp/wlr-scale.$$; exit 1; }
    secs=$(echo "$out" | sed -n 's/.*"seconds": \([0-9.e+-]*\).*/\1/p')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/wlr-scale.$$)
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' /tmp/wlr-scale.$$)
    rm -f /tmp/wlr-scale.$$
    line=$(echo "$n $epochs $secs $rss $wall $base" | awk '{
        split($5, t, ":"); wall = (length(t) == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2]
        train = int($1 - int($1 * 0.2 + 0.999999))
        rate = train * $2 / $3
        base = ($6 == "") ? rate : $6
        printf "%11d %6d %12.4f %14.3g %7.0f%% %9.2f %10.0f %8.2f %s\n", $1, $2, $3 / $2,
               rate, 100 * rate / base, wall, $4 / 1024, $4 * 1024 / (17 * $1), base }')
    base=${line##* }
    echo "${line% *}"
done
