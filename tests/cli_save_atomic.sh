#!/bin/sh
# cli_save_atomic.sh - train --save MODEL -o REPORT writes both to
# temporaries and renames neither until both are complete: when the report
# fails (here: the file size limit, i.e. a full disk), MODEL keeps its old
# contents.
#
# Usage: WLR=build/wlr sh tests/cli_save_atomic.sh   Last line: "N passed, N failed".

. "$(dirname "$0")/lib.sh"

"$WLR" generate --samples 200 --weights 0.7 -o s200.csv
echo "old model" >m.model
echo "old report" >r.txt
# the model (567 bytes) fits under 1 KB, the tuned report (about 1.3 KB) does not
(ulimit -f 2; "$WLR" train s200.csv --save m.model --tune-threshold f1 -o r.txt 2>err.txt)
rc=$?
if [ $rc -ne 0 ] && [ "$(cat m.model)" = "old model" ] && [ "$(cat r.txt)" = "old report" ]; then ok
else bad "train --save -o, report too big: exit $rc, m.model now $(head -n 1 m.model), r.txt $(head -n 1 r.txt); $(grep -v took err.txt)"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
