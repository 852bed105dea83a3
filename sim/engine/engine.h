/* engine.h - the pending-event set and the simulation clock.
 *
 * Events are ordered by time, then by the order they were scheduled, so two
 * runs with the same inputs pop events in exactly the same order.  The caller
 * owns the engine (engine_init/engine_free); events are plain values copied
 * into the set, so nothing the caller passes in is retained. */
#ifndef STAMPEDE_ENGINE_H
#define STAMPEDE_ENGINE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* One pending event: when, a tie-breaking sequence number, and a payload the
 * engine never interprets (kind selects the handler, a/b/c are its operands). */
typedef struct event {
    double t;
    uint64_t seq;
    uint32_t kind;
    uint32_t a;
    uint32_t b;
    uint32_t c;
} event;

/* A FIFO lane: events whose times never decrease in scheduling order (those
 * scheduled a constant delay after now), kept in a ring instead of the heap. */
typedef struct lane {
    event *buf;
    size_t head, n, cap;    /* cap is a power of two */
    double last;            /* time of the newest event */
} lane;

#define ENGINE_LANES 6

/* The calls below run once or twice an event: always inlined (a call's
 * register saves would cost more than most of them do). */
#define ENGINE_INLINE static inline __attribute__((always_inline))

/* The pending-event set: a 4-ary min-heap on (t, seq), stored by value, a
 * few FIFO lanes, and one slot for an event at the current time; a pop takes
 * the least (t, seq) of the heap top, the lane heads and the slot, so the
 * order is the same as with the heap alone.  Cancellation is lazy: a
 * cancelled sequence number is remembered in a small open-addressing set and
 * skipped when it reaches the top. */
typedef struct engine {
    event *heap;
    size_t n, cap;
    lane lanes[ENGINE_LANES];
    unsigned lanes_busy;    /* bit l set while lane l holds events */
    /* A lane event at the current time (a zero delay: a cache operation of
     * latency 0) scheduled when nothing else is pending at this instant: it
     * is the next event (whatever is scheduled after it comes after it), so
     * it waits here and the next pop returns it without a comparison. */
    event at_now;
    bool at_now_busy;
    uint64_t next_seq;
    double now;
    uint64_t popped;        /* events delivered by engine_pop */
    uint64_t *cancelled;    /* open-addressing set of cancelled seqs (0 = empty slot) */
    size_t ncancel, cancel_cap;
} engine;

/* Returns 0, or -1 when memory runs out (the engine is then empty but valid). */
int engine_init(engine *e, size_t initial_capacity);
void engine_free(engine *e);


/* The time of the earliest pending event, or INFINITY when none is pending
 * (cancelled events count: the answer may be early, never late). */
ENGINE_INLINE double engine_peek_time(const engine *e)
{
    if (e->at_now_busy) return e->at_now.t;   /* nothing is before now */
    double t = e->n ? e->heap[0].t : INFINITY;
    for (unsigned busy = e->lanes_busy; busy; busy &= busy - 1) {
        const lane *q = &e->lanes[__builtin_ctz(busy)];
        if (q->buf[q->head].t < t) t = q->buf[q->head].t;
    }
    return t;
}

/* Cancels a pending event by handle; cancelling one already delivered or
 * unknown is a harmless no-op only if the handle was never reused (it never is). */
int engine_cancel(engine *e, uint64_t handle);

/* (t, seq) order.  Times are never negative, so their IEEE-754 bits order
 * like the numbers: one 128-bit integer compare, no unpredictable branch. */
ENGINE_INLINE bool engine_before(const event *x, const event *y)
{
    uint64_t xt, yt;
    memcpy(&xt, &x->t, sizeof xt);
    memcpy(&yt, &y->t, sizeof yt);
    unsigned __int128 a = (unsigned __int128)xt << 64 | x->seq, b = (unsigned __int128)yt << 64 | y->seq;
    return a < b;
}

/* Internals of the inline calls below, which run once or twice an event:
 * the rare ways (growing, the heap's root, a cancelled event) stay out of line. */
void engine_pop_root(engine *e, event *out);
bool engine_take_cancelled(engine *e, uint64_t seq);
int engine_grow_heap(engine *e);
int engine_grow_lane(lane *q);

/* Schedules an event at time t (t >= now); returns its handle (its seq, never 0),
 * or 0 when memory runs out. */
ENGINE_INLINE uint64_t engine_schedule(engine *e, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    if (e->n == e->cap && engine_grow_heap(e)) return 0;
    uint64_t seq = e->next_seq++;
    event ev = { .t = t + 0.0, .seq = seq, .kind = kind, .a = a, .b = b, .c = c };   /* -0 -> +0 */
    /* Sift up: move parents down until ev's place is found. */
    size_t i = e->n++;
    event *h = e->heap;
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!engine_before(&ev, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = ev;
    return seq;
}

/* Schedules like engine_schedule into FIFO lane l (< ENGINE_LANES): cheap when
 * t is not before the lane's newest event, else it goes to the heap.  An
 * event at the current time when nothing else is pending at this instant
 * takes the at-now slot instead (the cheapest way: a zero-latency get of the
 * model).  Events in lanes cannot be cancelled. */
ENGINE_INLINE uint64_t engine_schedule_fifo(engine *e, unsigned l, double t, uint32_t kind, uint32_t a, uint32_t b,
                                            uint32_t c)
{
    if (t == e->now && engine_peek_time(e) > t) {   /* the slot is free: its event would be at now */
        e->at_now = (event){ .t = e->now, .seq = e->next_seq++, .kind = kind, .a = a, .b = b, .c = c };
        e->at_now_busy = true;
        return e->at_now.seq;
    }
    lane *q = &e->lanes[l];
    if (q->n && t < q->last) return engine_schedule(e, t, kind, a, b, c);
    if (q->n == q->cap && engine_grow_lane(q)) return 0;
    e->lanes_busy |= 1u << l;
    event *ev = &q->buf[(q->head + q->n++) & (q->cap - 1)];
    *ev = (event){ .t = t + 0.0, .seq = e->next_seq++, .kind = kind, .a = a, .b = b, .c = c };
    q->last = t;
    return ev->seq;
}

/* Pops the earliest live event into *out and advances now; false when empty. */
ENGINE_INLINE bool engine_pop(engine *e, event *out)
{
    if (e->at_now_busy) {   /* the least: at now, before all else pending there */
        *out = e->at_now;
        e->at_now_busy = false;
        e->popped++;
        return true;
    }
    for (;;) {
        /* The least of the heap top and the lane heads. */
        const event *best = e->n ? &e->heap[0] : NULL;
        int from = -1;
        for (unsigned busy = e->lanes_busy; busy; busy &= busy - 1) {
            int l = __builtin_ctz(busy);
            lane *q = &e->lanes[l];
            const event *h = &q->buf[q->head];
            if (!best || engine_before(h, best)) { best = h; from = l; }
        }
        if (!best) return false;
        if (from < 0) {
            engine_pop_root(e, out);
            if (e->ncancel && engine_take_cancelled(e, out->seq)) continue;
        } else {
            lane *q = &e->lanes[from];
            *out = q->buf[q->head];
            q->head = (q->head + 1) & (q->cap - 1);
            if (--q->n == 0) e->lanes_busy &= ~(1u << from);
        }
        e->now = out->t;
        e->popped++;
        return true;
    }
}

/* Number of pending events, cancelled ones included until they are skipped. */
ENGINE_INLINE size_t engine_pending(const engine *e)
{
    size_t n = e->n + e->at_now_busy;
    for (int l = 0; l < ENGINE_LANES; l++) n += e->lanes[l].n;
    return n;
}

#endif
