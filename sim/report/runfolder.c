/* runfolder.c - reads a results folder back (runfolder.h): scenario.json,
 * comparison.csv, and per label summary.json, timeseries.csv,
 * latency_hist.csv and stampede_sizes.csv, each strictly. */
#include "runfolder.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csvin.h"
#include "base/fs.h"
#include "base/hist.h"
#include "base/jsonfile.h"
#include "base/strbuf.h"
#include "base/textin.h"
#include "model/metrics.h"
#include "palette.h"
#include "results/output.h"
#include "scenario/load.h"
#include "model/strategy.h"

/* Every file of a results folder is read strictly (csvin.h, jsonfile.h): the
 * first problem is "FILE:LINE:COL: error: what" and the folder is refused with
 * exit status 2.  Columns and fields this version does not know are no error
 * (a newer stampede may add them); every one it knows is checked by kind. */

#define MAX_BINS_READ 10000001   /* the time-series rows a run may write (LIMIT_BINS), and one */

double run_value(const run_folder *rf, size_t i, const char *col)
{
    for (size_t k = 0; k < rf->ncols; k++)
        if (!strcmp(rf->cols[k], col)) return rf->labels[i].v[k];
    return NAN;
}

/* Read results: TI_BAD -> -2, TI_IO -> -1 (plot.h's convention). */
static int status_of(int ti) { return ti == TI_IO ? -1 : ti ? -2 : 0; }

/* One value in a table cell: scalars as written, objects as "k: v, k: v",
 * arrays as "[a, b]". */
static void json_compact(strbuf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) sb_puts(b, v->valuestring);
    else if (cJSON_IsBool(v)) sb_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v)) sb_puts(b, "null");
    else if (cJSON_IsNumber(v)) sb_printf(b, "%.10g", v->valuedouble);
    else if (cJSON_IsArray(v)) {
        sb_puts(b, "[");
        for (const cJSON *e = v->child; e; e = e->next) {
            json_compact(b, e);
            if (e->next) sb_puts(b, ", ");
        }
        sb_puts(b, "]");
    } else if (cJSON_IsObject(v)) {
        for (const cJSON *e = v->child; e; e = e->next) {
            bool nested = cJSON_IsObject(e) && e->child;
            sb_printf(b, "%s: %s", e->string, nested ? "{" : "");
            json_compact(b, e);
            if (nested) sb_puts(b, "}");
            if (e->next) sb_puts(b, ", ");
        }
    }
}

static int add_param(run_folder *rf, const char *key, const cJSON *v)
{
    char **k = realloc(rf->param_key, (rf->nparams + 1) * sizeof *k);
    if (!k) return -1;
    rf->param_key = k;
    char **val = realloc(rf->param_val, (rf->nparams + 1) * sizeof *val);
    if (!val) return -1;
    rf->param_val = val;
    strbuf b = { 0 };
    json_compact(&b, v);
    char *text = sb_take(&b);
    char *kc = strdup(key);
    if (!text || !kc) {
        free(text);
        free(kc);
        return -1;
    }
    rf->param_key[rf->nparams] = kc;
    rf->param_val[rf->nparams++] = text;
    return 0;
}

/* Flattens the scenario into rows: objects into dotted paths, down to scalars,
 * arrays and distributions (objects with "dist"), which stay one row each. */
static int flatten(run_folder *rf, const char *prefix, const cJSON *o)
{
    for (const cJSON *e = o->child; e; e = e->next) {
        char key[512];
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", e->string);
        if (!strcmp(key, "name") || !strcmp(key, "description")) continue;   /* shown above the table */
        int rc;
        if (cJSON_IsObject(e) && e->child && !cJSON_GetObjectItemCaseSensitive(e, "dist")) rc = flatten(rf, key, e);
        else if (cJSON_IsArray(e) && e->child && cJSON_IsObject(e->child)) {
            rc = 0;
            int i = 0;
            for (const cJSON *a = e->child; a && !rc; a = a->next) {
                char ak[600];
                snprintf(ak, sizeof ak, "%s.%d", key, i++);
                rc = add_param(rf, ak, a);
            }
        } else rc = add_param(rf, key, e);
        if (rc) return -1;
    }
    return 0;
}

static int add_mark(run_folder *rf, mark m)
{
    mark *nm = realloc(rf->marks, (rf->nmarks + 1) * sizeof *nm);
    if (!nm) return -1;
    rf->marks = nm;
    rf->marks[rf->nmarks++] = m;
    return 0;
}

/* One line of text: no control characters (a description, a version). */
static bool one_line(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
    return true;
}

#define BIG 1e15   /* the largest time, factor or count a folder may hold */

/* scenario.json: the facts the charts mark and the table of parameters. */
static int read_scenario(run_folder *rf, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) && errno == ENOENT) return 0;   /* written by an older stampede: no marks */
    jfile j;
    int rc = jfile_open(&j, path, err, errlen);
    const char *s = NULL;
    char ptr[96];
    if (rc) goto done;
    rc = TI_BAD;
    if (!cJSON_IsObject(j.root)) {
        jfile_error(&j, "", err, errlen, "expected an object (the effective scenario)");
        goto done;
    }
    rf->have_scenario = true;
    if (jfile_string(&j, "/name", false, &s, err, errlen)) goto done;
    if (s && !scenario_valid_name(s)) {
        jfile_error(&j, "/name", err, errlen, "expected a name of letters, digits, '.', '_' and '-'");
        goto done;
    }
    if (s && !(rf->name = strdup(s))) goto oom;
    s = NULL;
    if (jfile_string(&j, "/description", false, &s, err, errlen)) goto done;
    if (s && !one_line(s)) {
        jfile_error(&j, "/description", err, errlen, "expected one line of text");
        goto done;
    }
    if (s && !(rf->description = strdup(s))) goto oom;
    if (jfile_duration(&j, "/bin", false, 0, BIG, &rf->bin, err, errlen) ||
        jfile_duration(&j, "/duration", false, 0, BIG, &rf->duration, err, errlen) ||
        jfile_duration(&j, "/warmup", false, 0, BIG, &rf->warmup, err, errlen))
        goto done;
    if (rf->bin == 0 || rf->duration == 0) {
        jfile_error(&j, rf->bin == 0 ? "/bin" : "/duration", err, errlen, "expected a duration > 0");
        goto done;
    }
    const cJSON *w = jfile_get(&j, "/db/workers");
    if (cJSON_IsString(w) && !strcmp(w->valuestring, "unlimited")) rf->workers = INFINITY;
    else if (w && jfile_number(&j, "/db/workers", true, 1, 9007199254740992.0, true, &rf->workers, err, errlen))
        goto done;
    if (jfile_get(&j, "/db/overload/usl")) {
        rf->sigma = 0;
        rf->kappa = NAN;
        if (jfile_number(&j, "/db/overload/usl/sigma", false, 0, 1, false, &rf->sigma, err, errlen) ||
            jfile_number(&j, "/db/overload/usl/kappa", false, 0, BIG, false, &rf->kappa, err, errlen))
            goto done;
        rf->usl = rf->kappa > 0 && rf->sigma < 1;
    }
    if (rf->warmup > 0 && add_mark(rf, (mark){ .kind = MARK_WARMUP, .at = 0, .until = rf->warmup })) goto oom;
    const cJSON *f;
    int i = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j.root, "faults"))
    {
        const char *type = NULL;
        snprintf(ptr, sizeof ptr, "/faults/%d/type", i);
        if (jfile_string(&j, ptr, true, &type, err, errlen)) goto done;
        mark m = { .until = NAN, .factor = NAN };
        if (!strcmp(type, "cache_flush")) m.kind = MARK_FLUSH;
        else if (!strcmp(type, "db_slowdown")) m.kind = MARK_SLOWDOWN;
        else if (!strcmp(type, "cache_outage")) m.kind = MARK_CACHE_OUTAGE;
        else if (!strcmp(type, "db_outage")) m.kind = MARK_DB_OUTAGE;
        else if (!strcmp(type, "node_crash")) m.kind = MARK_CRASH;
        else {   /* a kind of fault this version does not draw */
            i++;
            continue;
        }
        snprintf(ptr, sizeof ptr, "/faults/%d/at", i);
        if (jfile_duration(&j, ptr, true, 0, BIG, &m.at, err, errlen)) goto done;
        if (m.kind == MARK_SLOWDOWN) {
            snprintf(ptr, sizeof ptr, "/faults/%d/until", i);
            if (jfile_duration(&j, ptr, true, m.at, BIG, &m.until, err, errlen)) goto done;
            snprintf(ptr, sizeof ptr, "/faults/%d/factor", i);
            if (jfile_number(&j, ptr, true, 1e-15, BIG, false, &m.factor, err, errlen)) goto done;
        } else if (m.kind == MARK_CACHE_OUTAGE || m.kind == MARK_DB_OUTAGE) {
            snprintf(ptr, sizeof ptr, "/faults/%d/until", i);
            if (jfile_duration(&j, ptr, true, m.at, BIG, &m.until, err, errlen)) goto done;
            const char *str = NULL;
            snprintf(ptr, sizeof ptr, "/faults/%d/mode", i);
            if (jfile_get(&j, ptr) && jfile_string(&j, ptr, true, &str, err, errlen)) goto done;
            m.timeout = str && !strcmp(str, "timeout");
            str = NULL;
            snprintf(ptr, sizeof ptr, "/faults/%d/data", i);
            if (jfile_get(&j, ptr) && jfile_string(&j, ptr, true, &str, err, errlen)) goto done;
            m.lost = str && !strcmp(str, "lost");
        } else if (m.kind == MARK_CRASH) {
            snprintf(ptr, sizeof ptr, "/faults/%d/node", i);
            if (jfile_number(&j, ptr, true, 0, BIG, false, &m.node, err, errlen)) goto done;
            double after = NAN;
            snprintf(ptr, sizeof ptr, "/faults/%d/restart_after", i);
            if (jfile_get(&j, ptr) && jfile_duration(&j, ptr, true, 0, BIG, &after, err, errlen)) goto done;
            m.restarts = isfinite(after);
            /* down until its restart, or to the end of the run */
            m.until = m.restarts ? m.at + after : fmax(m.at, rf->duration);
        } else {
            m.until = m.at;
        }
        if (add_mark(rf, m)) goto oom;
        i++;
    }
    const cJSON *b;
    i = 0;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j.root, "clients"), "bursts"))
    {
        mark m = { .kind = MARK_BURST };
        double over = 0;
        snprintf(ptr, sizeof ptr, "/clients/bursts/%d/at", i);
        if (jfile_duration(&j, ptr, true, 0, BIG, &m.at, err, errlen)) goto done;
        snprintf(ptr, sizeof ptr, "/clients/bursts/%d/requests", i);
        if (jfile_number(&j, ptr, true, 0, BIG, true, &m.requests, err, errlen)) goto done;
        snprintf(ptr, sizeof ptr, "/clients/bursts/%d/over", i);
        if (jfile_duration(&j, ptr, false, 0, BIG, &over, err, errlen)) goto done;
        m.until = m.at + over;
        if (add_mark(rf, m)) goto oom;
        i++;
    }
    if (flatten(rf, "", j.root)) goto oom;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    return status_of(rc);
}

/* summary.json: the label's own (it must say so), the scenario's name,
 * version and seed (first label) and the label's strategy parameters. */
static int read_summary(run_folder *rf, run_label *L, const char *path, char *err, size_t errlen)
{
    jfile j;
    int rc = jfile_open(&j, path, err, errlen);
    const char *s = NULL;
    if (rc) goto done;
    rc = TI_BAD;
    if (!cJSON_IsObject(j.root)) {
        jfile_error(&j, "", err, errlen, "expected an object (a label's summary)");
        goto done;
    }
    if (jfile_string(&j, "/label", true, &s, err, errlen)) goto done;
    if (strcmp(s, L->label)) {
        jfile_error(&j, "/label", err, errlen, "the summary of another label (comparison.csv says %s)", L->label);
        goto done;
    }
    if (jfile_string(&j, "/strategy", true, &s, err, errlen)) goto done;
    if (strcmp(s, L->strategy)) {
        jfile_error(&j, "/strategy", err, errlen, "not the strategy comparison.csv gives its label (%s)", L->strategy);
        goto done;
    }
    s = NULL;
    if (jfile_string(&j, "/scenario", false, &s, err, errlen)) goto done;
    if (s && !scenario_valid_name(s)) {
        jfile_error(&j, "/scenario", err, errlen, "expected a name of letters, digits, '.', '_' and '-'");
        goto done;
    }
    if (s && !rf->name && !(rf->name = strdup(s))) goto oom;
    s = NULL;
    if (jfile_string(&j, "/version", false, &s, err, errlen)) goto done;
    if (s && !one_line(s)) {
        jfile_error(&j, "/version", err, errlen, "expected one line of text");
        goto done;
    }
    if (s && !rf->version && !(rf->version = strdup(s))) goto oom;
    double seed = NAN;
    if (jfile_number(&j, "/seed", false, 0, 18446744073709551616.0, true, &seed, err, errlen)) goto done;
    if (!isfinite(rf->seed)) rf->seed = seed;
    const cJSON *params = jfile_get(&j, "/params"), *p;
    if (params && !cJSON_IsObject(params)) {
        jfile_error(&j, "/params", err, errlen, "expected an object");
        goto done;
    }
    strbuf b = { 0 };
    cJSON_ArrayForEach(p, params)
    {
        sb_printf(&b, "%s%s ", b.len ? ", " : "", p->string);
        json_compact(&b, p);
    }
    if (!(L->params = sb_take(&b))) goto oom;
    /* A run cut at the drain limit says why (absent from older folders). */
    const cJSON *dl = jfile_get(&j, "/sim/drain_limited");
    if (dl && !cJSON_IsBool(dl)) {
        jfile_error(&j, "/sim/drain_limited", err, errlen, "expected true or false");
        goto done;
    }
    if (cJSON_IsTrue(dl)) {
        s = NULL;
        if (jfile_string(&j, "/sim/cut", true, &s, err, errlen)) goto done;
        if (!one_line(s)) {
            jfile_error(&j, "/sim/cut", err, errlen, "expected one line of text");
            goto done;
        }
        if (!(L->cut = strdup(s))) goto oom;
    }
    /* The SLO (the first label's) and how the label came back after each
     * trigger, both as run wrote them. */
    if (jfile_get(&j, "/slo") && isnan(rf->slo_target)) {
        const cJSON *lat = jfile_get(&j, "/slo/latency");
        if (cJSON_IsNull(lat)) rf->slo_latency = INFINITY;
        else if (jfile_number(&j, "/slo/latency", true, 0, BIG, false, &rf->slo_latency, err, errlen)) goto done;
        if (jfile_number(&j, "/slo/target", true, 0, 1, false, &rf->slo_target, err, errlen)) goto done;
    }
    const cJSON *rec = jfile_get(&j, "/recovery");
    if (rec && !cJSON_IsArray(rec)) {
        jfile_error(&j, "/recovery", err, errlen, "expected an array");
        goto done;
    }
    int n = rec ? cJSON_GetArraySize(rec) : 0;
    if (n > 0 && !(L->rec = calloc((size_t)n, sizeof *L->rec))) goto oom;
    for (int i = 0; i < n; i++) {
        char ptr[96];
        const char *t = NULL;
        run_recovery *r = &L->rec[L->nrec];
        snprintf(ptr, sizeof ptr, "/recovery/%d/trigger", i);
        if (jfile_string(&j, ptr, true, &t, err, errlen)) goto done;
        if (!one_line(t)) {
            jfile_error(&j, ptr, err, errlen, "expected one line of text");
            goto done;
        }
        if (!(r->trigger = strdup(t))) goto oom;
        L->nrec++;
        r->at = r->end = r->time = r->worst = NAN;
        static const char *const nums[] = { "at", "end", "recovery_time", "worst_good_ratio", "baseline_good_ratio" };
        double *dst[] = { &r->at, &r->end, &r->time, &r->worst, NULL };
        for (size_t k = 0; k < 5; k++) {
            double x = NAN;
            snprintf(ptr, sizeof ptr, "/recovery/%d/%s", i, nums[k]);
            const cJSON *v = jfile_get(&j, ptr);
            if (v && !cJSON_IsNull(v) && jfile_number(&j, ptr, true, 0, k >= 3 ? 1 : BIG, false, &x, err, errlen))
                goto done;
            if (dst[k]) *dst[k] = x;
            else r->judged = isfinite(x);
        }
        static const char *const flags[] = { "recovered", "metastable" };
        bool *fdst[] = { &r->recovered, &r->metastable };
        for (size_t k = 0; k < 2; k++) {
            snprintf(ptr, sizeof ptr, "/recovery/%d/%s", i, flags[k]);
            const cJSON *v = jfile_get(&j, ptr);
            if (v && !cJSON_IsBool(v)) {
                jfile_error(&j, ptr, err, errlen, "expected true or false");
                goto done;
            }
            *fdst[k] = cJSON_IsTrue(v);
        }
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    return status_of(rc);
}

/* Appends v to a growing array of doubles (cap doubles as needed). */
static int push(double **a, size_t n, size_t *cap, double v)
{
    if (n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        double *t = realloc(*a, c * sizeof *t);
        if (!t) return -1;
        *a = t;
        *cap = c;
    }
    (*a)[n] = v;
    return 0;
}

const char *const run_ts_names[TS_N] = {
    "t", "p50", "p99", "p999", "db_inflight_max", "db_started", "db_queue_max", "succeeded", "failed",
};
/* Columns an older stampede did not write: NAN when absent. */
#define TS_FIRST_OPTIONAL TS_SUCCEEDED

/* The columns timeseries.csv has, and what each holds. */
static const struct { const char *name; unsigned kind; } ts_kinds[] = {
    { "t", CK_SECONDS }, { "arrivals", CK_COUNT }, { "hits", CK_COUNT }, { "misses", CK_COUNT },
    { "stale", CK_COUNT }, { "waited", CK_COUNT }, { "timeouts", CK_COUNT }, { "errors", CK_COUNT },
    { "db_started", CK_COUNT }, { "db_completed", CK_COUNT }, { "db_inflight_max", CK_COUNT },
    { "db_queue_max", CK_COUNT }, { "p50", CK_SECONDS | CK_EMPTY }, { "p99", CK_SECONDS | CK_EMPTY },
    { "p999", CK_SECONDS | CK_EMPTY }, { "succeeded", CK_COUNT }, { "failed", CK_COUNT }, { "good", CK_COUNT },
    { "p99_all", CK_SECONDS | CK_EMPTY | CK_INF },
};
#define NTS_KINDS (sizeof ts_kinds / sizeof *ts_kinds)

static int read_timeseries(run_folder *rf, run_label *L, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    int col[TS_N], known[NTS_KINDS];
    size_t cap[TS_N] = { 0 };
    if (rc) goto done;
    rc = TI_BAD;
    for (int k = 0; k < TS_N; k++)
        if ((col[k] = k < TS_FIRST_OPTIONAL ? csvin_need(&c, run_ts_names[k], err, errlen) : csvin_find(&c, run_ts_names[k])) < 0 &&
            k < TS_FIRST_OPTIONAL)
            goto done;
    for (size_t k = 0; k < NTS_KINDS; k++) known[k] = csvin_find(&c, ts_kinds[k].name);
    L->lat_min = INFINITY;
    L->lat_max = 0;
    double prev = -1;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        if (L->nbins == MAX_BINS_READ) {
            snprintf(err, errlen, "%s:%llu: error: more than %d rows, beyond what a run writes", path, csvin_lineno(&c),
                     MAX_BINS_READ - 1);
            rc = TI_BAD;
            goto done;
        }
        double v[TS_N], x = 0;
        for (size_t k = 0; k < NTS_KINDS; k++)
            if (known[k] >= 0 && (rc = csvin_num(&c, known[k], ts_kinds[k].kind, &x, err, errlen))) goto done;
        for (int k = 0; k < TS_N; k++) {
            v[k] = NAN;
            if (col[k] >= 0) csvin_num(&c, col[k], CK_ANY, &v[k], err, errlen);   /* checked above */
            if (push(&L->ts[k], L->nbins, &cap[k], v[k])) {
                snprintf(err, errlen, "out of memory");
                rc = TI_IO;
                goto done;
            }
        }
        if (!(v[TS_T] > prev)) {
            rc = csvin_error(&c, col[TS_T], err, errlen, "%s is not after the previous row's bin", csvin_cell(&c, col[TS_T]));
            goto done;
        }
        prev = v[TS_T];
        L->nbins++;
        for (int k = 0; k < 3; k++) {
            double p = v[TS_P50 + k];
            if (!(p > 0)) continue;
            L->lat_any[k] = true;
            if (p < L->lat_min) L->lat_min = p;
            if (p > L->lat_max) L->lat_max = p;
        }
        if (v[TS_INFLIGHT] > L->inflight_max) L->inflight_max = v[TS_INFLIGHT];
        if (v[TS_STARTED] > L->started_max) L->started_max = v[TS_STARTED];
        if (v[TS_QUEUE] > L->queue_max) L->queue_max = v[TS_QUEUE];
    }
    if (rc != TI_END) goto done;
    rc = 0;
    if (!L->nbins) {
        snprintf(err, errlen, "%s: error: no rows (a run writes at least one time bin)", path);
        rc = TI_BAD;
        goto done;
    }
    if (!(rf->bin > 0) && L->nbins > 1) rf->bin = L->ts[TS_T][1] - L->ts[TS_T][0];
    L->t_end = L->ts[TS_T][L->nbins - 1] + (rf->bin > 0 ? rf->bin : 0);
done:
    csvin_close(&c);
    return status_of(rc);
}

static int read_latency_hist(run_label *L, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    if (rc) goto done;
    rc = TI_BAD;
    int clo = csvin_need(&c, "lower", err, errlen), chi = clo < 0 ? -1 : csvin_need(&c, "upper", err, errlen),
        ccnt = chi < 0 ? -1 : csvin_need(&c, "count", err, errlen), ccdf = ccnt < 0 ? -1 : csvin_need(&c, "cdf", err, errlen);
    if (ccdf < 0) goto done;
    /* The CDF over every request, a failed one counting as infinitely slow;
     * an older stampede wrote the CDF of answered requests only. */
    int call = csvin_find(&c, "cdf_all"), cplain = ccdf;
    if (call >= 0) ccdf = call;
    L->cdf_col = call >= 0 ? "cdf_all" : "cdf";
    L->answered_share = 1;
    L->hist_lo = NAN;
    L->hist_hi = NAN;
    double prev_hi = 0, prev_cdf = 0;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        double lo, hi, n, cdf, plain;
        if ((rc = csvin_num(&c, clo, CK_SECONDS, &lo, err, errlen)) || (rc = csvin_num(&c, chi, CK_SECONDS | CK_EMPTY, &hi, err, errlen)) ||
            (rc = csvin_num(&c, ccnt, CK_COUNT, &n, err, errlen)) || (rc = csvin_num(&c, cplain, CK_FRACTION, &plain, err, errlen)) ||
            (rc = csvin_num(&c, ccdf, CK_FRACTION, &cdf, err, errlen)))
            goto done;
        L->answered_share = cdf;
        if (L->nhist == HIST_NBUCKETS) {
            rc = csvin_error(&c, clo, err, errlen, "more rows than the histogram has buckets (%d)", HIST_NBUCKETS);
            goto done;
        }
        if (lo < prev_hi || !(hi > lo || isnan(hi))) {
            rc = csvin_error(&c, clo, err, errlen, "buckets must follow each other, each with lower < upper");
            goto done;
        }
        if (n < 1 || cdf < prev_cdf) {
            rc = csvin_error(&c, n < 1 ? ccnt : ccdf, err, errlen, "%s",
                             n < 1 ? "a bucket written is never empty" : "the CDF must not decrease");
            goto done;
        }
        prev_hi = isnan(hi) ? INFINITY : hi;
        prev_cdf = cdf;
        L->nhist++;
        L->answered += n;
        if (cdf < 1 - 1e-12) L->ccdf_any = true;
        /* The CDF starts at its 0.1% point, past the bucket of zero latencies. */
        if (isnan(L->hist_lo) && lo > 0 && isfinite(hi) && cdf >= 1e-3) L->hist_lo = hi;
        if (isfinite(hi)) L->hist_hi = hi;
        else if (lo > 0) L->hist_hi = lo;
    }
    if (rc == TI_END) rc = 0;
done:
    csvin_close(&c);
    return status_of(rc);
}

static int read_sizes(run_label *L, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    size_t cap1 = 0, cap2 = 0;
    if (rc) goto done;
    rc = TI_BAD;
    int cmin = csvin_need(&c, "size_min", err, errlen), cmax = cmin < 0 ? -1 : csvin_need(&c, "size_max", err, errlen),
        ccount = cmax < 0 ? -1 : csvin_need(&c, "count", err, errlen);
    if (ccount < 0) goto done;
    double prev = 0;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        double lo, hi, n;
        if ((rc = csvin_num(&c, cmin, CK_COUNT, &lo, err, errlen)) || (rc = csvin_num(&c, cmax, CK_COUNT, &hi, err, errlen)) ||
            (rc = csvin_num(&c, ccount, CK_COUNT, &n, err, errlen)))
            goto done;
        if (L->nsizes == SIZE_EXACT + 64) {
            rc = csvin_error(&c, cmin, err, errlen, "more rows than there are sizes (%d)", SIZE_EXACT + 64);
            goto done;
        }
        if (lo < 1 || lo <= prev || hi < lo || n < 1) {
            rc = csvin_error(&c, lo < 1 || lo <= prev ? cmin : hi < lo ? cmax : ccount, err, errlen, "%s",
                             lo < 1 ? "a stampede has at least one query"
                             : lo <= prev ? "sizes must increase from row to row"
                             : hi < lo ? "size_max is below size_min" : "a size written is never empty");
            goto done;
        }
        prev = hi;
        if (hi > lo) L->sizes_grouped = true;
        if (push(&L->sizes, L->nsizes, &cap1, lo) || push(&L->size_ge, L->nsizes, &cap2, n)) {
            snprintf(err, errlen, "out of memory");
            rc = TI_IO;
            goto done;
        }
        L->nsizes++;
    }
    if (rc == TI_END) rc = 0;
    for (size_t i = L->nsizes; i-- > 1;) L->size_ge[i - 1] += L->size_ge[i];
done:
    csvin_close(&c);
    return status_of(rc);
}

static int read_label(run_folder *rf, run_label *L, char *err, size_t errlen)
{
    static const char *const files[] = { "summary.json", "timeseries.csv", "latency_hist.csv", "stampede_sizes.csv" };
    char *dir = fs_join(rf->dir, L->label);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < 4 && !rc; i++) {
        char *p = fs_join(dir, files[i]);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        switch (i) {
        case 0: rc = read_summary(rf, L, p, err, errlen); break;
        case 1: rc = read_timeseries(rf, L, p, err, errlen); break;
        case 2: rc = read_latency_hist(L, p, err, errlen); break;
        default: rc = read_sizes(L, p, err, errlen); break;
        }
        free(p);
    }
    free(dir);
    return rc;
}

/* comparison.csv: a row per label, each of a strategy this version knows,
 * every number of a kind this version knows checked. */
static int read_comparison(run_folder *rf, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    unsigned *kinds = NULL;
    int *which = NULL;
    size_t cap = 0;
    if (rc) goto done;
    rc = TI_BAD;
    int cl = csvin_need(&c, "label", err, errlen), cs = cl < 0 ? -1 : csvin_need(&c, "strategy", err, errlen);
    if (cs < 0) goto done;
    rc = TI_IO;
    rf->ncols = c.ncols - 2;
    if (!(rf->cols = calloc(rf->ncols + 1, sizeof *rf->cols)) || !(kinds = calloc(rf->ncols + 1, sizeof *kinds)) ||
        !(which = calloc(rf->ncols + 1, sizeof *which)))
        goto oom;
    for (size_t i = 0, k = 0; i < c.ncols; i++) {
        if ((int)i == cl || (int)i == cs) continue;
        if (!(rf->cols[k] = strdup(c.head[i]))) goto oom;
        kinds[k] = output_col_kind_of(c.head[i]);
        which[k++] = (int)i;
    }
    rf->baseline = SIZE_MAX;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        const char *label = csvin_cell(&c, cl), *strategy = csvin_cell(&c, cs);
        char got[96];
        textin_show(got, sizeof got, label, strlen(label), 40);
        if ((rc = results_row_names(&c, cl, cs, err, errlen))) goto done;
        for (size_t i = 0; i < rf->nlabels; i++)
            if (!strcmp(rf->labels[i].label, label)) {
                rc = csvin_error(&c, cl, err, errlen, "%s is on an earlier row too", got);
                goto done;
            }
        if (rf->nlabels == cap) {
            size_t nc = cap ? cap * 2 : 8;
            run_label *t = realloc(rf->labels, nc * sizeof *t);
            if (!t) goto oom;
            rf->labels = t;
            cap = nc;
        }
        run_label *L = &rf->labels[rf->nlabels];
        memset(L, 0, sizeof *L);
        rf->nlabels++;
        L->label = strdup(label);
        L->strategy = strdup(strategy);
        L->v = calloc(rf->ncols + 1, sizeof *L->v);
        if (!L->label || !L->strategy || !L->v) goto oom;
        for (size_t k = 0; k < rf->ncols; k++)
            if ((rc = csvin_num(&c, which[k], kinds[k], &L->v[k], err, errlen))) goto done;
        if (rf->baseline == SIZE_MAX && !strcmp(L->strategy, "none")) rf->baseline = rf->nlabels - 1;
    }
    if (rc != TI_END) goto done;
    rc = 0;
    if (!rf->nlabels) {
        snprintf(err, errlen, "%s: error: no rows (a run writes one per strategy)", path);
        rc = TI_BAD;
    }
    if (rf->baseline == SIZE_MAX) rf->baseline = rf->nlabels;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    free(kinds);
    free(which);
    csvin_close(&c);
    return status_of(rc);
}

int run_folder_read(run_folder *rf, const char *dir, char *err, size_t errlen)
{
    memset(rf, 0, sizeof *rf);
    rf->seed = NAN;
    rf->bin = rf->duration = rf->warmup = NAN;
    rf->workers = NAN;
    rf->slo_latency = rf->slo_target = NAN;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (!(rf->dir = strndup(dir, n))) goto oom;
    if (!fs_is_dir(rf->dir)) {
        snprintf(err, errlen, "%s: %s", rf->dir, access(rf->dir, F_OK) ? "no such folder" : "not a folder");
        return -2;
    }
    char *p = fs_join(rf->dir, "comparison.csv");
    if (!p) goto oom;
    int rc = read_comparison(rf, p, err, errlen);
    free(p);
    if (rc) return rc;
    char *sp = fs_join(rf->dir, "scenario.json");
    if (!sp) goto oom;
    rc = read_scenario(rf, sp, err, errlen);
    free(sp);
    if (rc) return rc;
    for (size_t i = 0; i < rf->nlabels; i++)
        if ((rc = read_label(rf, &rf->labels[i], err, errlen))) return rc;
    const char **names = calloc(rf->nlabels, sizeof *names);
    if (!names) goto oom;
    for (size_t i = 0; i < rf->nlabels; i++) names[i] = rf->labels[i].label;
    for (size_t i = 0; i < rf->nlabels; i++) rf->labels[i].style = palette_style(names, rf->nlabels, i);
    free(names);
    if (!rf->name) {
        const char *base = strrchr(rf->dir, '/');
        if (!(rf->name = strdup(base ? base + 1 : rf->dir))) goto oom;
    }
    if (!(rf->bin > 0)) rf->bin = 1;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

void run_folder_free(run_folder *rf)
{
    for (size_t i = 0; i < rf->nlabels; i++) {
        run_label *L = &rf->labels[i];
        free(L->label);
        free(L->strategy);
        free(L->v);
        free(L->params);
        free(L->cut);
        for (size_t k = 0; k < L->nrec; k++) free(L->rec[k].trigger);
        free(L->rec);
        free(L->sizes);
        free(L->size_ge);
        for (int k = 0; k < TS_N; k++) free(L->ts[k]);
    }
    free(rf->labels);
    for (size_t k = 0; k < rf->ncols; k++) free(rf->cols[k]);
    free(rf->cols);
    for (size_t k = 0; k < rf->nparams; k++) {
        free(rf->param_key[k]);
        free(rf->param_val[k]);
    }
    free(rf->param_key);
    free(rf->param_val);
    free(rf->marks);
    free(rf->dir);
    free(rf->name);
    free(rf->description);
    free(rf->version);
    memset(rf, 0, sizeof *rf);
}
