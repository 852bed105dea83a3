# fit_latency.gp - DB latencies against the chosen distribution: the share of
# latencies in each bin of equal width on a log scale (bars) with the share
# the chosen family and the runner-up give each bin (left), and a QQ plot of
# the observed quantiles against each family's (right: on the diagonal where
# the family fits; 200 levels, and the tails 1 in 10^3, 10^4, ... as far as
# the log reaches).  Drawn by `stampede fit --report`; data
# ../latency_hist.csv (bin low, bin high, middle, observed, chosen, runner-up)
# and ../latency_qq.csv (p, observed, chosen, runner-up quantiles), seconds.
@COMMON@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set tmargin at screen 0.86
    set bmargin at screen 0.13

    # The histogram.
    set lmargin at screen 0.08
    set rmargin at screen 0.47
    set logscale x
    set xrange [@XMIN@:@XMAX@]
    @XTICS@
    set xlabel "latency (log scale)"
    set ylabel "share of the latencies in the bin"
    set yrange [0:@HMAX@]
    set key inside top right Left reverse samplen 3 spacing 1.1 width 1 opaque box linecolor rgb "#cccccc"
    plot '../latency_hist.csv' using 3:4:1:2:(0):4 with boxxyerror fillcolor rgb "#c4c4c4" fillstyle solid 1.0 \
             noborder title 'the log', \
         '../latency_hist.csv' using 3:5 with linespoints linetype 1 dashtype 1 pointsize 0.8 title @BEST_TITLE@, \
         '../latency_hist.csv' using 3:6 with lines linetype 2 dashtype 2 title @SECOND_TITLE@

    # The QQ plot.
    set lmargin at screen 0.58
    set rmargin at screen 0.97
    set logscale xy
    set xrange [@QMIN@:@QMAX@]
    set yrange [@QMIN@:@QMAX@]
    @QXTICS@
    @QYTICS@
    set xlabel "quantile of the fitted distribution (log scale)"
    set ylabel "quantile of the log (log scale)"
    set key inside top left Left reverse samplen 3 spacing 1.1 width 1 opaque box linecolor rgb "#cccccc"
    plot x with lines linecolor rgb "#444444" dashtype 2 linewidth 1.2 title 'equal quantiles', \
         '../latency_qq.csv' using 3:2 with points linetype 1 pointtype 7 pointsize 0.7 title @BEST_TITLE@, \
         '../latency_qq.csv' using 4:2 with points linetype 2 pointtype 6 pointsize 0.8 title @SECOND_TITLE@
    unset multiplot
    unset output
}
