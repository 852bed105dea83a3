/* strat_none.c - no protection: every attempt that finds no fresh value
 * queries the DB itself, and is answered when its query finishes. */
#include "model/model.h"
#include "model/strategy.h"

static void none_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    (void)self;
    if (v->fresh)
        model_finish(s, att, OUT_HIT);
    else
        model_cache_fallback(s, att);   /* query the DB, or fail as rejected */
}

const strategy_ops strategy_none = {
    .name = "none",
    .summary = "no protection: every miss queries the DB",
    .lookup = none_lookup,
};
