#!/bin/sh
# suites.sh - runs test suites JOBS at a time and reports them in order.
#
#   tests/suites.sh JOBS LOGDIR SUITE...
#
# Each suite (a Check program) runs with the environment it is given, its
# output (stdout and stderr) kept in LOGDIR/NAME.log; a line says when each
# ends ("NAME: passed in N s" or "FAILED: NAME ..."), and once all have ended
# their outputs follow in the order given, then one summary line.  Suites are
# started in the order given: put the longest first.  Every suite runs even
# when one fails.  Exit status: 0 when every suite passed, 1 otherwise, 2 on
# bad usage.
set -u
if [ $# -lt 3 ] || ! [ "$1" -ge 1 ] 2>/dev/null; then
    echo "usage: tests/suites.sh JOBS LOGDIR SUITE..." >&2
    exit 2
fi
jobs=$1
logs=$2
shift 2
rm -rf "$logs" && mkdir -p "$logs" || exit 2

# One worker per suite: $0 is LOGDIR, $1 the suite.  It always exits 0, so
# xargs goes on whatever a suite does; the result file says how it ended.
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh -c '
    n=$(basename "$1"); t0=$(date +%s)
    if "$1" >"$0/$n.log" 2>&1; then r=passed; else r=failed; fi
    s=$(( $(date +%s) - t0 ))
    echo "$r $s" >"$0/$n.result"
    if [ $r = passed ]; then echo "$n: passed in $s s"; else echo "FAILED: $n (after $s s; its output follows below)"; fi
    exit 0' "$logs"

pass=0
fail=0
for t in "$@"; do
    n=$(basename "$t")
    echo "== $n"
    cat "$logs/$n.log" 2>/dev/null
    r=
    [ -f "$logs/$n.result" ] && read -r r s <"$logs/$n.result"
    if [ "$r" = passed ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAILED: $t"
    fi
done
echo "suites: $pass passed, $fail failed"
[ $fail -eq 0 ]
