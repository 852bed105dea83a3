/* palette.h - one look per label on every chart (run charts, sweep charts,
 * heatmaps): a label's line type in plots/common.gp, found from its name
 * alone, so that a label keeps its colour, dash and point when others are
 * left out (--strategy) or when it is drawn in another folder.
 *
 * A label named after a strategy ("none", "lock", "xfetch", ...) takes that
 * strategy's own line type (1..PALETTE_NKINDS); any other label ("xfetch-lock",
 * "coalesce-node") one of the others, chosen by a hash of its name.  Two such
 * labels of one folder whose hashes meet are set apart in the order of their
 * names, so the result never depends on the order of the labels. */
#ifndef STAMPEDE_PALETTE_H
#define STAMPEDE_PALETTE_H

#include <stddef.h>

#define PALETTE_NKINDS 7     /* line types 1..7: the strategies, in strategies.c's order */
#define PALETTE_NSTYLES 16   /* line types defined in plots/common.gp */

/* The line type (1..PALETTE_NSTYLES) of labels[i] among labels[0..n). */
int palette_style(const char *const *labels, size_t n, size_t i);

#endif
