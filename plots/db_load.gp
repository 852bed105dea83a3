# db_load.gp - database load over time, panels sharing the time axis: the most
# queries in service per bin against the worker pool (and the USL knee), the
# queries started per second, and the longest queue of queries waiting;
# warmup, faults, bursts and recoveries marked.
@COMMON@
bin = @BIN@            # seconds per time bin; a bin is drawn at its middle
queue_panel = @QUEUE_PANEL@    # 0 when no query ever waited: the queue panel is left out
rate_floor = @Y2MIN@   # queries/s drawn for a bin that started none (the "0" tic)
at_least_floor(v) = v > rate_floor ? v : rate_floor
# Markers on the lines: a few points of each, from the files.
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
    set format x ""
@MARKS@

    # Queries in service.
    set tmargin at screen 0.86
    set bmargin at screen (queue_panel ? 0.62 : 0.51)
    set ylabel "queries in service\n(most per bin)"
    set yrange [0:@Y1MAX@]
    @Y1TICS@
@MARK_LABELS@
@RECOVERY@
    plot @INFLIGHT@
    unset label
@NO_RECOVERY@

    # Queries started per second.
    set tmargin at screen (queue_panel ? 0.585 : 0.47)
    set bmargin at screen (queue_panel ? 0.375 : 0.11)
    set ylabel "queries started/s\n(log scale)"
    set logscale y
    set yrange [@Y2MIN@:@Y2MAX@]
    @Y2TICS@
    if (!queue_panel) {
        set format x "%g"
        set xlabel "time (s)"
        @DRAIN_NOTE@
    }
    plot @STARTED@
    unset logscale y
    unset label

    # Queries waiting for a worker.
    if (queue_panel) {
        set tmargin at screen 0.335
        set bmargin at screen 0.11
        set ylabel "queries waiting\n(most per bin)"
        set yrange [0:@Y3MAX@]
        @Y3TICS@
        set format x "%g"
        set xlabel "time (s)"
        @DRAIN_NOTE@
        plot @QUEUE@
        unset label
    }

    # The key, in a panel of its own down the right side.
    set lmargin at screen 0.785
    set rmargin at screen 0.99
    set tmargin at screen 0.86
    set bmargin at screen 0.11
    unset border
    unset tics
    unset xlabel
    unset ylabel
    unset grid
    unset logscale
    unset object
    unset arrow
    set xrange [0:1]
    set yrange [0:1]
    set key at screen 0.785, screen 0.86 left top Left reverse samplen 3 spacing 1.1 width 0
    plot @KEY@
    unset multiplot
    unset output
}
