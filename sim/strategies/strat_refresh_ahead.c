/* strat_refresh_ahead.c - refresh ahead of expiry (Caffeine's refreshAfterWrite,
 * FusionCache's eager refresh): the first read of a fresh value that has lived
 * `fraction` of its own TTL (expiry - written: the jittered TTL it was written
 * with) starts one background refresh and is served the current value.
 * Without a `recompute`, a miss does not join that refresh: it queries as
 * under none.  Slot: per key, whether its background refresh is in flight. */
#include <math.h>
#include <stddef.h>

#include "model/model.h"
#include "model/strategy.h"

typedef struct refresh_ahead_params {
    double fraction;
    const strategy_cfg *recompute;
} refresh_ahead_params;

static void ra_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    const refresh_ahead_params *p = self->params;
    if (!v->fresh) {
        model_miss(s, self, att, v);
        return;
    }
    uint8_t *busy = strategy_key_slot(self, model_att_key(s, att));
    if (!*busy && model_now(s) >= v->written + p->fraction * (v->expiry - v->written) &&
        model_refresh(s, self, att, CAUSE_BACKGROUND, false) != MODEL_NONE) {
        *busy = 1;
        model_count(s, att, CNT_EARLY_REFRESHES);
    }
    model_finish(s, att, OUT_HIT);
}

static void ra_query_done(sim *s, struct strategy *self, uint32_t q, bool ok)
{
    if (model_query_cause(s, q) == CAUSE_BACKGROUND) *(uint8_t *)strategy_key_slot(self, model_query_key(s, q)) = 0;
    model_answer_issuer(s, q, ok);
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
    .key_slot = sizeof(uint8_t),
    .lookup = ra_lookup,
    .query_done = ra_query_done,
};
