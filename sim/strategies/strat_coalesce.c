/* strat_coalesce.c - single flight per key, within a node or the whole fleet.
 * The first attempt to miss leads: it queries the DB and its query becomes the
 * flight of its (scope, key).  Later misses join the flight and are answered
 * with its result, or its error.  Slots: per key, the flight (global scope;
 * node scope keeps a map of (node, key) in its state); per query, the head of
 * its list of joiners; per attempt, its links in that list (doubly linked,
 * newest first) and whether it is on one.  Invariant: every attempt on a
 * flight's list is still waiting on it. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/u64map.h"
#include "model/model.h"
#include "model/strategy.h"

typedef struct coalesce_params {
    int scope;            /* 0 node, 1 global */
    double max_wait;      /* INFINITY: wait for the flight however long */
    int on_give_up;
} coalesce_params;

enum { SCOPE_NODE, SCOPE_GLOBAL };
enum { TAG_GIVEUP };

typedef struct coalesce_state {
    u64map flights;       /* (node, key) -> query, for node scope */
} coalesce_state;

typedef struct joiner {
    uint32_t next, prev;  /* in the flight's list */
    uint8_t joined;       /* on a list */
} joiner;

typedef struct flight_slot { uint32_t query; } flight_slot;     /* a key's (global scope) */
typedef struct waiters_slot { uint32_t head; } waiters_slot;    /* a query's */

static uint64_t flight_key(const coalesce_params *p, uint32_t node, uint32_t key)
{
    return p->scope == SCOPE_GLOBAL ? key : ((uint64_t)node << 32 | key);
}

static uint32_t flight_get(const struct strategy *self, uint32_t node, uint32_t key)
{
    const coalesce_params *p = self->params;
    if (p->scope == SCOPE_GLOBAL) return ((const flight_slot *)strategy_key_slot(self, key))->query;
    return u64map_get(&((coalesce_state *)self->state)->flights, flight_key(p, node, key));
}

static void flight_set(sim *s, struct strategy *self, uint32_t node, uint32_t key, uint32_t q)
{
    const coalesce_params *p = self->params;
    coalesce_state *st = self->state;
    if (p->scope == SCOPE_GLOBAL) ((flight_slot *)strategy_key_slot(self, key))->query = q;
    else if (q == MODEL_NONE) u64map_del(&st->flights, flight_key(p, node, key));
    else if (u64map_put(&st->flights, flight_key(p, node, key), q)) model_out_of_memory(s);
}

static joiner *joiner_of(const struct strategy *self, uint32_t att)
{
    return strategy_att_slot(self, att);
}

static void unlink_waiter(sim *s, struct strategy *self, uint32_t att)
{
    joiner *j = joiner_of(self, att);
    waiters_slot *w = strategy_query_slot(self, model_att_query(s, att));
    if (j->prev) joiner_of(self, j->prev)->next = j->next;
    else w->head = j->next;
    if (j->next) joiner_of(self, j->next)->prev = j->prev;
    j->next = j->prev = MODEL_NONE;
    j->joined = 0;
    model_unjoin(s, att);
}

static void coalesce_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    const coalesce_params *p = self->params;
    if (v->fresh) {
        model_finish(s, att, OUT_HIT);
        return;
    }
    model_read_stale(s, att, v->present);
    uint32_t node = model_att_node(s, att), key = model_att_key(s, att);
    uint32_t f = flight_get(self, node, key);
    if (f != MODEL_NONE) {
        waiters_slot *w = strategy_query_slot(self, f);
        joiner *j = joiner_of(self, att);
        model_join(s, att, f);
        j->joined = 1;
        j->prev = MODEL_NONE;
        j->next = w->head;
        if (w->head) joiner_of(self, w->head)->prev = att;
        w->head = att;
        model_count(s, att, CNT_COALESCED);
        if (isfinite(p->max_wait)) model_sleep(s, self, att, p->max_wait, TAG_GIVEUP);
        return;
    }
    uint32_t q = model_query(s, att, CAUSE_MISS, true);
    if (q == MODEL_NONE) model_fail(s, att, FAIL_REJECTED);
    else flight_set(s, self, node, key, q);
}

static void coalesce_wake(sim *s, struct strategy *self, uint32_t att, uint32_t tag)
{
    const coalesce_params *p = self->params;
    (void)tag;
    if (!joiner_of(self, att)->joined) return;
    unlink_waiter(s, self, att);
    model_give_up(s, att, (enum give_up)p->on_give_up);
}

static void coalesce_abandon(sim *s, struct strategy *self, uint32_t att)
{
    if (joiner_of(self, att)->joined) unlink_waiter(s, self, att);
}

static void coalesce_query_done(sim *s, struct strategy *self, uint32_t q, bool ok)
{
    uint32_t node = model_query_node(s, q), key = model_query_key(s, q);
    if (flight_get(self, node, key) == q) flight_set(s, self, node, key, MODEL_NONE);
    model_answer_issuer(s, q, ok);
    /* Answer the joiners in the order they joined (the list is newest first). */
    waiters_slot *w = strategy_query_slot(self, q);
    uint32_t last = w->head;
    while (last && joiner_of(self, last)->next) last = joiner_of(self, last)->next;
    enum failure f = model_query_failure(s, q);
    for (uint32_t att = last; att;) {
        joiner *j = joiner_of(self, att);
        uint32_t prev = j->prev;
        j->joined = 0;
        j->next = j->prev = MODEL_NONE;
        if (ok) model_finish(s, att, OUT_WAITED);
        else model_fail(s, att, f);
        att = prev;
    }
    w->head = MODEL_NONE;
}

/* As a recompute: a refresh leads a flight unless one is in flight already
 * (later misses then join it). */
static uint32_t coalesce_early(sim *s, struct strategy *self, uint32_t att, enum cause c, bool wait)
{
    uint32_t node = model_att_node(s, att), key = model_att_key(s, att);
    if (flight_get(self, node, key) != MODEL_NONE) return MODEL_NONE;
    uint32_t q = model_query(s, att, c, wait);
    if (q != MODEL_NONE) flight_set(s, self, node, key, q);
    return q;
}

static int coalesce_init(sim *s, struct strategy *self)
{
    (void)s;
    self->state = calloc(1, sizeof(coalesce_state));
    return self->state ? 0 : -1;
}

static void coalesce_fini(sim *s, struct strategy *self)
{
    coalesce_state *st = self->state;
    (void)s;
    if (st) u64map_free(&st->flights);
    free(st);
    self->state = NULL;
}

static const char *const scope_choices[] = { "node", "global", NULL };

static const param_spec coalesce_specs[] = {
    { .name = "scope", .type = PARAM_ENUM, .offset = offsetof(coalesce_params, scope), .def = "node",
      .choices = scope_choices, .help = "share a query within one app node (node) or the whole fleet (global)" },
    { .name = "max_wait", .type = PARAM_DURATION, .offset = offsetof(coalesce_params, max_wait), .def = NULL,
      .min = 0, .min_open = true, .max = INFINITY, .help = "give up this long after joining (default: never)" },
    { .name = "on_give_up", .type = PARAM_ENUM, .offset = offsetof(coalesce_params, on_give_up), .def = "db",
      .choices = model_give_up_choices, .help = "at max_wait: query the DB alone (db), fail (error) or serve the expired value (stale)" },
};

const strategy_ops strategy_coalesce = {
    .name = "coalesce",
    .summary = "single flight: misses join the query in flight for their key",
    .params = coalesce_specs,
    .nparams = sizeof coalesce_specs / sizeof coalesce_specs[0],
    .params_size = sizeof(coalesce_params),
    .key_slot = sizeof(flight_slot),
    .att_slot = sizeof(joiner),
    .query_slot = sizeof(waiters_slot),
    .init = coalesce_init,
    .fini = coalesce_fini,
    .lookup = coalesce_lookup,
    .wake = coalesce_wake,
    .query_done = coalesce_query_done,
    .abandon = coalesce_abandon,
    .early = coalesce_early,
};
