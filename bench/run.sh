#!/bin/sh
# Runs every benchmark program in BUILD/bench in turn.
build=${1:-build}
for b in "$build"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $b"
    "$b" || exit 1
done
