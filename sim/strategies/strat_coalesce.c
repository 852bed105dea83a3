/* strat_coalesce.c - single flight per key, within a node or the whole fleet.
 * The first attempt to miss leads: it queries the DB and its query becomes the
 * flight of its (scope, key).  Later misses join the flight and are answered
 * with its result, or its error.  Invariant: every attempt on a flight's
 * waiter list (doubly linked through attempt.next/prev) is still waiting on it. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/u64map.h"
#include "model/model.h"

typedef struct coalesce_params {
    int scope;            /* 0 node, 1 global */
    double max_wait;      /* INFINITY: wait for the flight however long */
    int on_give_up;
} coalesce_params;

enum { SCOPE_NODE, SCOPE_GLOBAL };
enum { TAG_GIVEUP };
enum { JOINED = 1 };

typedef struct coalesce_state {
    u64map flights;       /* (node, key) -> query, for node scope */
} coalesce_state;

static uint64_t flight_key(const sim *s, uint32_t node, uint32_t key)
{
    const coalesce_params *p = s->params;
    return p->scope == SCOPE_GLOBAL ? key : ((uint64_t)node << 32 | key);
}

static uint32_t flight_get(const sim *s, uint32_t node, uint32_t key)
{
    const coalesce_params *p = s->params;
    if (p->scope == SCOPE_GLOBAL) return s->keys[key].scratch;
    return u64map_get(&((coalesce_state *)s->strat)->flights, flight_key(s, node, key));
}

static void flight_set(sim *s, uint32_t node, uint32_t key, uint32_t q)
{
    const coalesce_params *p = s->params;
    if (p->scope == SCOPE_GLOBAL) s->keys[key].scratch = q;
    else if (q == NONE) u64map_del(&((coalesce_state *)s->strat)->flights, flight_key(s, node, key));
    else if (u64map_put(&((coalesce_state *)s->strat)->flights, flight_key(s, node, key), q)) s->fail = 1;
}

static void unlink_waiter(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    query *q = &s->q[a->query];
    if (a->prev) s->att[a->prev].next = a->next;
    else q->waiters = a->next;
    if (a->next) s->att[a->next].prev = a->prev;
    a->next = a->prev = NONE;
    a->sflag &= (uint8_t)~JOINED;
    model_unjoin(s, ai);
}

static void coalesce_lookup(sim *s, uint32_t ai, const lookup_view *v)
{
    const coalesce_params *p = s->params;
    attempt *a = &s->att[ai];
    if (v->fresh) {
        model_finish(s, ai, OUT_HIT);
        return;
    }
    a->read_stale = v->present;
    uint32_t f = flight_get(s, a->node, a->key);
    if (f != NONE) {
        query *q = &s->q[f];
        model_join(s, ai, f);
        a->sflag |= JOINED;
        a->prev = NONE;
        a->next = q->waiters;
        if (q->waiters) s->att[q->waiters].prev = ai;
        q->waiters = ai;
        model_count(s, ai, CNT_COALESCED);
        if (isfinite(p->max_wait)) model_sleep(s, ai, p->max_wait, TAG_GIVEUP);
        return;
    }
    uint32_t q = model_query(s, ai, CAUSE_MISS, true);
    if (q == NONE) model_fail(s, ai, FAIL_REJECTED);
    else flight_set(s, a->node, a->key, q);
}

static void coalesce_wake(sim *s, uint32_t ai, uint32_t tag)
{
    const coalesce_params *p = s->params;
    (void)tag;
    if (!(s->att[ai].sflag & JOINED)) return;
    unlink_waiter(s, ai);
    model_give_up(s, ai, (enum give_up)p->on_give_up);
}

static void coalesce_abandon(sim *s, uint32_t ai)
{
    if (s->att[ai].sflag & JOINED) unlink_waiter(s, ai);
}

static void coalesce_query_done(sim *s, uint32_t qi, bool ok)
{
    query *q = &s->q[qi];
    if (flight_get(s, q->node, q->key) == qi) flight_set(s, q->node, q->key, NONE);
    model_answer_issuer(s, qi, ok);
    /* Answer the joiners in the order they joined (the list is newest first). */
    uint32_t last = s->q[qi].waiters;
    while (last && s->att[last].next) last = s->att[last].next;
    for (uint32_t ai = last; ai;) {
        uint32_t prev = s->att[ai].prev;
        s->att[ai].sflag &= (uint8_t)~JOINED;
        s->att[ai].next = s->att[ai].prev = NONE;
        if (ok) model_finish(s, ai, OUT_WAITED);
        else model_fail(s, ai, (enum failure)s->q[qi].fail);
        ai = prev;
    }
    s->q[qi].waiters = NONE;
}

/* As a recompute: a refresh leads a flight unless one is in flight already
 * (later misses then join it). */
static uint32_t coalesce_early(sim *s, uint32_t ai, int cause, bool wait)
{
    const attempt *a = &s->att[ai];
    uint32_t node = a->node, key = a->key;
    if (flight_get(s, node, key) != NONE) return NONE;
    uint32_t q = model_query(s, ai, (enum cause)cause, wait);
    if (q != NONE) flight_set(s, node, key, q);
    return q;
}

static int coalesce_init(sim *s)
{
    s->strat = calloc(1, sizeof(coalesce_state));
    return s->strat ? 0 : -1;
}

static void coalesce_fini(sim *s)
{
    coalesce_state *st = s->strat;
    if (st) u64map_free(&st->flights);
    free(st);
    s->strat = NULL;
}

static const char *const scope_choices[] = { "node", "global", NULL };

static const param_spec coalesce_specs[] = {
    { .name = "scope", .type = PARAM_ENUM, .offset = offsetof(coalesce_params, scope), .def = "node",
      .choices = scope_choices, .help = "share a query within one app node (node) or the whole fleet (global)" },
    { .name = "max_wait", .type = PARAM_DURATION, .offset = offsetof(coalesce_params, max_wait), .def = NULL,
      .min = 0, .min_open = true, .max = INFINITY, .help = "give up this long after joining (default: never)" },
    { .name = "on_give_up", .type = PARAM_ENUM, .offset = offsetof(coalesce_params, on_give_up), .def = "db",
      .choices = give_up_choices, .help = "at max_wait: query the DB alone (db), fail (error) or serve the expired value (stale)" },
};

const strategy_ops strategy_coalesce = {
    .name = "coalesce",
    .summary = "single flight: misses join the query in flight for their key",
    .params = coalesce_specs,
    .nparams = sizeof coalesce_specs / sizeof coalesce_specs[0],
    .params_size = sizeof(coalesce_params),
    .init = coalesce_init,
    .fini = coalesce_fini,
    .lookup = coalesce_lookup,
    .wake = coalesce_wake,
    .query_done = coalesce_query_done,
    .abandon = coalesce_abandon,
    .early = coalesce_early,
};
