#!/bin/sh
# cli_files.sh - wlr never loses a user's file.
#
#   1. Refused before any work, exit 1, one "wlr: " line naming both files,
#      and every file in the directory byte-identical afterwards (cmp against
#      a copy made before; links still the same links; nothing added): an
#      output that is an input - given as the same path, as ./path, as a hard
#      link and as a symbolic link to it - for every command and every option
#      that writes and reads; an output that is another output (./s vs s, hard
#      and symbolic links, a dangling link to the other's name); --plots DIR
#      that is a file, or whose files are inputs or -o.
#   2. Written through, for every command's output option: a chain of links,
#      a relative link in another directory, a dangling link (creates its
#      target); the target gets what a plain file would, the links stay.
#   3. Written where they are, never replaced: /dev/null, a named pipe with a
#      reader, /dev/stdout when standard output is a pipe, and /dev/stdout
#      when it is a regular file (the file gets it, /dev/stdout stays a link).
#   4. --output=FILE; --plots DIR made with its parents (mkdir -p).
#   5. A user without write permission on the output's directory: a clear
#      error, exit 1, no file left behind, the inputs untouched.
#
# Run as root (CI), the device cases of 3 and the cases of 5 run as user
# 65534 (setpriv): a regression then fails the test instead of replacing the
# machine's /dev/null or /dev/stdout.
#
# Usage: WLR=build/wlr sh tests/cli_files.sh   Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"

# the user's files live in W; everything the test itself writes goes in T
W="$T/w"
mkdir "$W" && cd "$W" || exit 1
wlr() { $WLR_RUNNER "$WLR" "$@" </dev/null; }

wlr generate --samples 300 --weights 0.8 --seed 5 -o d.csv 2>/dev/null || bad "setup: d.csv"
wlr generate --samples 200 --weights 0.8 --seed 6 --format npy -o n 2>/dev/null || bad "setup: n"
wlr generate --samples 100 --weights 0.8 --seed 7 --format npy -o t 2>/dev/null || bad "setup: t"
wlr train d.csv --epochs 2 --save m.model >/dev/null 2>&1 || bad "setup: m.model"
awk 'BEGIN { print "y,score"; for (i = 0; i < 60; i++) printf "%d,%.3f\n", i % 5 == 0, (i * 37 % 61) / 61 }' >s.csv
# every input also as a hard link and as a symbolic link to it
for f in d.csv n.X.npy n.y.npy t.X.npy t.y.npy m.model s.csv; do
    ln "$f" "hard_$f" && ln -s "$f" "sym_$f" || bad "setup: links to $f"
done
echo "existing" >e.txt
ln e.txt he.txt
ln -s e.txt se.txt
ln -s nf.txt dl            # dangling: nf.txt does not exist
mkdir sub pd
cp d.csv index.html        # a CSV data file named like a --plots output
mkdir pl && ln -s ../d.csv pl/roc.svg
chmod -R a+rX "$T"

# ------------------------------------------------------------- helpers

# unchanged NAME: the files in W are those of the copy in $T/snap, each
# byte-identical (cmp) and each link the same link. Returns 1 (after bad) if
# not.
unchanged() {
    now=$(cd "$W" && find . | LC_ALL=C sort)
    then_=$(cd "$T/snap" && find . | LC_ALL=C sort)
    if [ "$now" != "$then_" ]; then
        bad "$1: files added or removed: $(printf '%s\n' "$now" >"$T/a"; printf '%s\n' "$then_" >"$T/b"; diff "$T/b" "$T/a" | grep '^[<>]' | tr '\n' ' ')"
        return 1
    fi
    for f in $now; do
        if [ -L "$W/$f" ]; then
            [ "$(readlink "$W/$f")" = "$(readlink "$T/snap/$f")" ] ||
                { bad "$1: link $f changed"; return 1; }
        elif [ -f "$W/$f" ]; then
            cmp -s "$W/$f" "$T/snap/$f" || { bad "$1: $f changed"; return 1; }
        fi
    done
    return 0
}

# snapshot: W copied to $T/snap (a copy of a read-only directory is
# read-only: made writable before it is removed)
snapshot() {
    [ -d "$T/snap" ] && chmod -R u+w "$T/snap"
    rm -rf "$T/snap" && cp -a "$W" "$T/snap"
}

# refused NAME MESSAGE ARGS...: wlr ARGS exits 1 (not by a signal), prints
# nothing on stdout and one stderr line "wlr: MESSAGE..." (MESSAGE taken
# literally), and leaves every file in W as it was.
refused() {
    rname=$1 message=$2
    shift 2
    snapshot
    wlr "$@" >"$T/out.txt" 2>"$T/err.txt"
    rc=$?
    if [ $rc -ne 1 ]; then bad "$rname: exit $rc, not 1: $(cat "$T/err.txt")"; return; fi
    if [ -s "$T/out.txt" ]; then bad "$rname: wrote to stdout: $(head -c 200 "$T/out.txt")"; return; fi
    if [ "$(wc -l <"$T/err.txt")" -ne 1 ] || ! grep -qF -- "wlr: $message" "$T/err.txt"; then
        bad "$rname: stderr '$(cat "$T/err.txt")' is not 'wlr: $message...'"; return
    fi
    unchanged "$rname" && ok
}

# with_out OUT ARGS...: sets ARGS_OUT to ARGS with "@" (a whole argument or
# the end of --opt=@) replaced by OUT, as one string (no argument holds a
# space).
with_out() {
    out=$1
    shift
    ARGS_OUT=
    for arg do
        case $arg in
            @) arg=$out ;;
            *=@) arg="${arg%@}$out" ;;
        esac
        ARGS_OUT="$ARGS_OUT $arg"
    done
}

# ------------------------------------------- 1. outputs that are inputs

# Each line: name | output option | input's name | input | arguments, "@"
# where the output goes. Each runs four times, the output given as the
# input's path, as ./path, as a hard link and as a symbolic link to it.
while IFS='|' read -r name opt label input args; do
    for form in "$input" "./$input" "hard_$input" "sym_$input"; do
        with_out "$form" $args
        set -f
        # shellcheck disable=SC2086
        refused "$name ($form)" "$opt: $form is also $label $input (they name the same file)" $ARGS_OUT
        set +f
    done
done <<'EOF'
train -o|-o|DATA|d.csv|train d.csv --epochs 2 -o @
train --output=|-o|DATA|d.csv|train d.csv --epochs 2 --output=@
train --save|--save|DATA|d.csv|train d.csv --epochs 2 --save @
train --save=|--save|DATA|d.csv|train d.csv --epochs 2 --save=@
train over --labels|-o|--labels|n.y.npy|train n.X.npy --labels n.y.npy --epochs 2 -o @
train over X.npy|--save|DATA|n.X.npy|train n.X.npy --labels n.y.npy --epochs 2 --save @
stream --save over --stream|--save|--stream|n.X.npy|train --stream n.X.npy --labels n.y.npy --save @
stream -o over --labels|-o|--labels|n.y.npy|train --stream n.X.npy --labels n.y.npy -o @
stream -o over --test|-o|--test|t.X.npy|train --stream n.X.npy --labels n.y.npy --test t.X.npy --test-labels t.y.npy -o @
stream --save over --test-labels|--save|--test-labels|t.y.npy|train --stream n.X.npy --labels n.y.npy --test t.X.npy --test-labels t.y.npy --save @
split --train-out|--train-out|DATA|d.csv|split d.csv --train-out @ --test-out te.csv
split --test-out|--test-out|DATA|d.csv|split d.csv --train-out tr.csv --test-out @
split over --labels|--test-out|--labels|n.y.npy|split n.X.npy --labels n.y.npy --train-out tr.csv --test-out @
predict over DATA|-o|DATA|d.csv|predict --model m.model d.csv -o @
predict over --model|-o|--model|m.model|predict --model m.model d.csv -o @
predict over --labels|-o|--labels|n.y.npy|predict --model m.model n.X.npy --labels n.y.npy -o @
report|-o|FILE|s.csv|report s.csv -o @
explain|-o|DATA|d.csv|explain d.csv --epochs 2 -o @
experiment -o|-o|DATA|d.csv|experiment d.csv --epochs 2 -o @
EOF

# the directory of --plots and the files it would get
refused "plots over DATA's name" "--plots: ./index.html is also DATA index.html (they name the same file)" \
    experiment index.html --epochs 2 --plots .
refused "plots dir holding a link to DATA" "--plots: pl/roc.svg is also DATA d.csv (they name the same file)" \
    experiment d.csv --epochs 2 --plots pl
refused "plots is a file" "--plots: d.csv exists and is not a directory" \
    experiment d.csv --epochs 2 --plots d.csv
refused "plots under a file" "--plots: d.csv exists and is not a directory" \
    experiment d.csv --epochs 2 --plots d.csv/pics
refused "plots is /dev/null" "--plots: /dev/null exists and is not a directory" \
    experiment d.csv --epochs 2 --plots /dev/null
ln -s nowhere dlp
refused "plots is a dangling link" "--plots: dlp is a symbolic link to nothing" \
    experiment d.csv --epochs 2 --plots dlp
refused "plots under a dangling link" "--plots: dlp is a symbolic link to nothing" \
    experiment d.csv --epochs 2 --plots dlp/pics
rm dlp
refused "plots= empty" "--plots: needs a directory name" experiment d.csv --plots=

# ------------------------------------------ 1. outputs that are outputs

refused "train ./s and s" "--save: ./s.txt is also -o s.txt (they name the same file)" \
    train d.csv --epochs 2 --save ./s.txt -o s.txt
refused "train sub/../s and s" "--save: sub/../s.txt is also -o s.txt (they name the same file)" \
    train d.csv --epochs 2 --save sub/../s.txt -o s.txt
refused "train hard link" "--save: he.txt is also -o e.txt (they name the same file)" \
    train d.csv --epochs 2 --save he.txt -o e.txt
refused "train symlink" "--save: se.txt is also -o e.txt (they name the same file)" \
    train d.csv --epochs 2 --save se.txt -o e.txt
refused "train dangling link" "--save: dl is also -o nf.txt (they name the same file)" \
    train d.csv --epochs 2 --save dl -o nf.txt
refused "train --output= and --save=" "--save: ./s.txt is also -o s.txt (they name the same file)" \
    train d.csv --epochs 2 --output=s.txt --save=./s.txt
refused "stream --save and -o" "--save: ./m2 is also -o m2 (they name the same file)" \
    train --stream n.X.npy --labels n.y.npy --save ./m2 -o m2
refused "split ./a and a" "--test-out: ./a.csv is also --train-out a.csv (they name the same file)" \
    split d.csv --train-out a.csv --test-out ./a.csv
refused "split symlink" "--test-out: se.txt is also --train-out e.txt (they name the same file)" \
    split d.csv --train-out e.txt --test-out se.txt
refused "weights -o and --plot" "--plot: ./w.svg is also -o w.svg (they name the same file)" \
    weights -o w.svg --plot ./w.svg
refused "weights hard link" "--plot: he.txt is also -o e.txt (they name the same file)" \
    weights -o e.txt --plot he.txt
refused "experiment -o in --plots" "--plots: pd/roc.svg is also -o pd/roc.svg (they name the same file)" \
    experiment d.csv --epochs 2 --plots pd -o pd/roc.svg
refused "experiment -o in a new --plots" "--plots: new/pics/index.html is also -o new/./pics/index.html (they name the same file)" \
    experiment d.csv --epochs 2 --plots new/pics -o new/./pics/index.html
refused "experiment -o in --plots through .." "--plots: new2/../pics2/roc.svg is also -o pics2/roc.svg (they name the same file)" \
    experiment d.csv --epochs 2 --plots new2/../pics2 -o pics2/roc.svg
refused "experiment -o in --plots -" "--plots: -/roc.svg is also -o ./-/roc.svg (they name the same file)" \
    experiment d.csv --epochs 2 --plots - -o ./-/roc.svg
ln -s gl.y.npy gl.X.npy
refused "generate npy pair, linked" "-o: gl.y.npy is also -o gl.X.npy (they name the same file)" \
    generate --samples 50 --format npy -o gl
rm gl.X.npy
# devices take any number of outputs
wlr train d.csv --epochs 2 --save /dev/null -o /dev/null 2>"$T/err.txt" && ok ||
    bad "train: /dev/null twice: $(cat "$T/err.txt")"

# ------------------------------------------------ 2 and 3. the writers

# Each line: name | arguments, "@" where the output goes. Other outputs go to
# /dev/null, so that the output under test is the only file written.
cat >"$T/writers" <<'EOF'
generate|generate --samples 50 --seed 3 -o @
weights -o|weights --samples 100 -o @
weights --plot|weights --samples 100 --plot @ -o /dev/null
train -o|train d.csv --epochs 2 -o @
train --save|train d.csv --epochs 2 --save @ -o /dev/null
stream --save|train --stream n.X.npy --labels n.y.npy --epochs 2 --save @ -o /dev/null
split --train-out|split d.csv --train-out @ --test-out /dev/null
split --test-out|split d.csv --train-out /dev/null --test-out @
predict|predict --model m.model d.csv -o @
report|report s.csv -o @
explain|explain d.csv --epochs 2 -o @
experiment|experiment d.csv --epochs 2 -o @
EOF

# run_writer OUT ARGS...: runs the writer with "@" as OUT, stderr to $T/err.txt
run_writer() {
    with_out "$@"
    set -f
    # shellcheck disable=SC2086
    wlr $ARGS_OUT 2>"$T/err.txt"
    rc=$?
    set +f
    return $rc
}

# As root the device cases run as user 65534; AS_USER is empty otherwise,
# "none" when root cannot drop its privileges.
AS_USER=
if [ "$(id -u)" = 0 ]; then
    AS_USER=none
    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
        AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
device_runner=$AS_USER
[ "$device_runner" = none ] && device_runner=
# run_device OUT ARGS...: run_writer as that user
run_device() {
    saved_runner=$WLR_RUNNER
    WLR_RUNNER="$device_runner $WLR_RUNNER"
    run_writer "$@"
    rc=$?
    WLR_RUNNER=$saved_runner
    return $rc
}
# where that user's /dev/stdout goes: the file is the shell's, and replacing
# it needs write permission on the directory (not sticky)
mkdir "$T/pub" && chmod 777 "$T/pub"
stdout_link=$(readlink /dev/stdout)

k=0
while IFS='|' read -r name args; do
    k=$((k + 1))
    ref="$T/ref$k"
    run_writer "$ref" $args || { bad "$name: plain run: $(cat "$T/err.txt")"; continue; }

    # a chain of links: lk2 -> lk1 -> tgt$k
    ln -s "tgt$k" lk1 && ln -s lk1 lk2
    if run_writer lk2 $args && cmp -s "tgt$k" "$ref" &&
       [ "$(readlink lk2)" = lk1 ] && [ "$(readlink lk1)" = "tgt$k" ]; then ok
    else bad "$name: through lk2 -> lk1 -> tgt$k: $(cat "$T/err.txt")"; fi
    # a relative link in another directory: sub/l -> ../rel$k
    ln -s "../rel$k" sub/l
    if run_writer sub/l $args && cmp -s "rel$k" "$ref" && [ "$(readlink sub/l)" = "../rel$k" ]; then ok
    else bad "$name: through sub/l -> ../rel$k: $(cat "$T/err.txt")"; fi
    # a dangling link creates its target
    ln -s "made$k" dang
    if run_writer dang $args && cmp -s "made$k" "$ref" && [ "$(readlink dang)" = "made$k" ]; then ok
    else bad "$name: through a dangling link: $(cat "$T/err.txt")"; fi
    rm -f lk1 lk2 sub/l dang "tgt$k" "rel$k" "made$k"

    # a named pipe, read by cat in the background
    mkfifo "$T/fifo"
    cat "$T/fifo" >"$T/fifo_got" &
    reader=$!
    if run_writer "$T/fifo" $args; then
        wait $reader
        if cmp -s "$T/fifo_got" "$ref" && [ -p "$T/fifo" ]; then ok
        else bad "$name: through a named pipe: got $(wc -c <"$T/fifo_got") bytes"; fi
    else
        kill $reader 2>/dev/null
        wait $reader
        bad "$name: into a named pipe: $(cat "$T/err.txt")"
    fi
    rm -f "$T/fifo" "$T/fifo_got"

    # /dev/null
    run_device /dev/null $args
    rc=$?
    if [ $rc -eq 0 ] && [ -c /dev/null ] && [ ! -s /dev/null ]; then ok
    else bad "$name: -o /dev/null: exit $rc, $(ls -l /dev/null) $(cat "$T/err.txt")"; fi

    # /dev/stdout to a pipe: the output reaches the pipe
    { run_device /dev/stdout $args; echo $? >"$T/rc"; } |
        cat >"$T/pub/piped"
    if [ "$(cat "$T/rc")" = 0 ] && cmp -s "$T/pub/piped" "$ref" && [ -L /dev/stdout ] &&
       [ "$(readlink /dev/stdout)" = "$stdout_link" ]; then ok
    else bad "$name: /dev/stdout to a pipe: exit $(cat "$T/rc"), $(ls -l /dev/stdout) $(cat "$T/err.txt")"; fi
    # /dev/stdout to a regular file: the file gets it, written through
    run_device /dev/stdout $args >"$T/pub/file"
    rc=$?
    if [ $rc -eq 0 ] && cmp -s "$T/pub/file" "$ref" && [ -L /dev/stdout ] &&
       [ "$(readlink /dev/stdout)" = "$stdout_link" ]; then ok
    else bad "$name: /dev/stdout to a file: exit $rc, $(ls -l /dev/stdout) $(cat "$T/err.txt")"; fi
    rm -f "$T/pub/piped" "$T/pub/file"
done <"$T/writers"
if ls /dev/ | grep -q '\.tmp\.'; then bad "a temporary in /dev: $(ls /dev | grep '\.tmp\.')"; else ok; fi

# ---------------------------------------------------- 4. --output=, --plots

wlr weights --samples 100 --output=wo.csv && wlr weights --samples 100 -o wo2.csv &&
    cmp -s wo.csv wo2.csv && ok || bad "--output=FILE"
rm -f wo.csv wo2.csv
expect_fail "--output= empty" "--output: needs a file name" "" -- weights --output=
if wlr experiment d.csv --epochs 2 --plots deep/er/pics >/dev/null 2>"$T/err.txt"; then
    missing=
    for f in roc.svg pr.svg boundary.svg loss.svg gradient_share.svg index.html; do
        [ -s "deep/er/pics/$f" ] || missing="$missing $f"
    done
    [ -z "$missing" ] && ok || bad "--plots deep/er/pics: missing$missing"
else bad "--plots deep/er/pics (mkdir -p): $(cat "$T/err.txt")"; fi
# a dangling link in the directory: its target gets the picture
ln -s ../roc_target.svg pd/roc.svg
if wlr experiment d.csv --epochs 2 --plots pd >/dev/null 2>"$T/err.txt" &&
   grep -q '<svg' roc_target.svg && [ -L pd/roc.svg ]; then ok
else bad "--plots through a link: $(cat "$T/err.txt")"; fi
rm -rf deep pd/* roc_target.svg

# ------------------------------------- 5. no write permission on the directory

# ro: a directory the user running wlr cannot write to, holding the inputs
mkdir ro && cp d.csv s.csv m.model n.X.npy n.y.npy ro/ && chmod -R a+rX ro
runner=
case $AS_USER in
    none) runner=none ;;
    "") chmod 555 ro; touch ro/.probe 2>/dev/null && { rm -f ro/.probe; runner=none; } ;;
    *) runner=$AS_USER ;;
esac
if [ "$runner" = none ]; then
    echo "cannot run without write permission here: the permission cases are not run (not counted)"
else
    k=0
    while IFS='|' read -r name args; do
        k=$((k + 1))
        # the inputs from ro/, the output into ro/
        snapshot
        with_out "ro/out$k" $args
        ARGS_OUT=$(printf '%s\n' "$ARGS_OUT" | sed 's# \(d\.csv\|s\.csv\|m\.model\|n\.[Xy]\.npy\)# ro/\1#g')
        set -f
        # shellcheck disable=SC2086
        $runner $WLR_RUNNER "$WLR" $ARGS_OUT </dev/null >"$T/out.txt" 2>"$T/err.txt"
        rc=$?
        set +f
        if [ $rc -ne 1 ]; then bad "$name, no permission: exit $rc: $(cat "$T/err.txt")"
        elif ! grep -qF "wlr: ro/out$k: cannot create a temporary file beside it (Permission denied)" "$T/err.txt"; then
            bad "$name, no permission: stderr '$(cat "$T/err.txt")'"
        elif ls ro | grep -q "out$k\|\.tmp\."; then bad "$name, no permission: left $(ls ro)"
        else unchanged "$name, no permission" && ok; fi
    done <"$T/writers"
    # --plots DIR, made in ro/
    snapshot
    $runner $WLR_RUNNER "$WLR" experiment ro/d.csv --epochs 2 --plots ro/pics/new \
        </dev/null >"$T/out.txt" 2>"$T/err.txt"
    rc=$?
    if [ $rc -ne 1 ]; then bad "--plots, no permission: exit $rc: $(cat "$T/err.txt")"
    elif ! grep -qF "wlr: --plots: cannot create the directory ro/pics (Permission denied)" "$T/err.txt"; then
        bad "--plots, no permission: stderr '$(cat "$T/err.txt")'"
    else unchanged "--plots, no permission" && ok; fi
fi
chmod 755 ro
chmod -R u+w "$T/snap"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
