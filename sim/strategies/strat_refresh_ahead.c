/* strat_refresh_ahead.c - refresh ahead of expiry (Caffeine's refreshAfterWrite,
 * FusionCache's eager refresh): the first read of a fresh value that has lived
 * `fraction` of its own TTL (expiry - written: the jittered TTL it was written
 * with) starts one background refresh and is served the current value.
 * keystate.busy marks the refresh in flight.  Without a `recompute`, a miss
 * does not join that refresh: it queries as under none. */
#include <math.h>
#include <stddef.h>

#include "model/model.h"
#include "model/scenario.h"

typedef struct refresh_ahead_params {
    double fraction;
    const strategy_cfg *recompute;
} refresh_ahead_params;

static void ra_lookup(sim *s, uint32_t ai, const lookup_view *v)
{
    const refresh_ahead_params *p = s->params;
    keystate *k = &s->keys[s->att[ai].key];
    if (!v->fresh) {
        model_miss(s, ai, v);
        return;
    }
    if (!k->busy && model_now(s) >= k->written + p->fraction * (k->expiry - k->written) &&
        model_refresh(s, ai, CAUSE_BACKGROUND, false) != NONE) {
        s->keys[s->att[ai].key].busy = 1;
        model_count(s, ai, CNT_EARLY_REFRESHES);
    }
    model_finish(s, ai, OUT_HIT);
}

static void ra_query_done(sim *s, uint32_t qi, bool ok)
{
    if (s->q[qi].cause == CAUSE_BACKGROUND) s->keys[s->q[qi].key].busy = 0;
    model_answer_issuer(s, qi, ok);
}

static const param_spec ra_specs[] = {
    { .name = "fraction", .type = PARAM_NUMBER, .offset = offsetof(refresh_ahead_params, fraction), .def = "0.8",
      .min = 0, .max = 1, .min_open = true, .max_open = true,
      .help = "share of each value's own TTL (jitter included) after which the first read refreshes in the background" },
    { .name = "recompute", .type = PARAM_STRATEGY, .offset = offsetof(refresh_ahead_params, recompute),
      .help = "a strategy that coordinates recomputes (lock, coalesce, lease): misses and refreshes go through it" },
};

const strategy_ops strategy_refresh_ahead = {
    .name = "refresh_ahead",
    .summary = "the first read after fraction x TTL refreshes in the background",
    .params = ra_specs,
    .nparams = sizeof ra_specs / sizeof ra_specs[0],
    .params_size = sizeof(refresh_ahead_params),
    .lookup = ra_lookup,
    .query_done = ra_query_done,
};
