#!/bin/sh
# layers.sh - the library's layers point one way (README "Architecture").
# Usage: tests/layers.sh BUILD [OBJECT...] (the build folder holding
# sim/*/*.o, and the objects to check: by default every one there), run from
# the source tree by `make test-layers`, a pass of `make test`.
#
# The folders of sim/, lowest first; a folder may use its own files and those
# of lower levels only (folders on one level do not use each other):
#   0 base   1 engine   2 model   3 strategies   4 scenario   5 results
#   6 report   7 sweep fit live   8 cli
# Checked:
#   1. every #include "FOLDER/..." in sim/X/ names X or a lower folder;
#   2. every symbol an object of sim/X/ takes from another object is defined
#      in X or a lower folder (nm), so the folders form no cycle;
#   3. the modules (object files) form no cycle either;
#   4. no header of sim/ is named like a system header (<limits.h>, ...).
# LAYERS_PENDING lists the exceptions still awaited from work in progress, as
# words "include:FROM>TO" (rule 1), "cycles:FOLDER" (rule 3) or
# "header:FOLDER/NAME.h" (rule 4); each is reported on every run, so none is
# forgotten.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
PENDING=${LAYERS_PENDING:-}
CC=${CC:-cc}
fail=0

level() {
    case $1 in
    base) echo 0 ;; engine) echo 1 ;; model) echo 2 ;; strategies) echo 3 ;;
    scenario) echo 4 ;; results) echo 5 ;; report) echo 6 ;;
    sweep | fit | live) echo 7 ;; cli) echo 8 ;; *) echo "" ;;
    esac
}
pending() { case " $PENDING " in *" $1 "*) return 0 ;; esac; return 1; }

# Every folder has a level.
for d in sim/*/; do
    d=${d#sim/}; d=${d%/}
    [ -n "$(level "$d")" ] || { echo "FAILED: layers: sim/$d/ has no level in tests/layers.sh"; fail=1; }
done

# 1. Includes.
nincl=0
for f in sim/*/*.c sim/*/*.h; do
    from=${f#sim/}; from=${from%%/*}
    lf=$(level "$from")
    for to in $(sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)/.*|\1|p' "$f" | sort -u); do
        nincl=$((nincl + 1))
        [ "$to" = "$from" ] && continue
        lt=$(level "$to")
        if [ -z "$lt" ]; then echo "FAILED: layers: $f includes from \"$to/\", not a folder of sim/"; fail=1; continue; fi
        [ "$lt" -lt "$lf" ] && continue
        if pending "include:$from>$to"; then
            echo "layers: pending: $f includes $to/ (level $lt) from $from/ (level $lf)"
        else
            echo "FAILED: layers: $f includes $to/ (level $lt) from $from/ (level $lf)"; fail=1
        fi
    done
done

# 2 and 3. What the objects take from each other.
if [ $# -gt 0 ]; then objs=$*; else objs=$(ls "$BUILD"/sim/*/*.o 2>/dev/null); fi
[ -n "$objs" ] || { echo "FAILED: layers: no objects under $BUILD/sim (build first)"; exit 1; }
edges=$(for o in $objs; do
    m=${o#"$BUILD"/sim/}; m=${m%.o}
    nm "$o" | awk -v m="$m" '$2 ~ /^[TDBRC]$/ && NF == 3 { print "D", m, $3 } $1 == "U" && NF == 2 { print "U", m, $2 }'
done | awk '$1 == "D" { def[$3] = $2; next } { use[++n] = $2 " " $3 }
    END { for (i = 1; i <= n; i++) { split(use[i], p, " "); if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]] } }' | sort -u)
nedges=$(printf '%s\n' "$edges" | grep -c .)
printf '%s\n' "$edges" | while read -r a b; do
    [ -n "$a" ] || continue
    fa=${a%%/*}; fb=${b%%/*}
    [ "$fa" = "$fb" ] && continue
    [ "$(level "$fb")" -lt "$(level "$fa")" ] && continue
    echo "FAILED: layers: $a uses $b (folder $fb is not below $fa)"
    exit 1
done || fail=1

# Cycles among modules: the transitive closure of the edges.
cyc=$(printf '%s\n' "$edges" | awk -v pend="$PENDING" '
    NF == 2 { if (!($1 in id)) { id[$1] = ++n; nm[n] = $1 } if (!($2 in id)) { id[$2] = ++n; nm[n] = $2 }
              r[id[$1], id[$2]] = 1 }
    END {
        for (k = 1; k <= n; k++) for (i = 1; i <= n; i++) if (r[i, k]) for (j = 1; j <= n; j++) if (r[k, j]) r[i, j] = 1
        for (i = 1; i <= n; i++) {
            if (!r[i, i] || done[i]) continue
            s = nm[i]; done[i] = 1
            for (j = i + 1; j <= n; j++) if (r[i, j] && r[j, i]) { s = s " " nm[j]; done[j] = 1 }
            split(nm[i], f, "/"); print (index(" " pend " ", " cycles:" f[1] " ") ? "pending" : "cycle"), s
        }
    }')
if [ -n "$cyc" ]; then
    printf '%s\n' "$cyc" | while read -r kind rest; do
        if [ "$kind" = pending ]; then echo "layers: pending: a cycle of modules: $rest"
        else echo "FAILED: layers: a cycle of modules: $rest"; fi
    done
    printf '%s\n' "$cyc" | grep -q '^cycle' && fail=1
fi

# 4. Header names.
for h in sim/*/*.h; do
    b=${h##*/}
    if printf '#include <%s>\n' "$b" | $CC -E -x c - >/dev/null 2>&1; then
        if pending "header:${h#sim/}"; then echo "layers: pending: $h is named like the system header <$b>"
        else echo "FAILED: layers: $h is named like the system header <$b>"; fail=1; fi
    fi
done

nmod=$(echo "$objs" | wc -w)
[ $fail -eq 0 ] && echo "layers: $(ls sim/*/*.[ch] | wc -l) files ($nincl folder includes), $nmod modules, $nedges links between modules: one way"
exit $fail
