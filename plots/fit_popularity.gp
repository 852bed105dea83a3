# fit_popularity.gp - rank-frequency on log-log axes: the log's keys ranked by
# how often they were requested, against the fitted Zipf line N r^-s / H(n, s)
# at the keys' true ranks, and the band (2.5% to 97.5%) of logs simulated from
# that fit and ranked the same way, by observed frequency: ranking noisy
# counts bends the tail, so the log is to be read against the band.  Drawn by
# `stampede fit --report`; data ../ranks.csv (rank, requests) and
# ../popularity_model.csv (rank, Zipf line, band low, median, band high).
@COMMON@

do for [fmt in formats] {
    reset
    eval terminal(fmt)
    set output "@NAME@.".fmt
@STYLE@
    set title @TITLE@ font sprintf("%s,%g", font, fontsize * 1.35)
    set lmargin at screen 0.09
    set rmargin at screen 0.97
    set tmargin at screen 0.88
    set bmargin at screen 0.11
    set logscale xy
    set xrange [0.8:@XMAX@]
    set yrange [@YMIN@:@YMAX@]
    @XTICS@
    @YTICS@
    set xlabel "rank of the key by requests (1: the most requested; log scale)"
    set ylabel "requests for the key (log scale)"
    set key inside top right Left reverse samplen 3 spacing 1.15 width 1 opaque box linecolor rgb "#cccccc"
    plot '../popularity_model.csv' using 1:3:5 with filledcurves fillcolor rgb "#cfe2f3" fillstyle solid 1.0 noborder \
             title @BAND_TITLE@, \
         '../popularity_model.csv' using 1:4 with lines linecolor rgb "#0072B2" linewidth 1.5 dashtype 2 \
             title 'median of the simulated logs', \
         '../popularity_model.csv' using 1:2 with lines linetype 7 dashtype 1 linewidth 1.5 title @FIT_TITLE@@UNIFORM@, \
         '../ranks.csv' using 1:2 with lines linetype 2 dashtype 1 linewidth 2.5 title @OBS_TITLE@
    unset output
}
