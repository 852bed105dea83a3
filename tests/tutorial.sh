#!/bin/sh
# tutorial.sh - runs every command of a tutorial (docs/tutorial.md) and checks
# that what the tutorial shows after each one is what the program prints.
#
#   tests/tutorial.sh STAMPEDE TUTORIAL.md
#
# The commands are the lines starting with "$ " inside ```console blocks (a
# trailing backslash continues a command; a here-document <<'EOF' runs to its
# EOF line); the lines after a command, up to the next command or the end of
# the block, are its output, stdout and stderr together.  The commands run in
# order in a fresh temporary folder with `stampede` on PATH meaning STAMPEDE,
# each with sh -c; each must exit 0 and print exactly what is shown.  Exit
# status: 0 when all do, 1 otherwise (with a diff per mismatch), 2 on bad usage.
set -u
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2" ]; then
    echo "usage: tests/tutorial.sh STAMPEDE TUTORIAL.md" >&2
    exit 2
fi
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
doc=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stampede-tutorial-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
mkdir -p "$tmp/bin" "$tmp/steps" "$tmp/work"
ln -s "$prog" "$tmp/bin/stampede"

# Splits the tutorial into steps/NNN.cmd and steps/NNN.out.
awk -v dir="$tmp/steps" '
function flush() { if (n) { close(cmdf); close(outf) } }
/^```console[ \t]*$/ { inblock = 1; next }
inblock && /^```[ \t]*$/ { inblock = 0; incmd = 0; next }
!inblock { next }
heredoc != "" { print > cmdf; if ($0 == heredoc) heredoc = ""; next }
cont { print > cmdf; cont = /\\$/; next }
/^\$ / {
    flush(); n++
    cmdf = sprintf("%s/%03d.cmd", dir, n); outf = sprintf("%s/%03d.out", dir, n)
    printf "" > outf
    print substr($0, 3) > cmdf
    cont = /\\$/
    if (match($0, /<<'"'"'[A-Za-z_]+'"'"'/)) heredoc = substr($0, RSTART + 3, RLENGTH - 4)
    next
}
{ if (n) print > outf }
END { flush(); if (!n) exit 1 }
' "$doc" || { echo "tutorial.sh: no commands in $doc" >&2; exit 1; }

fail=0
count=0
for c in "$tmp"/steps/*.cmd; do
    count=$((count + 1))
    o=${c%.cmd}.out
    (cd "$tmp/work" && PATH="$tmp/bin:$PATH" sh -c "$(cat "$c")" >"$o.got" 2>&1)
    st=$?
    if [ $st -ne 0 ]; then
        echo "tutorial.sh: step $count exited $st: $(head -1 "$c")"
        cat "$o.got"
        fail=1
    elif ! cmp -s "$o" "$o.got"; then
        echo "tutorial.sh: step $count prints something else than the tutorial shows: $(head -1 "$c")"
        diff -u "$o" "$o.got" | sed -e "1s|.*|--- shown in $doc|" -e "2s|.*|+++ printed|"
        fail=1
    fi
done
echo "tutorial.sh: $count commands of $doc run, $( [ $fail -eq 0 ] && echo 'every output as shown' || echo 'some differ')"
exit $fail
