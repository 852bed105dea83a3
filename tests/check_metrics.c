/* check_metrics.c - the summary counters, time-series bins, stampede groups,
 * how requests end and the recovery after a trigger (metrics.c), and the
 * per-(node, key) map strategies use (u64map.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "base/u64map.h"
#include "model/metrics.h"
#include "testmain.h"

START_TEST(bins_advance_and_carry_db_levels)
{
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 0, 10, 1), 0);
    metrics_db_level(m, 0.5, 3, 1);
    metrics_answer(m, true, 0.010);
    metrics_answer(m, true, 0.020);
    /* Jump over two empty bins: they carry the levels current at the jump. */
    ck_assert_int_eq(metrics_advance(m, 3.2, 2, 0), 0);
    ck_assert_uint_eq(m->nrows, 4);
    ck_assert_uint_eq(m->rows[0].db_inflight_max, 3);
    ck_assert_uint_eq(m->rows[0].db_queue_max, 1);
    ck_assert_uint_eq(m->rows[1].db_inflight_max, 2);
    ck_assert_uint_eq(m->rows[2].db_inflight_max, 2);
    ck_assert(isnan(m->rows[1].p50));
    ck_assert(fabs(m->rows[0].p50 - 0.010) <= 0.010 / 256);
    ck_assert(fabs(m->rows[0].p99 - 0.020) <= 0.020 / 256);
    /* Time never goes back: an earlier t is a no-op. */
    ck_assert_int_eq(metrics_advance(m, 1.0, 9, 9), 0);
    ck_assert_uint_eq(m->cur, 3);
    metrics_close(m, 3.5);
    ck_assert_double_eq(m->end_time, 3.5);
    ck_assert_uint_eq(m->lat.count, 2);
    metrics_free(m);
    free(m);
}
END_TEST

START_TEST(peaks_count_from_warmup_on)
{
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 5, 10, 1), 0);
    metrics_db_level(m, 1, 50, 40);   /* before warmup: in the bin, not the peak */
    ck_assert_uint_eq(m->peak_inflight, 0);
    ck_assert_uint_eq(m->rows[0].db_inflight_max, 50);
    metrics_advance(m, 6, 7, 2);
    metrics_db_level(m, 6, 7, 2);
    ck_assert_uint_eq(m->peak_inflight, 7);
    ck_assert_uint_eq(m->peak_queue, 2);
    metrics_free(m);
    free(m);
}
END_TEST

START_TEST(in_system_area_is_clipped_to_the_window)
{
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 2, 10, 1), 0);
    metrics_in_system(m, 1, 3);     /* 1 s inside [2, 10) */
    metrics_in_system(m, 4, 5);     /* 1 s */
    metrics_in_system(m, 9, 12);    /* 1 s */
    metrics_in_system(m, 11, 12);   /* none */
    ck_assert_double_eq_tol(m->in_system_area, 3.0, 1e-12);
    metrics_free(m);
    free(m);
}
END_TEST

START_TEST(stampede_groups_follow_overlap)
{
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 0, 10, 1), 0);
    uint32_t inflight = 0, size = 0;
    uint8_t counted = 0;
    /* Three overlapping queries, then the group drains, then one more. */
    metrics_group_issue(m, &inflight, &size, &counted, true);
    metrics_group_issue(m, &inflight, &size, &counted, false);
    metrics_group_issue(m, &inflight, &size, &counted, false);
    inflight -= 3;
    metrics_group_issue(m, &inflight, &size, &counted, true);   /* closes the group of 3 */
    ck_assert_uint_eq(m->stampedes, 1);
    ck_assert_uint_eq(m->stampede_max, 3);
    inflight--;
    metrics_group_close(m, size, counted);
    ck_assert_uint_eq(m->stampedes, 2);
    ck_assert_double_eq(metrics_stampede_mean(m), 2.0);
    /* A group whose first query is not counted is not counted at all. */
    metrics_group_close(m, 5, 0);
    ck_assert_uint_eq(m->stampedes, 2);
    /* Sizes: exact below 1024, one bucket per power of two above. */
    metrics_group_close(m, 5000, 1);
    ck_assert_uint_eq(m->size_count[3], 1);
    ck_assert_uint_eq(m->size_count[1], 1);
    uint64_t lo, hi;
    metrics_size_bucket(SIZE_EXACT + 2, &lo, &hi);
    ck_assert_uint_eq(lo, 4096);
    ck_assert_uint_eq(hi, 8191);
    ck_assert_uint_eq(m->size_count[SIZE_EXACT + 2], 1);
    metrics_free(m);
    free(m);
}
END_TEST

START_TEST(u64map_put_get_delete)
{
    u64map m = { 0 };
    ck_assert_uint_eq(u64map_get(&m, 7), 0);
    u64map_del(&m, 7);   /* on an empty map */
    for (uint64_t k = 0; k < 10000; k++) ck_assert_int_eq(u64map_put(&m, k * 0x100000001ull, (uint32_t)k + 1), 0);
    ck_assert_uint_eq(m.n, 10000);
    for (uint64_t k = 0; k < 10000; k++) ck_assert_uint_eq(u64map_get(&m, k * 0x100000001ull), k + 1);
    /* Delete every other key: the rest must stay reachable (backward shift). */
    for (uint64_t k = 0; k < 10000; k += 2) u64map_del(&m, k * 0x100000001ull);
    ck_assert_uint_eq(m.n, 5000);
    for (uint64_t k = 0; k < 10000; k++)
        ck_assert_uint_eq(u64map_get(&m, k * 0x100000001ull), k % 2 ? k + 1 : 0);
    ck_assert_int_eq(u64map_put(&m, 3 * 0x100000001ull, 99), 0);   /* overwrite */
    ck_assert_uint_eq(u64map_get(&m, 3 * 0x100000001ull), 99);
    ck_assert_uint_eq(m.n, 5000);
    u64map_free(&m);
}
END_TEST

START_TEST(u64map_churn_matches_a_reference)
{
    enum { N = 4096 };
    static uint32_t ref[N];
    u64map m = { 0 };
    srand(11);
    for (int i = 0; i < 200000; i++) {
        uint64_t k = (uint64_t)(rand() % N);
        if (rand() % 3) {
            uint32_t v = (uint32_t)(rand() % 1000) + 1;
            ck_assert_int_eq(u64map_put(&m, k << 32 | 5, v), 0);
            ref[k] = v;
        } else {
            u64map_del(&m, k << 32 | 5);
            ref[k] = 0;
        }
        if (i % 997 == 0)
            for (uint64_t j = 0; j < N; j++) ck_assert_uint_eq(u64map_get(&m, j << 32 | 5), ref[j]);
    }
    u64map_free(&m);
}
END_TEST

/* ---------------------------------------------------------------- requests and recovery */

START_TEST(requests_end_once_with_their_way)
{
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 0, 10, 1), 0);
    m->slo_latency = 0.05;
    metrics_answer(m, true, 0.01);
    metrics_answer(m, true, 0.08);     /* answered, not good */
    metrics_answer(m, false, 0.01);    /* not counted: in the bin only */
    metrics_fail(m, true, FAIL_TIMEOUT);
    metrics_fail(m, true, FAIL_REJECTED);
    metrics_fail(m, false, FAIL_GAVE_UP);
    ck_assert_uint_eq(m->good, 1);
    ck_assert_uint_eq(m->failed, 2);
    ck_assert_uint_eq(m->failed_by[FAIL_TIMEOUT], 1);
    ck_assert_uint_eq(m->failed_by[FAIL_REJECTED], 1);
    ck_assert_uint_eq(m->failed_by[FAIL_GAVE_UP], 0);
    ck_assert_uint_eq(m->rows[0].succeeded, 3);
    ck_assert_uint_eq(m->rows[0].good, 2);
    ck_assert_uint_eq(m->rows[0].failed, 3);
    metrics_close(m, 0.5);
    /* 6 ended in the bin, 3 failed: p99 of all is rank 6, a failure. */
    ck_assert(isinf(m->rows[0].p99_all));
    ck_assert_str_eq(vocab_failure_names[FAIL_TIMEOUT], "timeout");
    ck_assert_str_eq(vocab_failure_names[FAIL_REJECTED], "rejected");
    ck_assert_str_eq(vocab_failure_names[FAIL_GAVE_UP], "gave_up");
    metrics_free(m);
    free(m);
}
END_TEST

/* Fills bin k (at k + 0.5 s) with `ok` answers of latency lat, `slow` more
 * answers of latency slow_lat, and `bad` failures. */
static void fill(metrics *m, uint64_t k, int ok, double lat, int slow, double slow_lat, int bad)
{
    ck_assert_int_eq(metrics_advance(m, (double)k + 0.5, 0, 0), 0);
    for (int i = 0; i < ok; i++) metrics_answer(m, true, lat);
    for (int i = 0; i < slow; i++) metrics_answer(m, true, slow_lat);
    for (int i = 0; i < bad; i++) metrics_fail(m, true, FAIL_TIMEOUT);
}

START_TEST(recovery_on_a_hand_made_series)
{
    /* Bins of 1 s, duration 20 s.  A DB slowdown 5-7.5 s (it ends inside
     * bin 7) and a flush at 5.5 s, overlapping it.  Bins 0-4: 10 answers of
     * 10 ms (baseline: good ratio 1, p99 10 ms).  Bins 5-8: 5 answered, 5
     * failed (good ratio 0.5, the worst).  Bin 9 normal; bin 10 empty (no
     * request ended: not normal); bin 11 normal by its good ratio but its
     * p99 is 50 ms > 2 x 10 ms; bins 12-19 normal.  Hold 2.5 s = 3 bins.
     * The first boundary at or after 7.5 is 8; three normal bins in a row
     * start at 12: recovered, 12 - 7.5 = 4.5 s. */
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 0, 20, 1), 0);
    trigger t[] = { { 1, 5, 7.5 }, { 0, 5.5, 5.5 } };
    ck_assert_int_eq(metrics_set_triggers(m, t, 2, 0.01, 2, 2.5), 0);
    for (uint64_t k = 0; k < 5; k++) fill(m, k, 10, 0.010, 0, 0, 0);
    for (uint64_t k = 5; k < 9; k++) fill(m, k, 5, 0.010, 0, 0, 5);
    fill(m, 9, 10, 0.010, 0, 0, 0);
    fill(m, 11, 9, 0.010, 1, 0.050, 0);
    for (uint64_t k = 12; k < 20; k++) fill(m, k, 10, 0.010, 0, 0, 0);
    metrics_close(m, 19.9);
    ck_assert_uint_eq(m->nrec, 2);
    const recovery *slow = &m->rec[0], *flush = &m->rec[1];   /* sorted by at */
    ck_assert_double_eq(slow->t.at, 5);
    ck_assert(slow->listed && slow->judged && slow->recovered && !slow->metastable);
    ck_assert_double_eq(slow->base_from, 0);
    ck_assert_double_eq(slow->base_to, 5);
    ck_assert_double_eq(slow->base_good, 1);
    ck_assert(fabs(slow->base_p99 - 0.010) <= 0.010 / 256);
    ck_assert_double_eq(slow->worst_good, 0.5);
    ck_assert_double_eq(slow->time, 4.5);
    /* The flush at 5.5 came before the slowdown was over: its own window
     * [7.5, 5.5) is empty, so it is judged against the slowdown's baseline.
     * From 6 (its first boundary): bins 6-8 bad, 9 normal, 10 empty, 11 slow,
     * 12-14 normal: recovered at 12, 6.5 s after the flush. */
    ck_assert(flush->judged && flush->recovered);
    ck_assert_double_eq(flush->base_from, 0);
    ck_assert_double_eq(flush->base_to, 5);
    ck_assert_double_eq(flush->time, 6.5);
    double time, rec, meta;
    metrics_recovery_summary(m, &time, &rec, &meta);
    ck_assert_double_eq(time, 6.5);   /* the longest */
    ck_assert_double_eq(rec, 1);
    ck_assert_double_eq(meta, 0);

    /* The same series with a tolerance of 0.5 and a hold of 2 bins: the
     * failing bins 5-8 are now normal (0.5 >= 1 - 0.5), and so is 9: back at
     * the first boundary, 8.  With the tolerance alone, bin 10 still breaks
     * the hold of 3 that starts at 8. */
    m->rec_tolerance = 0.5;
    m->rec_hold = 2;
    metrics_judge_recovery(m);
    ck_assert_double_eq(m->rec[0].time, 0.5);
    m->rec_hold = 3;
    metrics_judge_recovery(m);
    ck_assert_double_eq(m->rec[0].time, 4.5);
    /* Hold longer than what is left: 12 s from 8 needs bins up to 19, which
     * the duration holds (bins 0-19): recovery at 8 would need 8-19 all
     * normal; bin 10 is empty, so no.  Not recovered, and metastable: a
     * whole hold fits between 8 and 20. */
    m->rec_tolerance = 0.01;
    m->rec_hold = 12;
    metrics_judge_recovery(m);
    ck_assert(!m->rec[0].recovered && m->rec[0].metastable);
    ck_assert(isnan(m->rec[0].time));
    metrics_recovery_summary(m, &time, &rec, &meta);
    ck_assert(isinf(time) && time > 0);
    ck_assert_double_eq(rec, 0);
    ck_assert_double_eq(meta, 1);
    /* A hold that cannot fit before duration: not recovered, not metastable. */
    m->rec_hold = 13;
    metrics_judge_recovery(m);
    ck_assert(!m->rec[0].recovered && !m->rec[0].metastable);
    metrics_free(m);
    free(m);
}
END_TEST

START_TEST(recovery_edge_cases)
{
    /* A trigger at 0 with no warmup: no baseline at all, not judged, and
     * left out of the summary. */
    metrics *m = calloc(1, sizeof *m);
    ck_assert_int_eq(metrics_init(m, 0, 10, 1), 0);
    trigger t0 = { 0, 0, 0 };
    ck_assert_int_eq(metrics_set_triggers(m, &t0, 1, 0.01, 2, 3), 0);
    for (uint64_t k = 0; k < 10; k++) fill(m, k, 10, 0.01, 0, 0, 0);
    metrics_close(m, 9.9);
    ck_assert(m->rec[0].listed && !m->rec[0].judged && !m->rec[0].recovered && !m->rec[0].metastable);
    ck_assert(isnan(m->rec[0].base_good) && isnan(m->rec[0].base_p99));
    double time, rec, meta;
    metrics_recovery_summary(m, &time, &rec, &meta);
    ck_assert(isnan(time) && isnan(rec) && isnan(meta));
    metrics_free(m);

    /* A trigger in the warmup: start-up, not listed. */
    ck_assert_int_eq(metrics_init(m, 3, 10, 1), 0);
    trigger t1 = { 0, 2, 2 };
    ck_assert_int_eq(metrics_set_triggers(m, &t1, 1, 0.01, 2, 3), 0);
    for (uint64_t k = 0; k < 10; k++) fill(m, k, 10, 0.01, 0, 0, 0);
    metrics_close(m, 9.9);
    ck_assert(!m->rec[0].listed);
    metrics_recovery_summary(m, &time, &rec, &meta);
    ck_assert(isnan(time));
    metrics_free(m);

    /* A baseline in which nothing was answered (every request failed): its
     * good ratio is 0 and its p99 does not exist, so only the good ratio is
     * judged, and any bin in which a request ended is "normal": back at the
     * first boundary after the flush at 4.2, 5 (0.8 s).  The empty bin 4
     * (the warmup ends at 1) is not part of the baseline's counts. */
    ck_assert_int_eq(metrics_init(m, 1, 10, 1), 0);
    trigger t2 = { 0, 4.2, 4.2 };
    ck_assert_int_eq(metrics_set_triggers(m, &t2, 1, 0.01, 2, 3), 0);
    for (uint64_t k = 0; k < 4; k++) fill(m, k, 0, 0, 0, 0, 3);
    for (uint64_t k = 5; k < 10; k++) fill(m, k, 0, 0, 0, 0, 1);
    metrics_close(m, 9.9);
    ck_assert(m->rec[0].judged && m->rec[0].recovered);
    ck_assert_double_eq(m->rec[0].base_from, 1);
    ck_assert_double_eq(m->rec[0].base_to, 4.2);
    ck_assert_double_eq(m->rec[0].base_good, 0);
    ck_assert(isnan(m->rec[0].base_p99));
    ck_assert(fabs(m->rec[0].time - 0.8) < 1e-12);
    metrics_free(m);
    free(m);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("bins_and_groups");
    tcase_add_test(tc, bins_advance_and_carry_db_levels);
    tcase_add_test(tc, peaks_count_from_warmup_on);
    tcase_add_test(tc, in_system_area_is_clipped_to_the_window);
    tcase_add_test(tc, stampede_groups_follow_overlap);
    suite_add_tcase(s, tc);
    TCase *rq = tcase_create("requests_and_recovery");
    tcase_add_test(rq, requests_end_once_with_their_way);
    tcase_add_test(rq, recovery_on_a_hand_made_series);
    tcase_add_test(rq, recovery_edge_cases);
    suite_add_tcase(s, rq);
    TCase *um = tcase_create("u64map");
    tcase_set_timeout(um, 60);   /* 800,000 checked gets: seconds under ASan on a busy machine */
    tcase_add_test(um, u64map_put_get_delete);
    tcase_add_test(um, u64map_churn_matches_a_reference);
    suite_add_tcase(s, um);
    return s;
}
