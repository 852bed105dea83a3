/* tables.c - runs.csv and sweep.csv (tables.h). */
#include "tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/numtext.h"
#include "base/stop.h"

double sweep_csv_round(double v)
{
    char b[64];
    num_fmt_csv(b, sizeof b, v);
    return *b ? strtod(b, NULL) : NAN;
}

void sweep_rows_free(sweep_rowset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->r[i].label);
        free(rs->r[i].strategy);
    }
    free(rs->r);
    memset(rs, 0, sizeof *rs);
}

sweep_row *sweep_rows_add(sweep_rowset *rs)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        sweep_row *r = realloc(rs->r, cap * sizeof *r);
        if (!r) return NULL;
        rs->r = r;
        rs->cap = cap;
    }
    sweep_row *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    r->seq = rs->n - 1;
    return r;
}

int sweep_row_cmp(const void *a, const void *b)
{
    const sweep_row *x = a, *y = b;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void runs_header(FILE *f, const sweep_grid *g)
{
    fputs("run", f);
    for (size_t i = 0; i < g->nvary; i++) { fputc(',', f); csvout_field(f, g->vary[i].path); }
    fputs(",replication,label,strategy", f);
    for (int c = 0; c < COL_N; c++) fprintf(f, ",%s", output_col_names[c]);
    fputc('\n', f);
}

void sweep_put_point(FILE *f, const sweep_grid *g, size_t point)
{
    for (size_t i = 0; i < g->nvary; i++) {
        csvout_field(f, g->vary[i].v.shown[sweep_grid_index(g, point, i)]);
        fputc(',', f);
    }
}

void sweep_write_runs(FILE *f, const sweep_grid *g, const sweep_rowset *rs)
{
    runs_header(f, g);
    for (size_t i = 0; i < rs->n; i++) {
        const sweep_row *r = &rs->r[i];
        if ((i & 0xffff) == 0xffff && stop_requested()) return;   /* outdir_commit refuses the folder */
        fprintf(f, "%zu,", r->run);
        sweep_put_point(f, g, r->run / g->reps);
        fprintf(f, "%zu,", r->run % g->reps);
        csvout_field(f, r->label);
        fputc(',', f);
        csvout_field(f, r->strategy);
        for (int c = 0; c < COL_N; c++) { fputc(',', f); csvout_num(f, r->v[c]); }
        fputc('\n', f);
    }
}

int sweep_summarize(const sweep_grid *g, const sweep_rowset *rs, sweep_summary *out)
{
    memset(out, 0, sizeof *out);
    size_t R = g->reps;
    double *x = malloc(R * COL_N * sizeof *x), *ref = malloc(R * COL_N * sizeof *ref);
    double *a = malloc(R * sizeof *a), *b = malloc(R * sizeof *b);
    const char **labels = NULL;
    size_t cap = 0;
    int rc = 0;
    if (!x || !ref || !a || !b) rc = -1;
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->r[i].strategy, "none")) out->none_cols = true;
    size_t lo = 0;
    while (!rc && lo < rs->n) {
        size_t point = rs->r[lo].run / R, hi = lo;
        while (hi < rs->n && rs->r[hi].run / R == point) hi++;
        /* distinct labels, in order */
        size_t nl = 0;
        for (size_t i = lo; i < hi && !rc; i++) {
            size_t k = 0;
            while (k < nl && strcmp(labels[k], rs->r[i].label)) k++;
            if (k < nl) continue;
            if (nl == cap) {
                size_t nc = cap ? cap * 2 : 16;
                const char **t = realloc(labels, nc * sizeof *t);
                if (!t) { rc = -1; break; }
                labels = t;
                cap = nc;
            }
            labels[nl++] = rs->r[i].label;
        }
        if (rc) break;
        sweep_sumrow *ns = realloc(out->s, (out->n + nl) * sizeof *ns);
        if (!ns) { rc = -1; break; }
        out->s = ns;
        /* the none reference of this point */
        const char *none = NULL;
        for (size_t i = lo; i < hi && !none; i++)
            if (!strcmp(rs->r[i].strategy, "none")) none = rs->r[i].label;
        if (none) {
            for (size_t k = 0; k < R * COL_N; k++) ref[k] = NAN;
            for (size_t i = lo; i < hi; i++)
                if (!strcmp(rs->r[i].label, none))
                    memcpy(ref + (rs->r[i].run % R) * COL_N, rs->r[i].v, sizeof rs->r[i].v);
        }
        for (size_t l = 0; l < nl; l++) {
            sweep_sumrow *s = &out->s[out->n++];
            memset(s, 0, sizeof *s);
            s->point = point;
            s->label = labels[l];
            for (size_t k = 0; k < R * COL_N; k++) x[k] = NAN;
            for (size_t i = lo; i < hi; i++) {
                if (strcmp(rs->r[i].label, labels[l])) continue;
                if (!s->strategy) s->strategy = rs->r[i].strategy;
                memcpy(x + (rs->r[i].run % R) * COL_N, rs->r[i].v, sizeof rs->r[i].v);
                s->n++;
                s->recovered += isfinite(rs->r[i].v[COL_RECOVERY_TIME]) ? 1u : 0u;
            }
            s->has_diff = none && strcmp(none, labels[l]);
            for (int c = 0; c < COL_N; c++) {
                for (size_t r = 0; r < R; r++) {
                    a[r] = x[r * COL_N + (size_t)c];
                    b[r] = ref[r * COL_N + (size_t)c];
                }
                s->m[c] = sweep_mean_ci(a, R);
                if (s->has_diff) s->d[c] = sweep_paired_ci(a, b, R);
            }
        }
        lo = hi;
    }
    free(x);
    free(ref);
    free(a);
    free(b);
    free(labels);
    if (rc) { free(out->s); memset(out, 0, sizeof *out); }
    return rc;
}

void sweep_write_summary(FILE *f, const sweep_grid *g, const sweep_summary *sm)
{
    for (size_t i = 0; i < g->nvary; i++) { csvout_field(f, g->vary[i].path); fputc(',', f); }
    fputs("label,strategy,n", f);
    for (int c = 0; c < COL_N; c++) {
        fprintf(f, ",%s_mean,%s_ci95", output_col_names[c], output_col_names[c]);
        if (c == COL_RECOVERY_TIME) fprintf(f, ",%s_recovered", output_col_names[c]);
    }
    if (sm->none_cols)
        for (int c = 0; c < COL_N; c++) fprintf(f, ",%s_diff_none_mean,%s_diff_none_ci95", output_col_names[c], output_col_names[c]);
    fputc('\n', f);
    for (size_t i = 0; i < sm->n; i++) {
        const sweep_sumrow *s = &sm->s[i];
        sweep_put_point(f, g, s->point);
        csvout_field(f, s->label);
        fputc(',', f);
        csvout_field(f, s->strategy);
        fprintf(f, ",%zu", s->n);
        for (int c = 0; c < COL_N; c++) {
            fputc(',', f);
            csvout_num(f, s->m[c].mean);
            fputc(',', f);
            csvout_num(f, s->m[c].ci95);
            if (c == COL_RECOVERY_TIME) fprintf(f, ",%zu", s->recovered);
        }
        if (sm->none_cols)
            for (int c = 0; c < COL_N; c++) {
                fputc(',', f);
                if (s->has_diff) csvout_num(f, s->d[c].mean);
                fputc(',', f);
                if (s->has_diff) csvout_num(f, s->d[c].ci95);
            }
        fputc('\n', f);
    }
}
