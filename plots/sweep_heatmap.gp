# sweep_heatmap.gp - one metric of a sweep over its first two varied
# parameters, a panel per label, every panel on one colour scale (the bar on
# the right) so that the panels compare; each cell is the mean over the
# replications at that point, its value written in it.  Drawn by
# `stampede plot` from ../sweep.csv.
@COMMON@
# Per label: column index, row index, mean (in the scale's units), text colour.
@DATA@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set multiplot title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set title font sprintf("%s,%g", font, fontsize * 0.95)
    unset key
    unset grid
    set tics out nomirror
    set border 15 linewidth 1 linecolor rgb "#555555"
    set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21908d', 0.75 '#5dc963', 1 '#fde725')
    set cbrange [@CBMIN@:@CBMAX@]
    set cblabel @CBLABEL@
    unset colorbox
@XAXIS@
@YAXIS@

@PANELS@
    unset multiplot
    unset output
}
