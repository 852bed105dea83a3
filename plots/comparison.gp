# comparison.gp - the strategies side by side, in the order a design review
# asks: do we stay up (failed requests, SLO attainment), how fast do we come
# back (recovery time) or how slow is it (p99), and what it costs the DB;
# one bar per strategy in its colour, its value written on top.
@COMMON@
# The bars of each panel: label number, then the cumulative height of each layer.
@DATA@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot layout 2,3 title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35) \
        margins screen @MARGINS@ spacing screen @SPACING@
    set title font sprintf("%s,%g", font, fontsize * 0.95)
    set xrange [0.4:@N@ + 0.6]
    @XTICS@
    set grid noxtics ytics
    unset key
    value_font = @VALUE_FONT@   # of the numbers on the bars

@PANELS@
    unset multiplot
    unset output
}
