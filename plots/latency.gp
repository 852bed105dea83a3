# latency.gp - latency over time: the p50, p99 and p999 of the requests
# answered in each time bin, one colour (and point type) per strategy, one dash
# type per percentile, on a logarithmic axis; warmup, faults and bursts marked.
@COMMON@
bin = @BIN@    # seconds per time bin; a bin is drawn at its middle
# Markers on the p99 lines: a few points of each, from the files.
@POINTS@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set lmargin at screen 0.09
    set rmargin at screen 0.77
    set tmargin at screen 0.86
    set bmargin at screen 0.11
    set xlabel "time (s)"
    set ylabel "latency of the requests answered in the bin (log scale)"
    set xrange [0:@XMAX@]
    set logscale y
    set yrange [@YMIN@:@YMAX@]
    @YTICS@
    set key at screen 0.785, graph 1 left top Left reverse samplen 3 spacing 1.1 width 0
@MARKS@
@MARK_LABELS@
@EMPTY_NOTE@
    plot @SERIES@
    unset multiplot
    unset output
}
