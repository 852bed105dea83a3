# comparison.gp - the strategies side by side: DB queries issued, the most
# queries in service at once, the p99 latency, and attempts that timed out or
# failed; one bar per strategy in its colour, its value written on top.
@COMMON@
$comparison << EOD
@DATA@
EOD

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot layout 2,2 title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35) \
        margins screen @MARGINS@ spacing screen @SPACING@
    set title font sprintf("%s,%g", font, fontsize * 1.1)
    set xrange [0.4:@N@ + 0.6]
    @XTICS@
    set grid noxtics ytics
    unset key
    value_font = @VALUE_FONT@   # of the numbers on the bars

    set title "DB queries issued"
    set yrange [0:@Y1MAX@]
    @Y1TICS@
@LABELS1@
    plot @BARS1@
    unset label

    set title @PEAK_TITLE@
    set yrange [0:@Y2MAX@]
    @Y2TICS@
@LABELS2@
    plot @BARS2@
    unset label

    set title @P99_TITLE@
    set yrange [0:@Y3MAX@]
    set ytics autofreq
    set format y "%g"
@LABELS3@
    plot @BARS3@
    unset label

    set title "attempts: timeouts (solid) / errors (hatched)"
    set yrange [0:@Y4MAX@]
    @Y4TICS@
@LABELS4@
    plot @BARS4@
    unset multiplot
    unset output
}
