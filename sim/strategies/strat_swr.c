/* strat_swr.c - stale-while-revalidate (HTTP's stale-while-revalidate, Varnish
 * grace, nginx "proxy_cache_use_stale updating"): within `grace` after expiry
 * an attempt is served the expired value and one background refresh runs per
 * key; after grace, a miss queries the DB as under none (without a
 * `recompute` it does not join the background refresh in flight).  Slot: per
 * key, whether its background refresh is in flight. */
#include <math.h>
#include <stddef.h>

#include "model/model.h"
#include "model/strategy.h"

typedef struct swr_params {
    double grace;
    const strategy_cfg *recompute;
} swr_params;

static void swr_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    const swr_params *p = self->params;
    uint8_t *busy = strategy_key_slot(self, model_att_key(s, att));
    if (v->fresh) {
        model_finish(s, att, OUT_HIT);
        return;
    }
    if (v->present && model_now(s) < v->expiry + p->grace) {
        if (!*busy && model_refresh(s, self, att, CAUSE_BACKGROUND, false) != MODEL_NONE) {
            *busy = 1;
            model_count(s, att, CNT_EARLY_REFRESHES);
        }
        model_finish(s, att, OUT_STALE);
        return;
    }
    model_miss(s, self, att, v);
}

static void swr_query_done(sim *s, struct strategy *self, uint32_t q, bool ok)
{
    if (model_query_cause(s, q) == CAUSE_BACKGROUND) *(uint8_t *)strategy_key_slot(self, model_query_key(s, q)) = 0;
    model_answer_issuer(s, q, ok);
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
    .key_slot = sizeof(uint8_t),
    .lookup = swr_lookup,
    .query_done = swr_query_done,
};
