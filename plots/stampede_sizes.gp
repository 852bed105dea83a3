# stampede_sizes.gp - how many stampedes had at least each size, per strategy,
# on log-log axes.  A stampede is a group of DB queries for one key, each issued
# while an earlier one of the group was still running; size 1 is a lone query.
@COMMON@
@DATA@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set lmargin at screen 0.09
    set rmargin at screen 0.97
    set tmargin at screen 0.86
    set bmargin at screen 0.11
    set logscale xy
    set xrange [0.8:@XMAX@]
    set yrange [0.8:@YMAX@]
    @XTICS@
    @YTICS@
    set xlabel @XLABEL@
    set ylabel "stampedes at least this large"
    set key inside top right Left reverse samplen 3 spacing 1.1 width 1 opaque box linecolor rgb "#cccccc"
@EMPTY_NOTE@
    plot @SERIES@
    unset multiplot
    unset output
}
