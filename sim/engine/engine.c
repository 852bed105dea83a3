/* engine.c - the pending-event set: a 4-ary min-heap of events stored by value,
 * keyed on (t, seq).  Invariant: every parent is <= each of its children, so
 * the root is the next event; seq is unique, so the order is total. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int engine_init(engine *e, size_t initial_capacity)
{
    memset(e, 0, sizeof *e);
    e->next_seq = 1;
    if (initial_capacity < 64) initial_capacity = 64;
    e->heap = malloc(initial_capacity * sizeof *e->heap);
    if (!e->heap) return -1;
    e->cap = initial_capacity;
    return 0;
}

void engine_free(engine *e)
{
    for (int l = 0; l < ENGINE_LANES; l++) free(e->lanes[l].buf);
    free(e->heap);
    free(e->cancelled);
    memset(e, 0, sizeof *e);
}

int engine_grow_heap(engine *e)
{
    size_t ncap = e->cap * 2;
    event *h = realloc(e->heap, ncap * sizeof *h);
    if (!h) return -1;
    e->heap = h;
    e->cap = ncap;
    return 0;
}

int engine_grow_lane(lane *q)
{
    size_t ncap = q->cap ? q->cap * 2 : 256;
    event *nb = malloc(ncap * sizeof *nb);
    if (!nb) return -1;
    for (size_t i = 0; i < q->n; i++) nb[i] = q->buf[(q->head + i) & (q->cap - 1)];
    free(q->buf);
    q->buf = nb;
    q->head = 0;
    q->cap = ncap;
    return 0;
}

static inline size_t hash_seq(uint64_t s, size_t mask)
{
    s *= 0x9E3779B97F4A7C15ull;
    return (size_t)(s >> 32) & mask;
}

static int cancel_grow(engine *e)
{
    size_t ncap = e->cancel_cap ? e->cancel_cap * 2 : 64;
    uint64_t *t = calloc(ncap, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < e->cancel_cap; i++) {
        uint64_t s = e->cancelled[i];
        if (!s) continue;
        size_t j = hash_seq(s, ncap - 1);
        while (t[j]) j = (j + 1) & (ncap - 1);
        t[j] = s;
    }
    free(e->cancelled);
    e->cancelled = t;
    e->cancel_cap = ncap;
    return 0;
}

int engine_cancel(engine *e, uint64_t handle)
{
    if (handle == 0 || handle >= e->next_seq) return 0;
    if ((e->ncancel + 1) * 2 > e->cancel_cap && cancel_grow(e) != 0) return -1;
    size_t mask = e->cancel_cap - 1, j = hash_seq(handle, mask);
    while (e->cancelled[j]) {
        if (e->cancelled[j] == handle) return 0;
        j = (j + 1) & mask;
    }
    e->cancelled[j] = handle;
    e->ncancel++;
    return 0;
}

/* Removes seq from the cancelled set if present (backward-shift deletion). */
bool engine_take_cancelled(engine *e, uint64_t seq)
{
    size_t mask = e->cancel_cap - 1, j = hash_seq(seq, mask);
    while (e->cancelled[j] != seq) {
        if (!e->cancelled[j]) return false;
        j = (j + 1) & mask;
    }
    size_t hole = j;
    for (;;) {
        j = (j + 1) & mask;
        uint64_t s = e->cancelled[j];
        if (!s) break;
        size_t home = hash_seq(s, mask);
        /* s may move into the hole if its home is not in (hole, j]. */
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            e->cancelled[hole] = s;
            hole = j;
        }
    }
    e->cancelled[hole] = 0;
    e->ncancel--;
    return true;
}

void engine_pop_root(engine *e, event *out)
{
    event *h = e->heap;
    *out = h[0];
    size_t n = --e->n;
    if (n == 0) return;
    event last = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = (i << 2) + 1;
        if (c >= n) break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (engine_before(&h[k], &h[best])) best = k;
        if (!engine_before(&h[best], &last)) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}
