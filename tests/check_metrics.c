/* check_metrics.c - the summary counters, time-series bins and stampede
 * groups (metrics.c), and the per-(node, key) map strategies use (u64map.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "metrics.h"
#include "u64map.h"

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

int main(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("bins_and_groups");
    tcase_add_test(tc, bins_advance_and_carry_db_levels);
    tcase_add_test(tc, peaks_count_from_warmup_on);
    tcase_add_test(tc, in_system_area_is_clipped_to_the_window);
    tcase_add_test(tc, stampede_groups_follow_overlap);
    suite_add_tcase(s, tc);
    TCase *um = tcase_create("u64map");
    tcase_add_test(um, u64map_put_get_delete);
    tcase_add_test(um, u64map_churn_matches_a_reference);
    suite_add_tcase(s, um);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
