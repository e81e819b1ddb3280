#!/bin/sh
# page.sh - the explorable page of `wlr experiment --plots DIR` in a real
# browser (make check-page; not part of make test, which needs nothing but
# a C compiler).
#
# Headless Chromium loads DIR/index.html at many URLs and dumps the DOM
# once the page has loaded; the numbers in the elements weight, weighting,
# threshold, recall1, precision1, f1_1 and roc_auc must be what the
# command line prints for the same weight and threshold:
#   - each of the experiment's weightings (none, balanced, 1:200) at
#     thresholds 0.5 (its own), 0.2, 0.05, 0.9 and 0.003: recall1, prec1
#     and f1_1 as `wlr experiment --threshold T` prints them (3 decimals),
#     and ROC AUC as its --json value rounded to 3 (printf, ties to even);
#   - weights between the grid's points (130: the grid's 150; 97:
#     balanced's 96.92; 0.3: the smallest, 1): the nearest point, and for
#     the grid's own fits the numbers of `wlr train --class-weight 1:W
#     --threshold T --json`, which fits the same model;
#   - no query, an empty one, and garbage (weight=abc, threshold=x): the
#     page opens at balanced and the experiment's threshold; numbers out of
#     range (weight -1 or 1e9, threshold 7 or -1) go to the nearest end;
#     0.1234 to 0.123; the link to the view is its URL;
#   - a second page, of an experiment at threshold 0.0123 (off the page's
#     0.001 grid, so added to it): each run there, with and without the
#     threshold in the query, against that experiment's table.
# And the page fetches nothing: no src=, no <link>, no http(s):// URL, no
# fetch or XMLHttpRequest.
#
# Usage: WLR=build/wlr sh tests/page.sh   (CHROMIUM=/path overrides
# /usr/bin/chromium). Without Chromium it says so and fails.
# Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if ! [ -x "$CHROMIUM" ]; then
    echo "FAIL page.sh needs Chromium at $CHROMIUM (Debian: apt-get install -y chromium, as root)"
    echo "0 passed, 1 failed"
    exit 1
fi

"$WLR" experiment --plots pics >exp.txt 2>err.txt || bad "experiment --plots: $(cat err.txt)"
"$WLR" experiment --json >exp.json 2>err.txt || bad "experiment --json: $(cat err.txt)"
PAGE="file://$T/pics/index.html"

# Every URL is loaded first, two browsers at a time (one page takes about
# 2.5 s, most of it the browser's start): the list of queries in urls.txt,
# each dumped to dom.N.html (N its line), then checked.
: >urls.txt
want_url() {  # want_url QUERY: prints the N its dump will have
    printf '%s\n' "$1" >>urls.txt
    wc -l <urls.txt | tr -d ' '
}
dump_all() {
    awk '{ print NR " " $0 }' urls.txt | while read -r n q; do printf '%s\n%s\n' "$n" "$q"; done |
        xargs -d '\n' -n 2 -P 2 sh -c '
            "$1" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
                --disable-background-networking --disable-component-update --disable-sync \
                --user-data-dir="$(mktemp -d "$2/profile.XXXXXX")" \
                --dump-dom "$3$5" >"$2/dom.$4.html" 2>"$2/chromium.$4.txt"' \
            dump "$CHROMIUM" "$T" "$PAGE"
}

# field N ID: the text of the element with that id in dom.N.html.
field() {
    grep -o "id=\"$2\"[^>]*>[^<]*" "dom.$1.html" 2>/dev/null | head -n 1 | sed 's/.*>//'
}

# expect_page NAME N WEIGHTING WEIGHT THRESHOLD RECALL PREC F1 AUC: the
# page in dom.N.html shows exactly these.
expect_page() {
    name=$1 n=$2
    shift 2
    got="$(field "$n" weighting) $(field "$n" weight) $(field "$n" threshold) $(field "$n" recall1) $(field "$n" precision1) $(field "$n" f1_1) $(field "$n" roc_auc)"
    want="$*"
    if [ "$got" = "$want" ]; then ok; else bad "$name: page shows '$got', expected '$want'"; fi
}

# Each run of the experiment: its name, c1/c0 (exact, and as the page
# labels it), and ROC AUC to 3 decimals as printf rounds the exact value,
# from the JSON.
awk '{
    n = split($0, part, /\{"name": "/)
    for (i = 2; i <= n; i++) {
        p = part[i]
        name = substr(p, 1, index(p, "\"") - 1)
        match(p, /"class_weights": \[[^]]*\]/)
        split(substr(p, RSTART + 18, RLENGTH - 19), c, ", ")
        match(p, /"roc_auc": [^,}]*/)
        printf "%s %.17g %.4g %.3f\n", name, c[2] / c[1], c[2] / c[1], substr(p, RSTART + 11, RLENGTH - 11) + 0
    }
}' exp.json >runs.txt
[ "$(wc -l <runs.txt)" -eq 3 ] && ok || bad "three runs expected in the JSON: $(cat runs.txt)"

# train_numbers W T: recall1 prec1 f1_1 roc_auc of `wlr train --class-weight
# 1:W --threshold T`, from its JSON, rounded as printf rounds.
train_numbers() {
    "$WLR" train --class-weight "1:$1" --threshold "$2" --json >train.json 2>err.txt ||
        bad "train 1:$1: $(cat err.txt)"
    awk '{
        t = substr($0, index($0, "\"test\": "))
        match(t, /"precision": \[[^]]*\]/); split(substr(t, RSTART + 14, RLENGTH - 15), p, ", ")
        match(t, /"recall": \[[^]]*\]/); split(substr(t, RSTART + 11, RLENGTH - 12), r, ", ")
        match(t, /"f1": \[[^]]*\]/); split(substr(t, RSTART + 7, RLENGTH - 8), f, ", ")
        match(t, /"roc_auc": [^,}]*/); a = substr(t, RSTART + 11, RLENGTH - 11)
        printf "%.3f %.3f %.3f %.3f\n", r[2] + 0, p[2] + 0, f[2] + 0, a + 0
    }' train.json
}

# ---- what to load, and what each must show (checks.txt: N NAME | WANT)
: >checks.txt
expect() {  # expect QUERY NAME WANT...
    n=$(want_url "$1")
    name=$2
    shift 2
    printf '%s\t%s\t%s\n' "$n" "$name" "$*" >>checks.txt
}

# the experiment's runs, at its threshold and four others: the table of
# `wlr experiment --threshold T` (the same fits: training does not read T)
for t in 0.5 0.2 0.05 0.9 0.003; do
    "$WLR" experiment --threshold "$t" >table.txt 2>err.txt || bad "experiment --threshold $t: $(cat err.txt)"
    while read -r run w label auc; do
        row=$(awk -v r="$run" '$1 == r && NF >= 11 { print $4, $5, $6; exit }' table.txt)
        [ -n "$row" ] || { bad "no row for $run in the table at $t"; continue; }
        expect "?weight=$w&threshold=$t" "$run at $t" "$run" "$label" "$t" $row "$auc"
    done <runs.txt
done
[ "$(grep -c . checks.txt)" -eq 15 ] && ok || bad "15 runs and thresholds expected: $(cat checks.txt)"

# weights between the grid's points: the nearest; the grid's own fits are
# train's (130 is nearer 150 than 100 in ratio)
for t in 0.5 0.1; do
    expect "?weight=130&threshold=$t" "weight 130 (grid 150) at $t" 1:150 150 "$t" $(train_numbers 150 "$t")
done
expect "?weight=33&threshold=0.02" "weight 33 (on the grid) at 0.02" 1:33 33 0.02 $(train_numbers 33 0.02)
set -- $(awk '$1 == "balanced"' runs.txt)
bal_label=$3 bal_auc=$4
none_auc=$(awk '$1 == "none" { print $4 }' runs.txt)
"$WLR" experiment --threshold 0.5 >table.txt
bal_row=$(awk '$1 == "balanced" && NF >= 11 { print $4, $5, $6; exit }' table.txt)
none_row=$(awk '$1 == "none" && NF >= 11 { print $4, $5, $6; exit }' table.txt)
expect "?weight=97&threshold=0.5" "weight 97 (balanced's)" balanced "$bal_label" 0.5 $bal_row "$bal_auc"
expect "?weight=0.3&threshold=0.5" "weight 0.3 (the smallest, none)" none 1 0.5 $none_row "$none_auc"
# no query, or garbage: balanced at the experiment's threshold
for q in "" "?" "?weight=abc&threshold=x" "?weight=&threshold=" "?foo=1"; do
    expect "$q" "query '$q'" balanced "$bal_label" 0.5 $bal_row "$bal_auc"
done
# the experiment's threshold off the 0.001 grid (0.0123) is on the page's:
# a second page, opened without a query and at each run
"$WLR" experiment --plots pics2 --threshold 0.0123 >exp2.txt 2>err.txt ||
    bad "experiment --plots --threshold 0.0123: $(cat err.txt)"
: >urls2.txt
while read -r run w label auc; do
    row=$(awk -v r="$run" '$1 == r && NF >= 11 { print $4, $5, $6; exit }' exp2.txt)
    for q in "?weight=$w&threshold=0.0123" "?weight=$w"; do
        printf '%s\t%s\n' "$q" "$run $label 0.0123 $row $auc" >>urls2.txt
    done
done <runs.txt
n_between=$(want_url "?weight=97&threshold=0.1234")
n_low=$(want_url "?weight=-1&threshold=7")
n_high=$(want_url "?weight=1e9&threshold=-1")
n_link=$(want_url "?weight=200&threshold=0.05")

dump_all
# the second page's, one at a time
k=0
while IFS="$(printf '\t')" read -r q want; do
    k=$((k + 1))
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" \
        --dump-dom "file://$T/pics2/index.html$q" >"dom.t$k.html" 2>/dev/null
    # shellcheck disable=SC2086
    expect_page "threshold 0.0123, $q" "t$k" $want
done <urls2.txt
for n in $(seq "$(wc -l <urls.txt)"); do
    [ -s "dom.$n.html" ] || bad "chromium wrote no DOM for $(sed -n "${n}p" urls.txt): $(tail -n 2 "chromium.$n.txt")"
done
while IFS="$(printf '\t')" read -r n name want; do
    # shellcheck disable=SC2086
    expect_page "$name" "$n" $want
done <checks.txt
# a threshold between the grid's: the nearest, 0.123
[ "$(field "$n_between" threshold)" = 0.123 ] && ok ||
    bad "threshold 0.1234: shows $(field "$n_between" threshold), not 0.123"
# numbers out of range: the nearest end
[ "$(field "$n_low" weighting) $(field "$n_low" threshold)" = "none 1" ] && ok ||
    bad "weight -1, threshold 7: $(field "$n_low" weighting) at $(field "$n_low" threshold), not none at 1"
[ "$(field "$n_high" weight) $(field "$n_high" threshold)" = "1000 0" ] && ok ||
    bad "weight 1e9, threshold -1: $(field "$n_high" weight) at $(field "$n_high" threshold), not 1000 at 0"
# the view's own link says where it is
grep -q 'id="link" href="?weight=200&amp;threshold=0.05"' "dom.$n_link.html" && ok ||
    bad "link: $(grep -o 'id="link"[^>]*' "dom.$n_link.html")"

# ------------------------------------------------- nothing from outside
# (the SVG namespace is a name, not an address that is fetched)
if grep -Eiq 'src=|<link|fetch\(|XMLHttpRequest|@import' pics/index.html ||
   grep -Eq '[^A-Za-z]url\([^#]' pics/index.html; then
    bad "index.html loads something: $(grep -Eo '.{20}(src=|<link|fetch\(|XMLHttpRequest|@import|url\([^#]).{20}' pics/index.html | head -n 3)"
else ok; fi
urls=$(grep -Eo 'https?://[^"'"'"' )<]*' pics/index.html | grep -vx 'http://www.w3.org/2000/svg' | sort -u)
[ -z "$urls" ] && ok || bad "index.html names addresses: $urls"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
