/* check_engine.c - the pending-event set: order by time, ties in scheduling
 * order, cancellation, growth, and the clock. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "testmain.h"

START_TEST(pops_in_time_order)
{
    engine e;
    ck_assert_int_eq(engine_init(&e, 4), 0);
    double ts[] = { 5, 1, 4, 2, 3, 0.5, 9, 7 };
    for (unsigned i = 0; i < 8; i++) ck_assert_uint_ne(engine_schedule(&e, ts[i], i, 0, 0, 0), 0);
    double last = -1;
    event ev;
    int n = 0;
    while (engine_pop(&e, &ev)) {
        ck_assert(ev.t >= last);
        ck_assert_double_eq(ev.t, ts[ev.kind]);
        ck_assert_double_eq(e.now, ev.t);
        last = ev.t;
        n++;
    }
    ck_assert_int_eq(n, 8);
    engine_free(&e);
}
END_TEST

START_TEST(ties_run_in_scheduling_order)
{
    engine e;
    ck_assert_int_eq(engine_init(&e, 2), 0);
    /* Interleave three instants; within each, scheduling order must hold. */
    for (unsigned i = 0; i < 3000; i++) engine_schedule(&e, (double)(i % 3), i, 0, 0, 0);
    event ev;
    unsigned prev[3] = { 0, 0, 0 };
    int seen[3] = { 0, 0, 0 };
    double last = -1;
    while (engine_pop(&e, &ev)) {
        unsigned slot = ev.kind % 3;
        ck_assert(ev.t >= last);
        if (seen[slot]) ck_assert_uint_gt(ev.kind, prev[slot]);
        prev[slot] = ev.kind;
        seen[slot] = 1;
        last = ev.t;
    }
    engine_free(&e);
}
END_TEST

START_TEST(ties_scheduled_during_a_pop_come_after)
{
    engine e;
    engine_init(&e, 8);
    engine_schedule(&e, 1.0, 1, 0, 0, 0);
    engine_schedule(&e, 1.0, 2, 0, 0, 0);
    event ev;
    ck_assert(engine_pop(&e, &ev));
    ck_assert_uint_eq(ev.kind, 1);
    engine_schedule(&e, 1.0, 3, 0, 0, 0);   /* same instant, later */
    ck_assert(engine_pop(&e, &ev));
    ck_assert_uint_eq(ev.kind, 2);
    ck_assert(engine_pop(&e, &ev));
    ck_assert_uint_eq(ev.kind, 3);
    ck_assert(!engine_pop(&e, &ev));
    engine_free(&e);
}
END_TEST

START_TEST(cancelled_events_are_skipped)
{
    engine e;
    engine_init(&e, 8);
    uint64_t h[100];
    for (unsigned i = 0; i < 100; i++) h[i] = engine_schedule(&e, (double)i, i, 0, 0, 0);
    for (unsigned i = 0; i < 100; i += 2) ck_assert_int_eq(engine_cancel(&e, h[i]), 0);
    ck_assert_int_eq(engine_cancel(&e, h[4]), 0);   /* twice is harmless */
    event ev;
    unsigned n = 0;
    while (engine_pop(&e, &ev)) {
        ck_assert_uint_eq(ev.kind % 2, 1);
        n++;
    }
    ck_assert_uint_eq(n, 50);
    ck_assert_uint_eq(e.ncancel, 0);
    ck_assert_uint_eq(e.popped, 50);
    engine_free(&e);
}
END_TEST

START_TEST(random_schedule_matches_sorted_order)
{
    engine e;
    engine_init(&e, 16);
    srand(7);
    enum { N = 100000 };
    static double t[N];
    for (unsigned i = 0; i < N; i++) {
        t[i] = (double)(rand() % 1000);   /* many ties */
        engine_schedule(&e, t[i], i, 0, 0, 0);
    }
    event ev;
    double lt = -1;
    unsigned lk = 0;
    unsigned n = 0;
    while (engine_pop(&e, &ev)) {
        ck_assert_double_eq(ev.t, t[ev.kind]);
        ck_assert(ev.t > lt || (ev.t == lt && ev.kind > lk));
        lt = ev.t;
        lk = ev.kind;
        n++;
    }
    ck_assert_uint_eq(n, N);
    engine_free(&e);
}
END_TEST

START_TEST(hold_model_keeps_size)
{
    /* Pop one, push one later: the classic benchmark shape, checked for order. */
    engine e;
    engine_init(&e, 16);
    for (unsigned i = 0; i < 1000; i++) engine_schedule(&e, (double)i * 0.001, 0, i, 0, 0);
    event ev;
    double last = 0;
    for (int i = 0; i < 100000; i++) {
        ck_assert(engine_pop(&e, &ev));
        ck_assert(ev.t >= last);
        last = ev.t;
        engine_schedule(&e, ev.t + 0.5 + (double)(i % 7) * 0.1, 0, ev.a, 0, 0);
    }
    ck_assert_uint_eq(engine_pending(&e), 1000);
    engine_free(&e);
}
END_TEST

START_TEST(lanes_merge_with_the_heap_in_time_then_seq_order)
{
    engine e;
    engine_init(&e, 8);
    srand(3);
    enum { N = 50000 };
    static double t[N];
    double lane_t[ENGINE_LANES] = { 0 };
    for (unsigned i = 0; i < N; i++) {
        unsigned l = (unsigned)rand() % (ENGINE_LANES + 1);
        if (l < ENGINE_LANES) {
            /* Mostly non-decreasing per lane, sometimes not (falls back to the heap). */
            lane_t[l] += (double)(rand() % 3) - (rand() % 50 == 0 ? 5.0 : 0.0);
            t[i] = lane_t[l] < 0 ? 0 : lane_t[l];
            ck_assert_uint_ne(engine_schedule_fifo(&e, l, t[i], i, 0, 0, 0), 0);
        } else {
            t[i] = (double)(rand() % 20000) / 10.0;
            ck_assert_uint_ne(engine_schedule(&e, t[i], i, 0, 0, 0), 0);
        }
    }
    ck_assert_uint_eq(engine_pending(&e), N);
    event ev;
    double lt = -1;
    unsigned lk = 0, n = 0;
    while (engine_pop(&e, &ev)) {
        ck_assert_double_eq(ev.t, t[ev.kind]);
        ck_assert(ev.t > lt || (ev.t == lt && ev.kind > lk));   /* kind = scheduling order */
        lt = ev.t;
        lk = ev.kind;
        n++;
    }
    ck_assert_uint_eq(n, N);
    engine_free(&e);
}
END_TEST

START_TEST(an_event_at_now_keeps_its_place_and_peek_sees_the_earliest)
{
    engine e;
    engine_init(&e, 8);
    ck_assert(isinf(engine_peek_time(&e)));
    engine_schedule(&e, 2.0, 1, 0, 0, 0);
    engine_schedule(&e, 2.0, 2, 0, 0, 0);
    engine_schedule(&e, 3.0, 5, 0, 0, 0);
    event ev;
    ck_assert(engine_pop(&e, &ev));
    ck_assert_uint_eq(ev.kind, 1);
    /* At now = 2 with kind 2 pending at 2: lane events at now keep their
     * place behind it (the slot is for an event nothing at now precedes). */
    ck_assert_uint_ne(engine_schedule_fifo(&e, 0, 2.0, 3, 0, 0, 0), 0);
    ck_assert_uint_ne(engine_schedule_fifo(&e, 0, 2.0, 4, 0, 0, 0), 0);
    ck_assert_uint_eq(engine_pending(&e), 4);
    ck_assert_double_eq(engine_peek_time(&e), 2.0);
    for (unsigned want = 2; want <= 4; want++) {
        ck_assert(engine_pop(&e, &ev));
        ck_assert_uint_eq(ev.kind, want);
        ck_assert_double_eq(ev.t, 2.0);
    }
    /* Alone at now, a lane event takes the slot and is the next pop; those
     * scheduled after it at now (lane or heap) follow in order. */
    ck_assert_uint_ne(engine_schedule_fifo(&e, 1, 2.0, 6, 0, 0, 0), 0);
    ck_assert(e.at_now_busy);
    ck_assert_double_eq(engine_peek_time(&e), 2.0);
    ck_assert_uint_ne(engine_schedule(&e, 2.0, 7, 0, 0, 0), 0);
    ck_assert_uint_ne(engine_schedule_fifo(&e, 1, 2.0, 8, 0, 0, 0), 0);
    ck_assert_uint_ne(engine_schedule_fifo(&e, 1, 2.5, 9, 0, 0, 0), 0);
    ck_assert_uint_eq(engine_pending(&e), 5);
    for (unsigned want = 6; want <= 9; want++) {
        ck_assert(engine_pop(&e, &ev));
        ck_assert_uint_eq(ev.kind, want);
    }
    ck_assert_double_eq(e.now, 2.5);
    ck_assert(engine_pop(&e, &ev));
    ck_assert_uint_eq(ev.kind, 5);
    ck_assert(!engine_pop(&e, &ev));
    ck_assert_uint_eq(e.popped, 9);
    engine_free(&e);
}
END_TEST

START_TEST(cancelled_event_before_the_slot_is_skipped)
{
    /* A cancelled heap event at now, scheduled before a lane event at now,
     * keeps the slot from taking it (the answer may be early, never late);
     * it is skipped, and the rest come in order. */
    engine e;
    engine_init(&e, 8);
    engine_schedule(&e, 1.0, 0, 0, 0, 0);
    event ev;
    ck_assert(engine_pop(&e, &ev));
    uint64_t h = engine_schedule(&e, 1.0, 1, 0, 0, 0);
    engine_schedule_fifo(&e, 2, 1.0, 2, 0, 0, 0);
    engine_schedule(&e, 1.0, 3, 0, 0, 0);
    ck_assert(!e.at_now_busy);
    engine_cancel(&e, h);
    for (unsigned want = 2; want <= 3; want++) {
        ck_assert(engine_pop(&e, &ev));
        ck_assert_uint_eq(ev.kind, want);
    }
    ck_assert(!engine_pop(&e, &ev));
    engine_free(&e);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *order = tcase_create("order");
    tcase_add_test(order, pops_in_time_order);
    tcase_add_test(order, ties_run_in_scheduling_order);
    tcase_add_test(order, ties_scheduled_during_a_pop_come_after);
    tcase_add_test(order, random_schedule_matches_sorted_order);
    tcase_add_test(order, hold_model_keeps_size);
    tcase_add_test(order, lanes_merge_with_the_heap_in_time_then_seq_order);
    tcase_add_test(order, an_event_at_now_keeps_its_place_and_peek_sees_the_earliest);
    tcase_add_test(order, cancelled_event_before_the_slot_is_skipped);
    suite_add_tcase(s, order);
    TCase *cancel = tcase_create("cancel");
    tcase_add_test(cancel, cancelled_events_are_skipped);
    suite_add_tcase(s, cancel);
    return s;
}
