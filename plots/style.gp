set datafile separator comma
set border 3 linewidth 1.2 linecolor rgb "#333333"
set tics out nomirror
set grid back linecolor rgb "#dddddd" linewidth 1 dashtype 1
set title font sprintf("%s,%g", font, fontsize * 1.25)
set key noautotitle noenhanced
set style fill solid 0.85 border linecolor rgb "#333333"
set clip two
