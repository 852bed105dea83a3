# sweep_metric.gp - one metric of a sweep against its first varied parameter:
# the mean over the replications at each point with its 95% confidence
# interval (clipped to the metric's range: no count below 0, no share outside
# 0-100%), one line per label in the label's own line type, a panel per value
# of the second varied parameter.  Drawn by `stampede plot` from ../sweep.csv.
@COMMON@
# Per panel and label: x, mean, interval low, interval high (in the axis' units).
@DATA@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set title font sprintf("%s,%g", font, fontsize * 0.95)
    unset key
@XAXIS@
    set yrange [@YMIN@:@YMAX@]
    @YTICS@

@PANELS@

    # The key, in a panel of its own down the right side.
    set lmargin at screen 0.785
    set rmargin at screen 0.99
    set tmargin at screen 0.86
    set bmargin at screen 0.11
    unset border
    unset tics
    unset xlabel
    unset ylabel
    unset title
    unset grid
    unset logscale
    unset label
    # Notes under the key: intervals clipped, metrics not charted.
    @NOTE@
    set xrange [0:1]
    set yrange [0:1]
    set key at screen 0.785, screen 0.86 left top Left reverse samplen 3 spacing 1.1 width 0
    plot @KEY@
    unset multiplot
    unset output
}
