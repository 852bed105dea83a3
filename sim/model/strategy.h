/* strategy.h - the plug-in interface of protection strategies, as the model
 * calls them (the model's layer defines it; the strategies in sim/strategies/
 * fill it).
 *
 * A strategy is one file that fills one strategy_ops and is listed by name in
 * the registry (strategies/registry.h); it includes this header and model.h.  Each strategy configured in a run is an
 * instance (struct strategy): its ops, its parameters and its state, handed
 * to every hook it gets, as an event loop hands a callback its own data.
 *
 * The model calls a strategy at the points where strategies differ: when an
 * attempt's get has read the cache (lookup), when a step the strategy
 * scheduled for an attempt ends (wake), when a query ends (query_done), and
 * when a client abandons an attempt (abandon).  A strategy acts only through
 * the model's calls (model.h) and keeps its state where it declares it: per
 * run behind self->state (init makes it, fini frees it), and in slots of
 * key_slot bytes per key, att_slot bytes per attempt and query_slot bytes per
 * query, which the model allocates and zeroes (a key's when the run starts,
 * an attempt's when it starts, a query's when it is issued) and never reads.
 * A slot's address may change between hooks (the pools grow): look it up
 * again in each hook.
 *
 * A combination is an outer instance holding an inner one (self->inner): a
 * strategy with a `recompute` parameter (PARAM_STRATEGY) hands misses and
 * refreshes to the strategy there through model_miss and model_refresh; the
 * inner one's lookup and early hooks run for them, its wake hook for the
 * steps it schedules; both get every query_done and abandon, outer first.
 * Parameters are declared as a table, so the loader checks them without
 * knowing the strategy. */
#ifndef STAMPEDE_STRATEGY_H
#define STAMPEDE_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scenario.h"
#include "vocab.h"

/* The model's (model/model.h, which a strategy includes to act). */
struct sim;
struct lookup_view;

/* PARAM_STRATEGY: a nested strategy object that coordinates this strategy's
 * recomputes (one with an `early` hook: lock, coalesce, lease), stored as a
 * strategy_cfg pointer (NULL when absent), owned by the scenario. */
enum param_type { PARAM_DURATION, PARAM_NUMBER, PARAM_BOOL, PARAM_ENUM, PARAM_STRATEGY };

/* One parameter: where it goes in the params struct and what is allowed.
 * DURATION and NUMBER are stored as double, BOOL as bool, ENUM as int (index
 * into choices).  Absent: def is used; def NULL means "not set", stored as
 * INFINITY (numbers) or -1 (enums). */
typedef struct param_spec {
    const char *name;
    enum param_type type;
    size_t offset;
    const char *def;           /* default, in the scenario's own syntax */
    double min, max;           /* allowed range for numbers and durations */
    bool min_open, max_open;   /* exclusive bounds */
    const char *const *choices;/* ENUM: NULL-terminated */
    const char *help;          /* one line for the README and --help */
} param_spec;

struct strategy;

typedef struct strategy_ops {
    const char *name;
    const char *summary;
    const param_spec *params;
    size_t nparams;
    size_t params_size;
    /* The bytes of state it keeps per key, per attempt and per query (its
     * slots; 0: none). */
    size_t key_slot, att_slot, query_slot;
    /* Cross-parameter checks after each parameter was checked alone: returns
     * NULL or a message naming the problem. Optional. */
    const char *(*check)(const void *params);
    /* Per-run set-up and tear-down of self->state; init returns 0 or -1 on
     * no memory.  Optional. */
    int (*init)(struct sim *s, struct strategy *self);
    void (*fini)(struct sim *s, struct strategy *self);
    /* The get of attempt att ended and read the cache (hit/miss already
     * counted): v is what it found.  The strategy answers att, makes it
     * query or wait, or schedules steps for it. */
    void (*lookup)(struct sim *s, struct strategy *self, uint32_t att, const struct lookup_view *v);
    /* A cache step or sleep the strategy asked for with tag ended.  Optional
     * (required of a strategy that asks for steps). */
    void (*wake)(struct sim *s, struct strategy *self, uint32_t att, uint32_t tag);
    /* Query q ended: finished with its value just written (ok), or failed
     * after it was admitted (!ok: dropped at db.queue_timeout, aborted at
     * db.statement_timeout, or cancelled; nothing written).  The strategy
     * answers whoever it made wait on q (with an error when !ok; the issuer
     * by model_answer_issuer) and forgets q.  Optional: without it, the
     * model answers the issuer.  A query the DB rejected at once never gets
     * here: model_query returned MODEL_NONE for it. */
    void (*query_done)(struct sim *s, struct strategy *self, uint32_t q, bool ok);
    /* Attempt att ends by client timeout: forget it from any wait list. Optional. */
    void (*abandon)(struct sim *s, struct strategy *self, uint32_t att);
    /* As the `recompute` of another strategy: att wants a refresh of its key
     * (an early or background one, cause c); issue it as this strategy allows
     * (wait: att waits for it) and return the query, or MODEL_NONE when this
     * strategy declines (another is recomputing) or the DB rejects it.
     * Optional: only strategies that can coordinate recomputes have it. */
    uint32_t (*early)(struct sim *s, struct strategy *self, uint32_t att, enum cause c, bool wait);
    /* For the work estimate before a run (scenario/budget.c), of a strategy
     * whose waiting attempts poll: with these params, the period of the polls
     * (*every, the parameter named *field) and the longest an attempt may
     * wait (*wait).  Optional: NULL for a strategy that does not poll. */
    void (*polls)(const void *params, double *every, double *wait, const char **field);
} strategy_ops;

/* A strategy of a run.  ops, params, state and inner are the strategy's to
 * read; the model sets them up and keeps the slots. */
struct strategy {
    const strategy_ops *ops;
    const void *params;       /* its parameters: ops->params_size bytes, the scenario's */
    void *state;              /* its per-run state (init/fini), or NULL */
    struct strategy *inner;   /* the recompute strategy it holds, or NULL */
    /* the model's: */
    unsigned char *key_slots, *att_slots, *query_slots;
    /* ops->query_done, or the model's answer to the issuer */
    void (*query_done)(struct sim *s, struct strategy *self, uint32_t q, bool ok);
    unsigned id;              /* its place in the run's chain, outer first */
};

/* The instance's slot of key, attempt att or query q (ops->key_slot,
 * att_slot, query_slot bytes, zeroed when the key's record is made, the
 * attempt or the query started). */
static inline void *strategy_key_slot(const struct strategy *self, uint32_t key)
{
    return self->key_slots + (size_t)key * self->ops->key_slot;
}
static inline void *strategy_att_slot(const struct strategy *self, uint32_t att)
{
    return self->att_slots + (size_t)att * self->ops->att_slot;
}
static inline void *strategy_query_slot(const struct strategy *self, uint32_t q)
{
    return self->query_slots + (size_t)q * self->ops->query_slot;
}

/* The strategy a configured one holds in its PARAM_STRATEGY parameter (its
 * `recompute`), or NULL. */
static inline const strategy_cfg *strategy_cfg_inner(const strategy_cfg *cfg)
{
    for (size_t k = 0; cfg->ops && k < cfg->ops->nparams; k++) {
        const param_spec *p = &cfg->ops->params[k];
        if (p->type != PARAM_STRATEGY) continue;
        const strategy_cfg *in;
        memcpy(&in, (const char *)cfg->params + p->offset, sizeof in);
        if (in) return in;
    }
    return NULL;
}


#endif
