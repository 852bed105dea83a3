# latency_cdf.gp - the latency distribution of every request per strategy, a
# failed one counting as never answered: the CDF on a logarithmic time axis
# (left), levelling off at the share answered, and the tail, 1 - CDF, on
# log-log axes (right), where p99 and p999 are read off at 1% and 0.1%.
@COMMON@
# Where each curve levels off: from its last answer to the right edge.
@DATA@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set tmargin at screen 0.86
    set bmargin at screen 0.13
    set logscale x
    set xrange [@XMIN@:@XMAX@]
    @XTICS@
    set xlabel "latency (log scale)"

    # The CDF.
    set lmargin at screen 0.08
    set rmargin at screen 0.375
    set ylabel "fraction of all requests answered within the time"
    set yrange [0:1.0001]
    set ytics 0.1
    set format y "%.1f"
    set key at screen 0.785, screen 0.86 left top Left reverse samplen 3 spacing 1.1 width 0
@EMPTY_NOTE@
@LEVELS@
    plot @CDF@
    unset key
    unset label

    # The tail.
    set lmargin at screen 0.525
    set rmargin at screen 0.77
    set ylabel "fraction not answered within the time (1 − CDF)"
    set logscale y
    set yrange [@YMIN@:1]
    set ytics ("100%%" 1, "10%% (p90)" 0.1, "1%% (p99)" 0.01, "0.1%% (p999)" 1e-3, "0.01%%" 1e-4, \
               "0.001%%" 1e-5, "10⁻⁶" 1e-6, "10⁻⁷" 1e-7, "10⁻⁸" 1e-8, "10⁻⁹" 1e-9)
    set mytics 10
    plot @CCDF@
    unset multiplot
    unset output
}
