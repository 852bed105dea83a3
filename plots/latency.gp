# latency.gp - latency over time: the p50, p99 and p999 of the requests
# answered in each time bin, one colour (and point type) per strategy, one dash
# type per percentile, on a logarithmic axis, with × where the p99 of answered
# requests hides failures; below it, the share of the requests ending in each
# bin that failed.  Warmup, faults, bursts and recoveries are marked.
@COMMON@
bin = @BIN@    # seconds per time bin; a bin is drawn at its middle
fail_floor = @FAIL_MIN@   # % drawn for a bin where no request failed (the "0" tic)
at_least_floor(v) = v > fail_floor ? v : fail_floor
# The failed share of the requests that ended in a bin, in %; none ended: no point.
failed_pct(s, f) = s + f > 0 ? at_least_floor(100.0 * f / (s + f)) : NaN
# Markers on the p99 lines, and × where p99 hides failures: points from the files.
@POINTS@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set lmargin at screen 0.11
    set rmargin at screen 0.77
    set xrange [0:@XMAX@]
@MARKS@

    # Latency of the requests answered in each bin.
    set tmargin at screen 0.86
    set bmargin at screen 0.40
    set format x ""
    set ylabel "latency of requests answered\nin the bin (log scale)"
    set logscale y
    set yrange [@YMIN@:@YMAX@]
    @YTICS@
    set key at screen 0.785, screen 0.86 left top Left reverse samplen 3 spacing 1.1 width 0
@MARK_LABELS@
@RECOVERY@
@EMPTY_NOTE@
    plot @SERIES@
    unset label
    unset key
@NO_RECOVERY@

    # The share of the requests ending in each bin that failed.
    set tmargin at screen 0.345
    set bmargin at screen 0.11
    set format x "%g"
    set xlabel "time (s)"
    @DRAIN_NOTE@
    set ylabel "failed requests (%,\nlog scale)"
    set yrange [@FAIL_MIN@:100]
    @FAILTICS@
    set label 1 "above the dashed line, the p99 of answered requests hides failures" at graph 0.01, first 1 \
        left offset 0, 0.55 textcolor rgb '#444444' font ',10'
    plot @FAILED@
    unset multiplot
    unset output
}
