/* harness.c - a scenario text through the library, its traces in memory
 * (harness.h). */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "model/model.h"
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
