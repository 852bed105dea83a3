# Made by `stampede plot` from its template plots/@TEMPLATE@.gp.  To redraw it,
# in this folder (the data files are reached as ../LABEL/...):
#     gnuplot @NAME@.gp                         the formats it was made in
#     gnuplot -e "formats='png pdf'" @NAME@.gp  any of svg, png, pdf
# Restyle it by editing the settings below (size, fonts, one line type per
# strategy) or the chart itself, and rerun.
set encoding utf8
if (!exists("formats")) formats = @FORMATS@

# The canvas in pixels (PNG, SVG; a font point is a pixel there); the PDF has the
# same shape and proportions at 96 pixels per inch.
width = 1280
height = 720
font = "Sans"
fontsize = 13
terminal(f) = \
    f eq "png" ? sprintf("set terminal pngcairo size %d,%d font '%s,%d' noenhanced", \
                         width, height, font, fontsize) : \
    f eq "svg" ? sprintf("set terminal svg size %d,%d font '%s,%d' noenhanced background '#ffffff'", \
                         width, height, font, fontsize) : \
    f eq "pdf" ? sprintf("set terminal pdfcairo size %.2fin,%.2fin font '%s,%d' fontscale 0.75 linewidth 1.33 noenhanced", \
                         width / 96.0, height / 96.0, font, fontsize) : \
    "print 'unknown format: ".f." (formats: svg png pdf)'; exit status 1"

# One line type per strategy, in the order of comparison.csv: the Okabe-Ito
# colours (they stay apart for colour-blind readers) and, for greyscale, a
# dash type and a point type each.
set linetype 1 linecolor rgb "#0072B2" linewidth 2.5 dashtype 1 pointtype 7 pointsize 1.3   # blue
set linetype 2 linecolor rgb "#D55E00" linewidth 2.5 dashtype 2 pointtype 5 pointsize 1.2   # vermillion
set linetype 3 linecolor rgb "#009E73" linewidth 2.5 dashtype 4 pointtype 9 pointsize 1.5   # bluish green
set linetype 4 linecolor rgb "#CC79A7" linewidth 2.5 dashtype 5 pointtype 13 pointsize 1.5  # reddish purple
set linetype 5 linecolor rgb "#E69F00" linewidth 2.5 dashtype 3 pointtype 6 pointsize 1.3   # orange
set linetype 6 linecolor rgb "#56B4E9" linewidth 2.5 dashtype (12,4,2,4,2,4) pointtype 4 pointsize 1.2  # sky blue
set linetype 7 linecolor rgb "#000000" linewidth 2.5 dashtype (2,3) pointtype 8 pointsize 1.4  # black
set linetype 8 linecolor rgb "#B8A400" linewidth 2.5 dashtype (16,6) pointtype 12 pointsize 1.5  # dark yellow
# 9-12: the first four colours again, with open points and their own dashes
set linetype 9 linecolor rgb "#0072B2" linewidth 2.5 dashtype (8,3,2,3) pointtype 6 pointsize 1.4
set linetype 10 linecolor rgb "#D55E00" linewidth 2.5 dashtype (4,2) pointtype 4 pointsize 1.3
set linetype 11 linecolor rgb "#009E73" linewidth 2.5 dashtype (20,5) pointtype 8 pointsize 1.5
set linetype 12 linecolor rgb "#CC79A7" linewidth 2.5 dashtype (1,2) pointtype 12 pointsize 1.5
set linetype cycle 12

# Positive values only: a log axis has no place for zero.
pos(x) = x > 0 ? x : NaN
