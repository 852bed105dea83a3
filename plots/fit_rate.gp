# fit_rate.gp - the request rate over the access log: requests per second in
# each bin (grey steps) against the fitted rate that the scenario's
# clients.arrivals replays (a constant or a schedule; dashed lines where it
# changes).  Drawn by `stampede fit --report`; the data is ../rate.csv
# (t, requests/s in the bin) and ../rate_fit.csv (t, the fitted requests/s from t).
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
    set xlabel "time since the first request (s)"
    set ylabel @YLABEL@
    set xrange [0:@XMAX@]
    set yrange [0:@YMAX@]
    set key inside top left Left reverse samplen 3 spacing 1.1 width 1 opaque box linecolor rgb "#cccccc"
@CHANGES@
    plot '../rate.csv' using 1:2 with steps linecolor rgb "#8c8c8c" linewidth 1.2 dashtype 1 title @OBS_TITLE@, \
         '../rate_fit.csv' using 1:2 with steps linetype 1 dashtype 1 linewidth 3 title @FIT_TITLE@@CHANGE_KEY@
    unset output
}
