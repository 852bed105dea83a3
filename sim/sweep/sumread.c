/* sumread.c - a finished sweep folder read back (sumread.h). */
#include "sumread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvin.h"
#include "base/fs.h"
#include "base/textin.h"

void sweep_folder_free(sweep_folder *f)
{
    sweep_grid_free(&f->g);
    free(f->sm.s);
    for (size_t i = 0; i < f->nnames; i++) free(f->names[i]);
    free(f->names);
    free(f->labels);
    sweep_goal_free(&f->goal);
    memset(f, 0, sizeof *f);
}

/* s kept in f->names (one copy per distinct text); NULL on no memory. */
static const char *keep(sweep_folder *f, const char *s)
{
    for (size_t i = 0; i < f->nnames; i++)
        if (!strcmp(f->names[i], s)) return f->names[i];
    char **t = realloc(f->names, (f->nnames + 1) * sizeof *t);
    if (!t) return NULL;
    f->names = t;
    if (!(t[f->nnames] = strdup(s))) return NULL;
    return t[f->nnames++];
}

int sweep_folder_read(const char *dir, sweep_folder *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    size_t *runs = NULL, nruns;
    int rc = sweep_manifest_read(dir, &f->g, &runs, &nruns, err, errlen);
    free(runs);
    if (rc) return rc;
    const sweep_grid *g = &f->g;
    if (nruns < g->runs) {
        snprintf(err, errlen, "%s is one part of a sweep (%zu of %zu runs): join the parts with stampede merge", dir,
                 nruns, g->runs);
        return TI_BAD;
    }
    char *path = fs_join(dir, "sweep.csv");
    csvin c;
    memset(&c, 0, sizeof c);
    c.t.fd = -1;
    int *vcol = calloc(g->nvary ? g->nvary : 1, sizeof *vcol), col[COL_N][2];
    size_t *idx = calloc(g->nvary ? g->nvary : 1, sizeof *idx);
    rc = TI_IO;
    if (!path || !vcol || !idx) goto oom;
    if ((rc = csvin_open(&c, path, err, errlen))) goto done;
    rc = TI_BAD;
    for (size_t i = 0; i < g->nvary; i++)
        if ((vcol[i] = csvin_need(&c, g->vary[i].path, err, errlen)) < 0) goto done;
    int cl = csvin_need(&c, "label", err, errlen), cs = cl < 0 ? -1 : csvin_need(&c, "strategy", err, errlen),
        cn = cs < 0 ? -1 : csvin_need(&c, "n", err, errlen);
    if (cn < 0) goto done;
    for (int m = 0; m < COL_N; m++)
        for (int h = 0; h < 2; h++) {
            char name[96];
            snprintf(name, sizeof name, "%s_%s", output_col_names[m], h ? "ci95" : "mean");
            if ((col[m][h] = csvin_need(&c, name, err, errlen)) < 0) goto done;
        }
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        /* the point, from the values of its axes; a zipped vary agrees with its axis */
        size_t point = 0;
        for (size_t i = 0; i < g->nvary; i++) {
            const sweep_values *v = &g->vary[i].v;
            const char *cell = csvin_cell(&c, vcol[i]);
            size_t k = 0;
            while (k < v->n && strcmp(v->shown[k], cell)) k++;
            if (k == v->n || (g->vary[i].zip && k != idx[i - 1])) {
                char got[96];
                textin_show(got, sizeof got, cell, strlen(cell), 40);
                rc = csvin_error(&c, vcol[i], err, errlen, "%s is not the value sweep.json gives this column here", got);
                goto done;
            }
            idx[i] = k;
            if (!g->vary[i].zip) point = point * v->n + k;
        }
        if ((rc = results_row_names(&c, cl, cs, err, errlen))) goto done;
        double n;
        if ((rc = csvin_num(&c, cn, CK_COUNT, &n, err, errlen))) goto done;
        if (n > (double)g->reps) {
            rc = csvin_error(&c, cn, err, errlen, "more than the %zu replications of the sweep", g->reps);
            goto done;
        }
        sweep_sumrow *t = realloc(f->sm.s, (f->sm.n + 1) * sizeof *t);
        if (!t) goto oom;
        f->sm.s = t;
        sweep_sumrow *r = &f->sm.s[f->sm.n];
        memset(r, 0, sizeof *r);
        r->point = point;
        r->n = (size_t)n;
        if (!(r->label = keep(f, csvin_cell(&c, cl))) || !(r->strategy = keep(f, csvin_cell(&c, cs)))) goto oom;
        for (size_t i = 0; i < f->sm.n; i++)
            if (f->sm.s[i].point == point && f->sm.s[i].label == r->label) {
                rc = csvin_error(&c, cl, err, errlen, "a second row for label %s at the same point", r->label);
                goto done;
            }
        for (int m = 0; m < COL_N; m++) {
            unsigned kind = sweep_csv_kind(c.head[col[m][0]]);
            if ((rc = csvin_num(&c, col[m][0], kind, &r->m[m].mean, err, errlen))) goto done;
            if ((rc = csvin_num(&c, col[m][1], sweep_csv_kind(c.head[col[m][1]]), &r->m[m].ci95, err, errlen))) goto done;
            r->m[m].n = r->n;
        }
        f->sm.n++;
        size_t l = 0;
        while (l < f->nlabels && f->labels[l] != r->label) l++;
        if (l == f->nlabels) {
            char **ls = realloc(f->labels, (f->nlabels + 1) * sizeof *ls);
            if (!ls) goto oom;
            f->labels = ls;
            ls[f->nlabels++] = (char *)r->label;
        }
    }
    if (rc != TI_END) goto done;
    rc = sweep_goal_read(dir, &f->goal, err, errlen);
    f->has_goal = rc == 0;
    if (rc == 1) rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    csvin_close(&c);
    free(path);
    free(vcol);
    free(idx);
    return rc;
}
