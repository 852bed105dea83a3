/* engine.h - the pending-event set and the simulation clock.
 *
 * Events are ordered by time, then by the order they were scheduled, so two
 * runs with the same inputs pop events in exactly the same order.  The caller
 * owns the engine (engine_init/engine_free); events are plain values copied
 * into the set, so nothing the caller passes in is retained. */
#ifndef STAMPEDE_ENGINE_H
#define STAMPEDE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#define ENGINE_LANES 4

/* The pending-event set: a 4-ary min-heap on (t, seq), stored by value, plus
 * a few FIFO lanes; a pop takes the least (t, seq) of the heap top and the
 * lane heads, so the order is the same as with the heap alone.  Cancellation
 * is lazy: a cancelled sequence number is remembered in a small
 * open-addressing set and skipped when it reaches the top. */
typedef struct engine {
    event *heap;
    size_t n, cap;
    lane lanes[ENGINE_LANES];
    unsigned lanes_busy;    /* bit l set while lane l holds events */
    uint64_t next_seq;
    double now;
    uint64_t popped;        /* events delivered by engine_pop */
    uint64_t *cancelled;    /* open-addressing set of cancelled seqs (0 = empty slot) */
    size_t ncancel, cancel_cap;
} engine;

/* Returns 0, or -1 when memory runs out (the engine is then empty but valid). */
int engine_init(engine *e, size_t initial_capacity);
void engine_free(engine *e);

/* Schedules an event at time t (t >= now); returns its handle (its seq, never 0),
 * or 0 when memory runs out. */
uint64_t engine_schedule(engine *e, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c);

/* Schedules like engine_schedule into FIFO lane l (< ENGINE_LANES): cheap when
 * t is not before the lane's newest event, else it goes to the heap.  Events
 * in lanes cannot be cancelled. */
uint64_t engine_schedule_fifo(engine *e, unsigned l, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c);

/* The time of the earliest pending event, or INFINITY when none is pending
 * (cancelled events count: the answer may be early, never late). */
double engine_peek_time(const engine *e);

/* A sequence number taken now for an event that may be scheduled later with
 * engine_schedule_at_seq, so it keeps the place in tie order it would have had. */
static inline uint64_t engine_reserve_seq(engine *e) { return e->next_seq++; }
uint64_t engine_schedule_at_seq(engine *e, uint64_t seq, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c);

/* Cancels a pending event by handle; cancelling one already delivered or
 * unknown is a harmless no-op only if the handle was never reused (it never is). */
int engine_cancel(engine *e, uint64_t handle);

/* Pops the earliest live event into *out and advances now; false when empty. */
bool engine_pop(engine *e, event *out);

/* Number of pending events, cancelled ones included until they are skipped. */
static inline size_t engine_pending(const engine *e)
{
    size_t n = e->n;
    for (int l = 0; l < ENGINE_LANES; l++) n += e->lanes[l].n;
    return n;
}

#endif
