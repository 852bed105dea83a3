# Made by `stampede plot` from its template plots/@TEMPLATE@.gp.  To redraw it,
# in this folder (the data files are reached as ../LABEL/...):
#     gnuplot @NAME@.gp                         the formats it was made in
#     gnuplot -e "formats='png pdf'" @NAME@.gp  any of svg, png, pdf
# Restyle it by editing the settings below (size, fonts, one line type per
# label) or the chart itself, and rerun.
set encoding utf8
if (!exists("formats")) formats = @FORMATS@

# The canvas in pixels (PNG, SVG; a font point is a pixel there); the PDF has the
# same shape and proportions at 96 pixels per inch.
width = 1280
height = 720
font = "Sans"
fontsize = 13
# Each line type's point size (below), scaled per format by points().
array ps[16] = [1.3, 1.2, 1.5, 1.5, 1.3, 1.2, 1.4, 1.5, 1.5, 1.5, 1.4, 1.4, 1.4, 1.5, 1.4, 1.2]
# gnuplot's SVG terminal draws a point 1.3 times as large as PNG and PDF do at
# the same size: points(f) scales them back, so every format looks alike.
points(f) = sprintf("; do for [i=1:%d] { set linetype i pointsize ps[i] * %g }", |ps|, f eq "svg" ? 0.77 : 1)
terminal(f) = \
    f eq "png" ? sprintf("set terminal pngcairo size %d,%d font '%s,%d' noenhanced", \
                         width, height, font, fontsize).points(f) : \
    f eq "svg" ? sprintf("set terminal svg size %d,%d font '%s,%d' noenhanced background '#ffffff'", \
                         width, height, font, fontsize).points(f) : \
    f eq "pdf" ? sprintf("set terminal pdfcairo size %.2fin,%.2fin font '%s,%d' fontscale 0.75 linewidth 1.33 noenhanced", \
                         width / 96.0, height / 96.0, font, fontsize).points(f) : \
    "print 'unknown format: ".f." (formats: svg png pdf)'; exit status 1"

# One line type per label, the same in every chart (run charts, sweep charts):
# 1-7 are the strategies' own, for a label named after one (none, lock,
# coalesce, xfetch, swr, lease, refresh_ahead); 8-16 go to other labels by a
# hash of the name (sim/report/palette.c).  The Okabe-Ito colours, then Paul
# Tol's, each with a dash type and a point type of its own for greyscale.
set linetype 1 linecolor rgb "#0072B2" linewidth 2.5 dashtype 1 pointtype 7 pointsize ps[1]   # none: blue
set linetype 2 linecolor rgb "#D55E00" linewidth 2.5 dashtype 2 pointtype 5 pointsize ps[2]   # lock: vermillion
set linetype 3 linecolor rgb "#009E73" linewidth 2.5 dashtype 4 pointtype 9 pointsize ps[3]   # coalesce: bluish green
set linetype 4 linecolor rgb "#CC79A7" linewidth 2.5 dashtype 5 pointtype 13 pointsize ps[4]  # xfetch: reddish purple
set linetype 5 linecolor rgb "#E69F00" linewidth 2.5 dashtype 3 pointtype 6 pointsize ps[5]   # swr: orange
set linetype 6 linecolor rgb "#56B4E9" linewidth 2.5 dashtype (12,4,2,4,2,4) pointtype 4 pointsize ps[6]  # lease: sky blue
set linetype 7 linecolor rgb "#000000" linewidth 2.5 dashtype (2,3) pointtype 8 pointsize ps[7]  # refresh_ahead: black
set linetype 8 linecolor rgb "#B8A400" linewidth 2.5 dashtype (16,6) pointtype 12 pointsize ps[8]  # dark yellow
set linetype 9 linecolor rgb "#882255" linewidth 2.5 dashtype (8,3,2,3) pointtype 11 pointsize ps[9]  # wine
set linetype 10 linecolor rgb "#44AA99" linewidth 2.5 dashtype (4,2) pointtype 10 pointsize ps[10]  # teal
set linetype 11 linecolor rgb "#332288" linewidth 2.5 dashtype (20,5) pointtype 15 pointsize ps[11]  # indigo
set linetype 12 linecolor rgb "#999933" linewidth 2.5 dashtype (1,2) pointtype 14 pointsize ps[12]  # olive
set linetype 13 linecolor rgb "#AA4499" linewidth 2.5 dashtype (10,3,3,3,3,3) pointtype 3 pointsize ps[13]  # purple
set linetype 14 linecolor rgb "#117733" linewidth 2.5 dashtype (6,6) pointtype 1 pointsize ps[14]  # green
set linetype 15 linecolor rgb "#661100" linewidth 2.5 dashtype (14,3,2,3) pointtype 2 pointsize ps[15]  # brown
set linetype 16 linecolor rgb "#6699CC" linewidth 2.5 dashtype (3,3,10,3) pointtype 9 pointsize ps[16]  # steel blue
set linetype cycle 16

# Positive values only: a log axis has no place for zero.
pos(x) = x > 0 ? x : NaN
