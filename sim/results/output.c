/* output.c - the folders stampede writes, and the results folder of a run.
 * Everything is built in a hidden sibling "<dir>.tmp-<pid>" and renamed into
 * place at the end with its marker, so a reader sees the previous folder or
 * the new one, never a mix; and a folder is replaced only when its marker
 * says stampede wrote it, and everything in it. */
#include "output.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/csvin.h"
#include "base/csvout.h"
#include "base/jsonfile.h"
#include "base/stop.h"
#include "base/textin.h"
#include "model/model.h"
#include "scenario/load.h"
#include "strategies/registry.h"

const char *const output_col_names[COL_N] = {
#define X(id, name, kind, value) name,
#define XFAIL(id, key, out, words, what) "failed_by_" key,
#define XCNT(id, name, what) name,
    RESULT_COLUMNS(X, XFAIL, XCNT)
#undef X
#undef XFAIL
#undef XCNT
};

const unsigned output_col_kinds[COL_N] = {
#define X(id, name, kind, value) kind,
#define XFAIL(id, key, out, words, what) CK_COUNT,
#define XCNT(id, name, what) CK_COUNT,
    RESULT_COLUMNS(X, XFAIL, XCNT)
#undef X
#undef XFAIL
#undef XCNT
};

unsigned output_col_kind_of(const char *name)
{
    for (int c = 0; c < COL_N; c++)
        if (!strcmp(output_col_names[c], name)) return output_col_kinds[c];
    if (!strcmp(name, "db_queries_vs_none") || !strcmp(name, "p99_vs_none")) return CK_REAL | CK_EMPTY;
    return CK_ANY;
}

/* What more than one column is computed from (RESULT_COLUMNS's d). */
typedef struct col_derived {
    double good_ratio;   /* good / requests; NAN without requests */
    double recovery_time, recovered, metastable;
} col_derived;

void metrics_columns(const metrics *m, double v[COL_N])
{
    col_derived d = { .good_ratio = m->requests ? (double)m->good / (double)m->requests : NAN };
    metrics_recovery_summary(m, &d.recovery_time, &d.recovered, &d.metastable);
#define X(id, name, kind, value) v[COL_##id] = (value);
#define XFAIL(id, key, out, words, what) v[COL_FAILED_BY_##id] = (double)m->failed_by[FAIL_##id];
#define XCNT(id, name, what) v[COL_##id] = (double)m->counters[CNT_##id];
    RESULT_COLUMNS(X, XFAIL, XCNT)
#undef X
#undef XFAIL
#undef XCNT
}

/* ---------------------------------------------------------------- rows read back */

int results_row_names(csvin *c, int cl, int cs, char *err, size_t errlen)
{
    const char *label = csvin_cell(c, cl), *strategy = csvin_cell(c, cs);
    char got[96];
    if (!scenario_valid_name(label)) {
        textin_show(got, sizeof got, label, strlen(label), 40);
        return csvin_error(c, cl, err, errlen,
                           "expected a label of letters, digits, '.', '_' and '-', starting with a letter or digit "
                           "(got %s)", got);
    }
    if (!strategy_find(strategy)) {
        textin_show(got, sizeof got, strategy, strlen(strategy), 40);
        return csvin_error(c, cs, err, errlen, "%s is not a strategy this stampede knows", got);
    }
    return 0;
}

/* ---------------------------------------------------------------- the results folder */

static const char *const run_kinds[] = { OUT_RUN, NULL };

int results_check(const char *dir, char *err, size_t errlen)
{
    return outdir_check(dir, run_kinds, err, errlen);
}

int results_open(results *r, const char *dir, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    return outdir_open(&r->out, dir, OUT_RUN, run_kinds, NULL, err, errlen);
}

FILE *results_file(results *r, const char *label, const char *name, char *err, size_t errlen)
{
    char *rel = fs_join(label, name);
    if (!rel) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    FILE *f = outdir_file(&r->out, rel, err, errlen);
    free(rel);
    return f;
}

/* ---------------------------------------------------------------- summary.json */

static cJSON *num_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *params_json(const strategy_cfg *cfg)
{
    cJSON *o = cJSON_CreateObject();
    const strategy_ops *ops = cfg->ops;
    for (size_t i = 0; i < ops->nparams; i++) {
        const param_spec *p = &ops->params[i];
        const char *base = (const char *)cfg->params + p->offset;
        switch (p->type) {
        case PARAM_DURATION:
        case PARAM_NUMBER: {
            double v;
            memcpy(&v, base, sizeof v);
            cJSON_AddItemToObject(o, p->name, num_or_null(v));
            break;
        }
        case PARAM_BOOL: {
            bool v;
            memcpy(&v, base, sizeof v);
            cJSON_AddBoolToObject(o, p->name, v);
            break;
        }
        case PARAM_ENUM: {
            int v;
            memcpy(&v, base, sizeof v);
            if (v >= 0) cJSON_AddStringToObject(o, p->name, p->choices[v]);
            else cJSON_AddNullToObject(o, p->name);
            break;
        }
        case PARAM_STRATEGY: {
            const strategy_cfg *inner;
            memcpy(&inner, base, sizeof inner);
            if (inner) {
                cJSON *n = params_json(inner);
                cJSON_AddStringToObject(n, "name", inner->ops->name);
                cJSON_AddItemToObject(o, p->name, n);
            } else {
                cJSON_AddNullToObject(o, p->name);
            }
            break;
        }
        }
    }
    return o;
}

static char *summary_json(const results *res, const scenario *sc, size_t si, const metrics *m)
{
    const strategy_cfg *cfg = &sc->strategies[si];
    double v[COL_N];
    metrics_columns(m, v);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", sc->name);
    cJSON_AddStringToObject(o, "label", cfg->label);
    cJSON_AddStringToObject(o, "strategy", cfg->ops->name);
    cJSON_AddNumberToObject(o, "seed", (double)sc->seed);
    cJSON_AddStringToObject(o, "version", STAMPEDE_VERSION);
    cJSON_AddStringToObject(o, "mode", res->mode ? res->mode : "sim");
    cJSON_AddItemToObject(o, "params", params_json(cfg));
    cJSON_AddNumberToObject(o, "requests", v[COL_REQUESTS]);
    cJSON_AddNumberToObject(o, "failed", v[COL_FAILED]);
    cJSON_AddItemToObject(o, "failed_ratio", num_or_null(v[COL_FAILED_RATIO]));
    cJSON *fb = cJSON_AddObjectToObject(o, "failed_by");
    for (int f = 0; f < FAIL_N; f++) cJSON_AddNumberToObject(fb, vocab_failure_names[f], (double)m->failed_by[f]);
    cJSON *slo = cJSON_AddObjectToObject(o, "slo");
    cJSON_AddItemToObject(slo, "latency", num_or_null(sc->slo.latency));
    cJSON_AddNumberToObject(slo, "target", sc->slo.target);
    cJSON_AddNumberToObject(slo, "good", v[COL_GOOD]);
    cJSON_AddItemToObject(slo, "good_ratio", num_or_null(v[COL_GOOD_RATIO]));
    if (isnan(v[COL_SLO_MET])) cJSON_AddNullToObject(slo, "met");
    else cJSON_AddBoolToObject(slo, "met", v[COL_SLO_MET] > 0);
    cJSON_AddItemToObject(slo, "budget_burn", num_or_null((1 - v[COL_GOOD_RATIO]) / (1 - sc->slo.target)));
    cJSON *rec = cJSON_AddArrayToObject(o, "recovery");
    for (size_t i = 0; i < m->nrec; i++) {
        const recovery *r = &m->rec[i];
        if (!r->listed) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "trigger", scenario_trigger_names[r->t.kind]);
        cJSON_AddNumberToObject(e, "at", r->t.at);
        cJSON_AddNumberToObject(e, "end", r->t.end);
        cJSON_AddItemToObject(e, "baseline_from", num_or_null(r->base_from));
        cJSON_AddItemToObject(e, "baseline_to", num_or_null(r->base_to));
        cJSON_AddItemToObject(e, "baseline_good_ratio", num_or_null(r->base_good));
        cJSON_AddItemToObject(e, "baseline_p99", num_or_null(r->base_p99));
        cJSON_AddItemToObject(e, "worst_good_ratio", num_or_null(r->worst_good));
        cJSON_AddBoolToObject(e, "recovered", r->recovered);
        cJSON_AddItemToObject(e, "recovery_time", num_or_null(r->time));
        cJSON_AddBoolToObject(e, "metastable", r->metastable);
        cJSON_AddItemToArray(rec, e);
    }
    cJSON_AddNumberToObject(o, "attempts", v[COL_ATTEMPTS]);
    cJSON_AddNumberToObject(o, "ok", v[COL_OK]);
    cJSON_AddNumberToObject(o, "hits", v[COL_HITS]);
    cJSON_AddNumberToObject(o, "misses", v[COL_MISSES]);
    cJSON_AddItemToObject(o, "hit_ratio", num_or_null(v[COL_HIT_RATIO]));
    cJSON_AddNumberToObject(o, "stale", v[COL_STALE]);
    cJSON_AddNumberToObject(o, "waited", v[COL_WAITED]);
    cJSON_AddNumberToObject(o, "timeouts", v[COL_TIMEOUTS]);
    cJSON_AddNumberToObject(o, "errors", v[COL_ERRORS]);
    cJSON_AddNumberToObject(o, "retries_denied", v[COL_RETRIES_DENIED]);
    cJSON *out = cJSON_AddObjectToObject(o, "outcomes");
    for (int i = 0; i < OUT_N; i++) cJSON_AddNumberToObject(out, vocab_outcome_names[i], (double)m->outcomes[i]);
    cJSON *db = cJSON_AddObjectToObject(o, "db");
    cJSON_AddNumberToObject(db, "queries", v[COL_DB_QUERIES]);
    cJSON_AddNumberToObject(db, "early", v[COL_DB_EARLY]);
    cJSON_AddNumberToObject(db, "rejected", v[COL_DB_REJECTED]);
    cJSON_AddNumberToObject(db, "queue_timeouts", v[COL_DB_QUEUE_TIMEOUTS]);
    cJSON_AddNumberToObject(db, "statement_timeouts", v[COL_DB_STATEMENT_TIMEOUTS]);
    cJSON_AddNumberToObject(db, "cancelled", v[COL_DB_CANCELLED]);
    cJSON_AddNumberToObject(db, "refused", v[COL_DB_REFUSED]);
    cJSON_AddNumberToObject(db, "outage_failed", v[COL_DB_OUTAGE_FAILED]);
    cJSON_AddNumberToObject(db, "wasted", v[COL_DB_WASTED]);
    cJSON_AddNumberToObject(db, "peak_inflight", v[COL_PEAK_INFLIGHT]);
    cJSON_AddNumberToObject(db, "peak_queue", v[COL_PEAK_QUEUE]);
    cJSON *st = cJSON_AddObjectToObject(o, "stampedes");
    cJSON_AddNumberToObject(st, "count", v[COL_STAMPEDES]);
    cJSON_AddNumberToObject(st, "mean_size", v[COL_STAMPEDE_MEAN]);
    cJSON_AddNumberToObject(st, "max_size", v[COL_STAMPEDE_MAX]);
    cJSON *lat = cJSON_AddObjectToObject(o, "latency");
    cJSON_AddItemToObject(lat, "mean", num_or_null(v[COL_LAT_MEAN]));
    cJSON_AddItemToObject(lat, "p50", num_or_null(v[COL_P50]));
    cJSON_AddItemToObject(lat, "p90", num_or_null(v[COL_P90]));
    cJSON_AddItemToObject(lat, "p99", num_or_null(v[COL_P99]));
    cJSON_AddItemToObject(lat, "p999", num_or_null(v[COL_P999]));
    cJSON_AddItemToObject(lat, "max", num_or_null(v[COL_MAX]));
    cJSON_AddNumberToObject(lat, "underflow", (double)m->lat.underflow);
    cJSON_AddNumberToObject(lat, "overflow", (double)m->lat.overflow);
    cJSON_AddNumberToObject(lat, "relative_error", 1.0 / (2.0 * HIST_SUB));
    cJSON *all = cJSON_AddObjectToObject(o, "latency_all");
    cJSON_AddItemToObject(all, "p50", num_or_null(v[COL_P50_ALL]));
    cJSON_AddItemToObject(all, "p90", num_or_null(v[COL_P90_ALL]));
    cJSON_AddItemToObject(all, "p99", num_or_null(v[COL_P99_ALL]));
    cJSON_AddItemToObject(all, "p999", num_or_null(v[COL_P999_ALL]));
    cJSON *strat = cJSON_AddObjectToObject(o, "strategy_counters");
    for (int c = 0; c < CNT_N; c++) cJSON_AddNumberToObject(strat, vocab_counter_names[c], (double)m->counters[c]);
    double window = sc->duration - sc->warmup;
    cJSON *lit = cJSON_AddObjectToObject(o, "little");
    cJSON_AddNumberToObject(lit, "in_system_mean", m->in_system_area / window);
    cJSON_AddNumberToObject(lit, "arrival_rate", (double)m->requests / window);
    cJSON *simo = cJSON_AddObjectToObject(o, "sim");
    cJSON_AddNumberToObject(simo, "events", (double)m->events);
    cJSON_AddNumberToObject(simo, "keys_touched", (double)m->keys_touched);
    cJSON_AddNumberToObject(simo, "end_time", m->end_time);
    cJSON_AddNumberToObject(simo, "wall_seconds", m->wall_seconds);
    cJSON_AddNumberToObject(simo, "events_per_second",
                            m->wall_seconds > 0 ? (double)m->events / m->wall_seconds : 0.0);
    cJSON_AddNumberToObject(simo, "drain", m->drain);
    cJSON_AddBoolToObject(simo, "drain_limited", m->drain_limited);
    cJSON_AddNumberToObject(simo, "in_flight_at_duration", (double)m->flight_requests);
    cJSON_AddNumberToObject(simo, "queries_at_duration", (double)m->flight_queries);
    cJSON_AddNumberToObject(simo, "unfinished", (double)m->cut_requests);
    cJSON_AddNumberToObject(simo, "queries_at_cut", (double)m->cut_queries);
    if (m->drain_limited) {
        char why[256];
        metrics_cut_words(why, sizeof why, m->drain, (double)m->cut_queries, (double)m->cut_requests);
        cJSON_AddStringToObject(simo, "cut", why);
    }
    if (res->summary_hook) res->summary_hook(o, si, res->summary_ctx);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

static int write_timeseries(FILE *f, const metrics *m)
{
    fputs("t,arrivals,hits,misses,stale,waited,timeouts,errors,db_started,db_completed,"
          "db_inflight_max,db_queue_max,p50,p99,p999,succeeded,failed,good,p99_all\n", f);
    for (uint64_t i = 0; i < m->nrows; i++) {
        const ts_row *r = &m->rows[i];
        if ((i & 0xffff) == 0xffff && stop_requested()) return -1;   /* the folder is not committed */
        csvout_num(f, (double)i * m->bin);
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,",
                (unsigned long long)r->arrivals, (unsigned long long)r->hits, (unsigned long long)r->misses,
                (unsigned long long)r->stale, (unsigned long long)r->waited, (unsigned long long)r->timeouts,
                (unsigned long long)r->errors, (unsigned long long)r->db_started,
                (unsigned long long)r->db_completed, (unsigned long long)r->db_inflight_max,
                (unsigned long long)r->db_queue_max);
        csvout_num(f, r->p50);
        fputc(',', f);
        csvout_num(f, r->p99);
        fputc(',', f);
        csvout_num(f, r->p999);
        fprintf(f, ",%llu,%llu,%llu,", (unsigned long long)r->succeeded, (unsigned long long)r->failed,
                (unsigned long long)r->good);
        csvout_num(f, r->p99_all);
        fputc('\n', f);
    }
    return 0;
}

/* The latency distribution: every non-empty histogram bucket with its CDF
 * over answered requests (cdf) and over every request (cdf_all: a failed one
 * counts as infinitely slow, so it levels off at the share that succeeded). */
static void write_latency_hist(FILE *f, const hist *h, uint64_t failed)
{
    fputs("lower,upper,count,cdf,cdf_all\n", f);
    uint64_t cum = 0;
    for (int i = 0; i < HIST_NBUCKETS; i++) {
        if (!h->b[i]) continue;
        double lo, hi;
        hist_bucket_bounds(i, &lo, &hi);
        cum += h->b[i];
        csvout_num(f, lo);
        fputc(',', f);
        csvout_num(f, hi);
        fprintf(f, ",%llu,", (unsigned long long)h->b[i]);
        csvout_num(f, (double)cum / (double)h->count);
        fputc(',', f);
        csvout_num(f, (double)cum / (double)(h->count + failed));
        fputc('\n', f);
    }
}

static void write_stampede_sizes(FILE *f, const metrics *m)
{
    fputs("size_min,size_max,count\n", f);
    for (int b = 1; b < SIZE_EXACT + 64; b++) {
        if (!m->size_count[b]) continue;
        uint64_t lo, hi;
        metrics_size_bucket(b, &lo, &hi);
        fprintf(f, "%llu,%llu,%llu\n", (unsigned long long)lo, (unsigned long long)hi,
                (unsigned long long)m->size_count[b]);
    }
}

/* "label/name" in buf, for messages. */
static const char *label_file(char *buf, size_t n, const char *label, const char *name)
{
    snprintf(buf, n, "%s/%s", label, name);
    return buf;
}

int results_add(results *r, const scenario *sc, size_t si, const metrics *m, char *err, size_t errlen)
{
    const strategy_cfg *cfg = &sc->strategies[si];
    char what[300];
    char *text = summary_json(r, sc, si, m);
    if (!text) { snprintf(err, errlen, "out of memory"); return -1; }
    FILE *f = results_file(r, cfg->label, "summary.json", err, errlen);
    if (!f) { free(text); return -1; }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    if (fs_close_checked(f, label_file(what, sizeof what, cfg->label, "summary.json"), err, errlen)) return -1;
    if (!(f = results_file(r, cfg->label, "timeseries.csv", err, errlen))) return -1;
    if (write_timeseries(f, m)) {
        fclose(f);
        snprintf(err, errlen, "interrupted; nothing was written to %s", r->out.dir);
        return -1;
    }
    if (fs_close_checked(f, label_file(what, sizeof what, cfg->label, "timeseries.csv"), err, errlen)) return -1;
    if (!(f = results_file(r, cfg->label, "latency_hist.csv", err, errlen))) return -1;
    write_latency_hist(f, &m->lat, m->failed);
    if (fs_close_checked(f, label_file(what, sizeof what, cfg->label, "latency_hist.csv"), err, errlen)) return -1;
    if (!(f = results_file(r, cfg->label, "stampede_sizes.csv", err, errlen))) return -1;
    write_stampede_sizes(f, m);
    if (fs_close_checked(f, label_file(what, sizeof what, cfg->label, "stampede_sizes.csv"), err, errlen)) return -1;

    struct result_row *nr = realloc(r->rows, (r->nrows + 1) * sizeof *nr);
    if (!nr) { snprintf(err, errlen, "out of memory"); return -1; }
    r->rows = nr;
    struct result_row *row = &r->rows[r->nrows++];
    r->has_slo = isfinite(sc->slo.latency);
    for (size_t i = 0; i < m->nrec; i++) r->has_triggers |= m->rec[i].listed;
    row->label = strdup(cfg->label);
    row->strategy = strdup(cfg->ops->name);
    row->cut = NULL;
    if (m->drain_limited) {
        char why[256];
        metrics_cut_words(why, sizeof why, m->drain, (double)m->cut_queries, (double)m->cut_requests);
        row->cut = strdup(why);
    }
    metrics_columns(m, row->v);
    return 0;
}

/* The row of "none" in this run, for the relative columns; NULL when absent. */
static const struct result_row *none_row(const results *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (!strcmp(r->rows[i].strategy, "none")) return &r->rows[i];
    return NULL;
}

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

int results_commit(results *r, const scenario *sc, char *err, size_t errlen)
{
    FILE *sf = outdir_file(&r->out, "scenario.json", err, errlen);
    if (!sf) return -1;
    fputs(sc->json, sf);
    fputc('\n', sf);
    if (fs_close_checked(sf, "scenario.json", err, errlen)) return -1;

    FILE *f = outdir_file(&r->out, "comparison.csv", err, errlen);
    if (!f) return -1;
    const struct result_row *none = none_row(r);
    fputs("label,strategy", f);
    for (int c = 0; c < COL_N; c++) fprintf(f, ",%s", output_col_names[c]);
    fputs(",db_queries_vs_none,p99_vs_none\n", f);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct result_row *row = &r->rows[i];
        fprintf(f, "%s,%s", row->label, row->strategy);
        for (int c = 0; c < COL_N; c++) { fputc(',', f); csvout_num(f, row->v[c]); }
        fputc(',', f);
        if (none) csvout_num(f, ratio(row->v[COL_DB_QUERIES], none->v[COL_DB_QUERIES]));
        fputc(',', f);
        if (none) csvout_num(f, ratio(row->v[COL_P99], none->v[COL_P99]));
        fputc('\n', f);
    }
    if (fs_close_checked(f, "comparison.csv", err, errlen)) return -1;

    return outdir_commit(&r->out, err, errlen);
}

void results_close(results *r)
{
    outdir_close(&r->out);
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].label);
        free(r->rows[i].strategy);
        free(r->rows[i].cut);
    }
    free(r->rows);
    memset(r, 0, sizeof *r);
}

static void fmt_latency(char *buf, size_t n, double v)
{
    if (v == INFINITY) snprintf(buf, n, "failed");
    else if (!isfinite(v)) snprintf(buf, n, "-");
    else if (v < 1e-3) snprintf(buf, n, "%.0fus", v * 1e6);
    else if (v < 1) snprintf(buf, n, "%.1fms", v * 1e3);
    else snprintf(buf, n, "%.2fs", v);
}

/* A share as a percentage with two decimals, or more when that would show a
 * share that is not 0 as 0 or one that is not 1 as 100. */
static void fmt_share(char *buf, size_t n, double x)
{
    if (!buf || n == 0) return;
    if (!isfinite(x)) {
        snprintf(buf, n, "-");
        return;
    }
    double p = 100 * x;
    for (int dec = 2; dec <= 6; dec++) {
        snprintf(buf, n, "%.*f", dec, p);
        double back = strtod(buf, NULL);
        if ((back == 100) == (p == 100) && (back == 0) == (p == 0)) break;
    }
}

static void fmt_count(char *buf, size_t n, double v)
{
    if (isfinite(v)) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "-");
}

static void fmt_ratio(char *buf, size_t n, double v)
{
    if (isfinite(v)) snprintf(buf, n, "%.3f", v);
    else snprintf(buf, n, "-");
}

/* The table's columns: the group it is printed under, its head and width,
 * and how a row's cell is made.  Requests come first, each counted once as
 * it ended; attempts (retries included) last, under their own heading. */
enum tgroup { G_REQ, G_ANS, G_DB, G_ATT };
static const char *const tgroup_names[] = { "requests", "answered requests", "DB", "attempts" };

typedef struct tcol {
    enum tgroup group;
    const char *head;
    int width;
    int col;             /* a column of the row, or -1: made by the code below */
    void (*fmt)(char *, size_t, double);
} tcol;

static const tcol table_cols[] = {
    { G_REQ, "requests", 10, COL_REQUESTS, fmt_count },
    { G_REQ, "failed%", 8, COL_FAILED_RATIO, fmt_share },
    { G_REQ, "good%", 8, COL_GOOD_RATIO, fmt_share },
    { G_REQ, "p99_all", 8, COL_P99_ALL, fmt_latency },
    { G_REQ, "recovery", 10, COL_RECOVERY_TIME, NULL },
    { G_ANS, "p50", 8, COL_P50, fmt_latency },
    { G_ANS, "p99", 8, COL_P99, fmt_latency },
    { G_ANS, "p999", 8, COL_P999, fmt_latency },
    { G_ANS, "p99/none", 8, -1, NULL },
    { G_DB, "db_q", 9, COL_DB_QUERIES, fmt_count },
    { G_DB, "db_peak", 7, COL_PEAK_INFLIGHT, fmt_count },
    { G_DB, "stmp_avg", 8, COL_STAMPEDE_MEAN, NULL },
    { G_DB, "stmp_max", 8, COL_STAMPEDE_MAX, fmt_count },
    { G_DB, "db_q/none", 9, -1, NULL },
    { G_ATT, "hit%", 6, COL_HIT_RATIO, NULL },
    { G_ATT, "timeouts", 8, COL_TIMEOUTS, fmt_count },
    { G_ATT, "errors", 8, COL_ERRORS, fmt_count },
    { G_ATT, "stale", 8, COL_STALE, fmt_count },
};
#define NTCOLS (sizeof table_cols / sizeof *table_cols)

static bool tcol_shown(const results *r, const tcol *c)
{
    if (c->col == COL_GOOD_RATIO) return r->has_slo;
    if (c->col == COL_RECOVERY_TIME) return r->has_triggers;
    return true;
}

static void tcell(const results *r, const struct result_row *none, const double *v, const tcol *c, char *buf,
                  size_t n)
{
    if (c->fmt) {
        c->fmt(buf, n, v[c->col]);
    } else if (c->col == COL_RECOVERY_TIME) {
        double t = v[COL_RECOVERY_TIME];
        if (isnan(t)) snprintf(buf, n, "-");
        else if (t == 0) snprintf(buf, n, "0s");
        else if (isfinite(t)) fmt_latency(buf, n, t);
        else snprintf(buf, n, "%s", v[COL_METASTABLE] > 0 ? "never" : "not by end");
    } else if (c->col == COL_STAMPEDE_MEAN) {
        snprintf(buf, n, "%.2f", v[c->col]);
    } else if (c->col == COL_HIT_RATIO) {
        snprintf(buf, n, "%.2f", 100.0 * (isfinite(v[c->col]) ? v[c->col] : 0));
    } else if (!strcmp(c->head, "p99/none")) {
        fmt_ratio(buf, n, none ? ratio(v[COL_P99], none->v[COL_P99]) : NAN);
    } else {
        fmt_ratio(buf, n, none ? ratio(v[COL_DB_QUERIES], none->v[COL_DB_QUERIES]) : NAN);
    }
    (void)r;
}

void results_print_table(const results *r, FILE *out)
{
    const struct result_row *none = none_row(r);
    int lw = 14;   /* the label column: as wide as the longest label */
    for (size_t k = 0; k < r->nrows; k++)
        if ((int)strlen(r->rows[k].label) > lw) lw = (int)strlen(r->rows[k].label);
    /* The group line: each group's name centred in dashes over its columns. */
    fprintf(out, "%-*s", lw, "");
    for (size_t i = 0; i < NTCOLS;) {
        size_t j = i;
        int w = 0;
        for (; j < NTCOLS && table_cols[j].group == table_cols[i].group; j++)
            if (tcol_shown(r, &table_cols[j])) w += 1 + table_cols[j].width;
        const char *g = tgroup_names[table_cols[i].group];
        int gl = (int)strlen(g) + 2, left = (w - 1 - gl) / 2, right = w - 1 - gl - left;
        fputc(' ', out);
        for (int k = 0; k < left; k++) fputc('-', out);
        fprintf(out, " %s ", g);
        for (int k = 0; k < right; k++) fputc('-', out);
        i = j;
    }
    fprintf(out, "\n%-*s", lw, "label");
    for (size_t i = 0; i < NTCOLS; i++)
        if (tcol_shown(r, &table_cols[i])) fprintf(out, " %*s", table_cols[i].width, table_cols[i].head);
    fputc('\n', out);
    for (size_t k = 0; k < r->nrows; k++) {
        fprintf(out, "%-*s", lw, r->rows[k].label);
        for (size_t i = 0; i < NTCOLS; i++) {
            if (!tcol_shown(r, &table_cols[i])) continue;
            char cell[32];
            tcell(r, none, r->rows[k].v, &table_cols[i], cell, sizeof cell);
            fprintf(out, " %*s", table_cols[i].width, cell);
        }
        fputc('\n', out);
    }
    /* A run cut at the drain limit says so under the table. */
    for (size_t k = 0; k < r->nrows; k++)
        if (r->rows[k].cut)
            fprintf(out, "%s: cut at the drain limit: %s (failed as unfinished)\n", r->rows[k].label, r->rows[k].cut);
}
