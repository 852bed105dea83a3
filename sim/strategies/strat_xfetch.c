/* strat_xfetch.c - probabilistic early expiration (Vattani, Chierichetti and
 * Lowenstein, VLDB 2015).  An attempt that finds a fresh value with expiry E
 * and recompute time Δ refreshes early when now - Δ·β·ln(U) >= E, U uniform in
 * (0, 1] from the strategies' own stream, so ln U is finite.  Without a
 * `recompute`, a miss does not join an async early refresh in flight for its
 * key: it queries as under none.  No slots: it keeps no state. */
#include <math.h>
#include <stddef.h>

#include "model/model.h"
#include "model/strategy.h"

typedef struct xfetch_params {
    double beta;
    int refresh;          /* 0 sync, 1 async */
    const strategy_cfg *recompute;
} xfetch_params;

enum { REFRESH_SYNC, REFRESH_ASYNC };

static void xfetch_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    const xfetch_params *p = self->params;
    if (!v->fresh) {
        model_miss(s, self, att, v);
        return;
    }
    double u = 1.0 - rng_uniform(model_strategy_rng(s));   /* (0, 1] */
    if (model_now(s) - v->delta * p->beta * log(u) < v->expiry) {
        model_finish(s, att, OUT_HIT);
        return;
    }
    if (p->refresh == REFRESH_ASYNC) {
        if (model_refresh(s, self, att, CAUSE_EARLY, false) != MODEL_NONE) model_count(s, att, CNT_EARLY_REFRESHES);
        model_finish(s, att, OUT_HIT);   /* started or not, the fresh value is served */
    } else if (model_refresh(s, self, att, CAUSE_EARLY, true) == MODEL_NONE) {
        model_finish(s, att, OUT_HIT);   /* declined or rejected: serve the still-fresh value */
    } else {
        model_count(s, att, CNT_EARLY_REFRESHES);
    }
}

static const char *const refresh_choices[] = { "sync", "async", NULL };

static const param_spec xfetch_specs[] = {
    { .name = "beta", .type = PARAM_NUMBER, .offset = offsetof(xfetch_params, beta), .def = "1",
      .min = 0, .max = INFINITY, .help = "eagerness: larger refreshes earlier (1 is the paper's optimum)" },
    { .name = "refresh", .type = PARAM_ENUM, .offset = offsetof(xfetch_params, refresh), .def = "sync",
      .choices = refresh_choices, .help = "the early attempt waits for the new value (sync) or is served the current one (async)" },
    { .name = "recompute", .type = PARAM_STRATEGY, .offset = offsetof(xfetch_params, recompute),
      .help = "a strategy that coordinates recomputes (lock, coalesce, lease): misses and refreshes go through it" },
};

const strategy_ops strategy_xfetch = {
    .name = "xfetch",
    .summary = "probabilistic early expiration (XFetch)",
    .params = xfetch_specs,
    .nparams = sizeof xfetch_specs / sizeof xfetch_specs[0],
    .params_size = sizeof(xfetch_params),
    .lookup = xfetch_lookup,
};
