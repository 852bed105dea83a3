/* strategy.h - the plug-in interface of protection strategies.
 *
 * A strategy is one file that fills one strategy_ops and is listed by name in
 * the registry (strategies.c).  The model calls a strategy at the points where
 * strategies differ: when an attempt's get has read the cache, when a step the
 * strategy scheduled for an attempt ends, when a query finishes, and when a
 * client abandons an attempt.  A strategy acts only through the model's calls
 * in model.h (serve, query, cache step, sleep); per-run state it needs beyond
 * the per-key scratch word lives behind sim->strat, created by init and freed
 * by fini.  Parameters are declared as a table, so the loader checks them
 * without knowing the strategy. */
#ifndef STAMPEDE_STRATEGY_H
#define STAMPEDE_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim;

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

/* What the get of an attempt found. */
typedef struct lookup_view {
    bool fresh;        /* a value with now < expiry */
    bool present;      /* any value, fresh or expired */
    double expiry;     /* when present */
    double delta;      /* recompute time stored with the value, when present */
} lookup_view;

typedef struct strategy_ops {
    const char *name;
    const char *summary;
    const param_spec *params;
    size_t nparams;
    size_t params_size;
    /* Cross-parameter checks after each parameter was checked alone: returns
     * NULL or a message naming the problem. Optional. */
    const char *(*check)(const void *params);
    /* Per-run set-up and tear-down; init returns 0 or -1 on no memory. Optional. */
    int (*init)(struct sim *s);
    void (*fini)(struct sim *s);
    /* The get of attempt att ended and read the cache (hit/miss already counted). */
    void (*lookup)(struct sim *s, uint32_t att, const lookup_view *v);
    /* A cache step or sleep the strategy asked for with tag ended. Optional. */
    void (*wake)(struct sim *s, uint32_t att, uint32_t tag);
    /* Query q ended: finished with its value just written (ok), or failed
     * after it was admitted (!ok: dropped at db.queue_timeout, aborted at
     * db.statement_timeout, or cancelled; nothing written, and a lock or lease
     * its issuer took stays until its ttl).  The strategy answers whoever it
     * made wait on q, with an error when !ok (model_answer_issuer does the
     * usual thing for the issuer), and forgets q.  A query the DB rejected at
     * once never reaches query_done: model_query returned NONE for it. */
    void (*query_done)(struct sim *s, uint32_t q, bool ok);
    /* Attempt att ends by client timeout: forget it from any wait list. Optional. */
    void (*abandon)(struct sim *s, uint32_t att);
    /* As the `recompute` of another strategy: att wants a refresh of key (an
     * early or background one, cause); issue it as this strategy allows (wait:
     * att waits for it) and return the query, or NONE when this strategy
     * declines (another is recomputing) or the DB rejects it.  Optional: only
     * strategies that can coordinate recomputes have it. */
    uint32_t (*early)(struct sim *s, uint32_t att, int cause, bool wait);
} strategy_ops;

/* The registry: NULL when no strategy has that name. */
const strategy_ops *strategy_find(const char *name);
/* All registered strategies, NULL-terminated. */
extern const strategy_ops *const strategy_registry[];

#endif
