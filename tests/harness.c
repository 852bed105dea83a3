/* harness.c - a scenario text through the library, its traces in memory
 * (harness.h). */
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "model/model.h"
#include "model/vocab.h"
#include "scenario/load.h"

/* One strategy's run with both traces written to memory. */
static int run_one(const scenario *sc, size_t si, int trace, hn_run *out, char *err, size_t errlen)
{
    metrics m;
    char *rq = NULL, *db = NULL;
    size_t nrq = 0, ndb = 0;
    if (metrics_init(&m, sc->warmup, sc->duration, sc->bin)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    FILE *frq = trace ? open_memstream(&rq, &nrq) : NULL, *fdb = trace ? open_memstream(&db, &ndb) : NULL;
    int rc = -1;
    if (!trace || (frq && fdb)) {
        run_opts o = { .trace_req = frq, .trace_db = fdb };
        struct status st = STATUS_INIT;
        enum status_code code = sim_run(sc, si, &o, &m, &st);
        if (code != STATUS_OK) snprintf(err, errlen, "%s", status_msg(&st));
        status_clear(&st);
        rc = code == STATUS_OK ? 0 : -1;
    } else {
        snprintf(err, errlen, "out of memory");
    }
    if (frq) fclose(frq);
    if (fdb) fclose(fdb);
    if (!rc) {
        out->label = strdup(sc->strategies[si].label);
        metrics_columns(&m, out->col);
        for (int o = 0; o < OUT_N; o++) out->outcomes[o] = (double)m.outcomes[o];
        if (!out->label || (trace && tu_trace_parse(&out->t, rq, db, 0))) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    free(rq);
    free(db);
    metrics_free(&m);
    return rc;
}

int hn_run_text(hn_result *r, const char *json, int trace, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    diag errs = { 0 };
    scenario *sc = scenario_load_text("case.json", json, strlen(json), NULL, 0, &errs);
    if (!sc) {
        snprintf(err, errlen, "%s", errs.n ? errs.msgs[0] : "the scenario does not load");
        diag_free(&errs);
        return -1;
    }
    diag_free(&errs);
    r->runs = calloc(sc->nstrategies, sizeof *r->runs);
    int rc = r->runs ? 0 : -1;
    if (!r->runs) snprintf(err, errlen, "out of memory");
    for (size_t si = 0; !rc && si < sc->nstrategies; si++) {
        rc = run_one(sc, si, trace, &r->runs[si], err, errlen);
        r->n = si + 1;
    }
    scenario_free(sc);
    if (rc) hn_free(r);
    return rc;
}

const hn_run *hn_find(const hn_result *r, const char *label)
{
    for (size_t i = 0; i < r->n; i++)
        if (!label || !strcmp(r->runs[i].label, label)) return &r->runs[i];
    return NULL;
}

double hn_col(const hn_run *run, const char *name)
{
    for (int c = 0; c < COL_N; c++)
        if (!strcmp(output_col_names[c], name)) return run->col[c];
    return NAN;
}

void hn_free(hn_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->runs[i].label);
        tu_trace_free(&r->runs[i].t);
    }
    free(r->runs);
    memset(r, 0, sizeof *r);
}

static hn_view go(const char *label, const char *json, int trace)
{
    hn_view v = { 0 };
    char err[2048];
    ck_assert_msg(hn_run_text(&v.res, json, trace, err, sizeof err) == 0, "run failed: %s", err);
    if (trace) hn_select(&v, label);
    return v;
}

hn_view hn_go(const char *label, const char *json)
{
    return go(label, json, 1);
}

hn_view hn_go_summaries(const char *json)
{
    return go(NULL, json, 0);
}

void hn_select(hn_view *v, const char *label)
{
    v->cur = hn_find(&v->res, label);
    ck_assert_msg(v->cur, "no run labelled %s", label ? label : "(first)");
    v->req = v->cur->t.req;
    v->nreq = v->cur->t.nreq;
    v->db = v->cur->t.db;
    v->ndb = v->cur->t.ndb;
}

double hn_num(const hn_view *v, const char *label, const char *name)
{
    const hn_run *h = hn_find(&v->res, label);
    ck_assert_msg(h, "no run labelled %s", label);
    double x = NAN;
    if (!strncmp(name, "outcomes.", 9)) {
        for (int o = 0; o < OUT_N; o++)
            if (!strcmp(vocab_outcome_names[o], name + 9)) x = h->outcomes[o];
    } else {
        x = hn_col(h, name);
    }
    ck_assert_msg(!isnan(x), "no %s in %s", name, label);
    return x;
}

const tu_attempt *hn_by_id(const hn_view *v, long id, long attempt)
{
    for (size_t i = 0; i < v->nreq; i++)
        if (v->req[i].id == id && v->req[i].attempt == attempt) return &v->req[i];
    ck_abort_msg("no request %ld attempt %ld", id, attempt);
    return NULL;
}

int hn_same(double a, double b)
{
    return isnan(a) ? isnan(b) : fabs(a - b) < 1e-9;
}

void hn_check_case(const char *name, const char *json, const hn_want_att *att, size_t max_att,
                   const hn_want_query *q, size_t max_q, const char *column, double value)
{
    hn_view r = { 0 };
    char err[2048];
    ck_assert_msg(hn_run_text(&r.res, json, 1, err, sizeof err) == 0, "%s: %s", name, err);
    hn_select(&r, NULL);
    size_t natt = 0, nq = 0;
    while (natt < max_att && att[natt].outcome) natt++;
    while (nq < max_q && q[nq].cause) nq++;
    ck_assert_msg(r.nreq == natt, "%s: %zu attempts, expected %zu", name, r.nreq, natt);
    for (size_t i = 0; i < natt; i++) {
        const hn_want_att *w = &att[i];
        const tu_attempt *a = hn_by_id(&r, w->id, w->attempt);
        ck_assert_msg(!strcmp(a->outcome, w->outcome) && hn_same(a->t_done, w->t_done) && hn_same(a->latency, w->latency) &&
                          a->db == w->db,
                      "%s: request %ld attempt %ld: %s at %.12g latency %.12g db %d, expected %s at %.12g latency "
                      "%.12g db %d", name, w->id, w->attempt, a->outcome, a->t_done, a->latency, a->db, w->outcome,
                      w->t_done, w->latency, w->db);
    }
    ck_assert_msg(r.ndb == nq, "%s: %zu queries, expected %zu", name, r.ndb, nq);
    char *used = calloc(nq ? nq : 1, 1);
    ck_assert_ptr_nonnull(used);
    for (size_t i = 0; i < nq; i++) {   /* each expected query matches one row, in any order */
        const hn_want_query *w = &q[i];
        size_t k = 0;
        while (k < r.ndb && (used[k] || !hn_same(r.db[k].t_issue, w->t_issue) || !hn_same(r.db[k].t_end, w->t_end) ||
                             strcmp(r.db[k].cause, w->cause) || strcmp(r.db[k].status, w->status) ||
                             r.db[k].requester != w->requester))
            k++;
        ck_assert_msg(k < r.ndb, "%s: no query %s of request %ld issued at %.12g ending %.12g (%s)", name, w->cause,
                      w->requester, w->t_issue, w->t_end, w->status);
        used[k] = 1;
    }
    free(used);
    if (column) {
        double v = hn_col(r.cur, column);
        ck_assert_msg(v == value, "%s: %s = %g, expected %g", name, column, v, value);
    }
    hn_free(&r.res);
}

int hn_answered(const char *outcome)
{
    for (int o = 0; o < OUT_N; o++)
        if (!strcmp(vocab_outcome_names[o], outcome)) return outcome_answered((enum outcome)o);
    ck_abort_msg("no outcome %s", outcome);
    return 0;
}
