#!/bin/sh
# stepsize.sh - what gradient descent's step-size rule buys (train.c, "THE
# STEP SIZE"): the gap to the exact optimum, (loss - optimum) / optimum,
# with today's rule lr0 = lr / k, k = max(4 cbar q (1 - q), c_max / B),
# against the rule of wlr 0.2, lr0 = lr / cbar, on generated rare-event data
# from 2 % to 0.01 % class 1 (--flip-y 0, so that the shares are these; the
# default flips 1 % of the labels at random, which leaves 0.5 % class 1 at
# least) and the three weightings of the experiment.
# The old rule is had through --lr: lr' = lr k / cbar gives lr' / k = lr /
# cbar. Default options otherwise (batch 100, sgd, lr 0.5, standardised).
# Usage: sh bench/stepsize.sh BUILD_DIR [SAMPLES [WEIGHTS]]
#   SAMPLES rows generated (100000), WEIGHTS the class-0 shares
#   ("0.98 0.99 0.995 0.999 0.9999"; a test split needs class-1 rows)
build=${1:-build}
samples=${2:-100000}
shares=${3:-0.98 0.99 0.995 0.999 0.9999}
wlr="$build/wlr"
[ -x "$wlr" ] || { echo "stepsize.sh: no $wlr; run make first" >&2; exit 1; }
field() { sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p"; }
pair() { sed -n "s/.*\"$1\": \[\([^]]*\)\].*/\1/p"; }

printf '%-8s %-9s %10s %10s %12s %12s\n' "class 1" weighting k cbar "gap, lr/k" "gap, lr/cbar"
for w in $shares; do
    for cw in none balanced 1:200; do
        set -- --samples "$samples" --weights "$w" --flip-y 0 --class-weight "$cw" --json
        new=$("$wlr" train "$@") || exit 1
        counts=$(printf '%s' "$new" | pair train_counts)
        weights=$(printf '%s' "$new" | pair class_weights)
        # k and cbar from the counts and the weights (every s_i = 1)
        kc=$(echo "$counts,$weights" | awk -F, '{ n0 = $1; n1 = $2; c0 = $3; c1 = $4
            W = c0 * n0 + c1 * n1; cbar = W / (n0 + n1); q = c1 * n1 / W
            cmax = c0 > c1 ? c0 : c1; k = 4 * cbar * q * (1 - q)
            if (cmax / 100 > k) k = cmax / 100
            printf "%.17g %.17g", k, cbar }')
        k=${kc% *}; cbar=${kc#* }
        lr_old=$(awk -v k="$k" -v c="$cbar" 'BEGIN { printf "%.17g", 0.5 * k / c }')
        old=$("$wlr" train "$@" --lr "$lr_old") || exit 1
        printf '%-8s %-9s %10.4g %10.4g %12.2g %12.2g\n' "$(awk -v w="$w" 'BEGIN { printf "%g %%", 100 * (1 - w) }')" \
            "$cw" "$k" "$cbar" "$(printf '%s' "$new" | field gap)" "$(printf '%s' "$old" | field gap)"
    done
done
