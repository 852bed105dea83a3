/* strat_swr.c - stale-while-revalidate (HTTP's stale-while-revalidate, Varnish
 * grace, nginx "proxy_cache_use_stale updating"): within `grace` after expiry
 * an attempt is served the expired value and one background refresh runs per
 * key; after grace, a miss queries the DB as under none (without a
 * `recompute` it does not join the background refresh in flight).
 * keystate.busy marks the refresh in flight. */
#include <math.h>
#include <stddef.h>

#include "model/model.h"
#include "model/scenario.h"

typedef struct swr_params {
    double grace;
    const strategy_cfg *recompute;
} swr_params;

static void swr_lookup(sim *s, uint32_t ai, const lookup_view *v)
{
    const swr_params *p = s->params;
    uint32_t key = s->att[ai].key;
    if (v->fresh) {
        model_finish(s, ai, OUT_HIT);
        return;
    }
    if (v->present && model_now(s) < v->expiry + p->grace) {
        if (!s->keys[key].busy && model_refresh(s, ai, CAUSE_BACKGROUND, false) != NONE) {
            s->keys[key].busy = 1;
            model_count(s, ai, CNT_EARLY_REFRESHES);
        }
        model_finish(s, ai, OUT_STALE);
        return;
    }
    model_miss(s, ai, v);
}

static void swr_query_done(sim *s, uint32_t qi, bool ok)
{
    if (s->q[qi].cause == CAUSE_BACKGROUND) s->keys[s->q[qi].key].busy = 0;
    model_answer_issuer(s, qi, ok);
}

static const param_spec swr_specs[] = {
    { .name = "grace", .type = PARAM_DURATION, .offset = offsetof(swr_params, grace), .def = "10s",
      .min = 0, .max = INFINITY, .help = "how long after expiry the expired value is served while one refresh runs" },
    { .name = "recompute", .type = PARAM_STRATEGY, .offset = offsetof(swr_params, recompute),
      .help = "a strategy that coordinates recomputes (lock, coalesce, lease): misses and refreshes go through it" },
};

const strategy_ops strategy_swr = {
    .name = "swr",
    .summary = "stale-while-revalidate: serve the expired value within grace, refresh once in the background",
    .params = swr_specs,
    .nparams = sizeof swr_specs / sizeof swr_specs[0],
    .params_size = sizeof(swr_params),
    .lookup = swr_lookup,
    .query_done = swr_query_done,
};
