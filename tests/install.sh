#!/bin/sh
# install.sh - make install into a temporary DESTDIR, then the installed
# program alone: run a bundled scenario, plot its folder (the templates must
# come from PREFIX/share/stampede/plots: the run happens in an empty folder,
# with STAMPEDE_PLOTS_DIR unset and the source tree out of the program's
# reach), and check the installed manual page against --help.
# Run by `make test-install` (a pass of make test) from the source tree.
set -u
MAKE=${MAKE:-make}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stampede-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
fail() { echo "FAILED: test-install: $*"; exit 1; }

prefix=/opt/stampede-test
dest=$tmp/dest
$MAKE --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log"; fail "make install"; }
bin=$dest$prefix/bin/stampede
[ -x "$bin" ] || fail "no $prefix/bin/stampede under DESTDIR"
for t in plots/*.gp; do
    cmp -s "$t" "$dest$prefix/share/stampede/plots/$(basename "$t")" || fail "template $t not installed"
done
man1=$dest$prefix/share/man/man1/stampede.1
[ -s "$man1" ] || fail "no share/man/man1/stampede.1"
# Nothing lands outside DESTDIR/PREFIX.
extra=$(cd "$dest" && find . -type f | grep -v "^\.$prefix/" | head -1)
[ -z "$extra" ] || fail "installed outside PREFIX: $extra"

# The installed program, from an empty folder, with no template override.
work=$tmp/work
mkdir -p "$work"
cp scenarios/hot-key.json "$work/s.json" || fail "no scenarios/hot-key.json"
(
    cd "$work" || exit 1
    unset STAMPEDE_PLOTS_DIR
    "$bin" run s.json --quiet --set duration=10s --out res >run.out 2>run.err || { cat run.err; exit 1; }
    "$bin" plot res >plot.out 2>plot.err || { cat plot.err; exit 1; }
) || fail "the installed program's run or plot"
[ -s "$work/res/report.html" ] || fail "plot wrote no report.html"
n=$(ls "$work/res/charts"/*.svg 2>/dev/null | wc -l)
[ "$n" -ge 5 ] || fail "plot drew $n charts, expected at least 5"
# The charts' scripts were filled from the installed templates: hide them
# and plot must fail, so it found no others.
mv "$dest$prefix/share/stampede/plots" "$tmp/plots.moved"
( cd "$work" && unset STAMPEDE_PLOTS_DIR && "$bin" plot res >/dev/null 2>"$tmp/plot-moved.err" ) \
    && fail "plot succeeded without the installed templates (it found others)"
grep -q "cannot find the chart templates" "$tmp/plot-moved.err" || { cat "$tmp/plot-moved.err"; fail "plot without templates failed for another reason"; }
mv "$tmp/plots.moved" "$dest$prefix/share/stampede/plots"

# The manual page holds every command's usage line, as --help prints it.
for c in run validate plot sweep merge fit live; do
    line=$("$bin" "$c" --help 2>/dev/null | head -1 | sed 's/^usage: //')
    [ -n "$line" ] || fail "stampede $c --help printed nothing"
    sed 's/\\-/-/g; s/\\e/\\/g' "$man1" | grep -qF -- "$line" || fail "stampede(1) lacks \"$line\""
done
echo "test-install: installed under DESTDIR$prefix; run, plot ($n charts) and stampede(1) checked"
