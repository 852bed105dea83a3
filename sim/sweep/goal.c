/* goal.c - --minimize, --maximize and --subject-to (goal.h). */
#include "goal.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fs.h"
#include "base/jsonfile.h"
#include "base/numtext.h"
#include "base/textin.h"

#include "base/strbuf.h"
#include "metricdoc.h"
#include "vary.h"

void sweep_goal_free(sweep_goal *g)
{
    free(g->m.label);
    free(g->m.text);
    for (size_t i = 0; i < g->nc; i++) { free(g->c[i].m.label); free(g->c[i].m.text); }
    free(g->c);
    memset(g, 0, sizeof *g);
}

static int find_col(const char *name)
{
    for (int c = 0; c < COL_N; c++)
        if (!strcmp(output_col_names[c], name)) return c;
    return -1;
}

/* "METRIC" or "LABEL.METRIC". */
static enum status_code parse_metric(const char *opt, const char *text, sweep_metric *m, struct status *st)
{
    memset(m, 0, sizeof *m);
    const char *dot = strrchr(text, '.');
    const char *name = dot ? dot + 1 : text;
    m->col = find_col(name);
    if (m->col < 0) {
        strbuf b = { 0 };
        sb_printf(&b, "%s: no metric \"%s\" (metrics:", opt, name);
        for (int c = 0; c < COL_N; c++) sb_printf(&b, " %s", output_col_names[c]);
        sb_puts(&b, ")");
        if (b.oom) return status_set(st, STATUS_FAILED, "out of memory");
        status_set(st, STATUS_INPUT, "%s", b.s);
        sb_free(&b);
        return STATUS_INPUT;
    }
    if (dot && dot == text) return status_set(st, STATUS_INPUT, "%s: empty label in \"%s\"", opt, text);
    m->text = strdup(text);
    if (dot) m->label = strndup(text, (size_t)(dot - text));
    if (!m->text || (dot && !m->label)) return status_set(st, STATUS_FAILED, "out of memory");
    return STATUS_OK;
}

enum status_code sweep_goal_set(sweep_goal *g, const char *opt, const char *text, bool maximize, struct status *st)
{
    g->set = true;
    g->maximize = maximize;
    return parse_metric(opt, text, &g->m, st);
}

enum status_code sweep_goal_constrain(sweep_goal *g, const char *text, struct status *st)
{
    sweep_constraint *c = realloc(g->c, (g->nc + 1) * sizeof *c);
    if (!c) return status_set(st, STATUS_FAILED, "out of memory");
    g->c = c;
    c = &g->c[g->nc++];
    memset(c, 0, sizeof *c);
    const char *op = strstr(text, "<=");
    const char *ge = strstr(text, ">=");
    if (!op || (ge && ge < op)) op = ge;
    if (!op) return status_set(st, STATUS_INPUT, "--subject-to needs METRIC<=X or METRIC>=X (got \"%s\")", text);
    char *name = strndup(text, (size_t)(op - text));
    if (!name) return status_set(st, STATUS_FAILED, "out of memory");
    enum status_code rc = parse_metric("--subject-to", name, &c->m, st);
    free(name);
    if (rc) return rc;
    c->ge = op[0] == '>';
    if (sweep_bound_value(op + 2, &c->bound))
        return status_set(st, STATUS_INPUT, "--subject-to %s: \"%s\" is not a number or a duration", text, op + 2);
    return STATUS_OK;
}

enum status_code sweep_goal_check_labels(const sweep_goal *g, const char *const *labels, size_t n, struct status *st)
{
    strbuf b = { 0 };
    for (size_t i = 0; i <= g->nc; i++) {
        const sweep_metric *m = i < g->nc ? &g->c[i].m : &g->m;
        if (!m->label) continue;
        size_t k = 0;
        while (k < n && strcmp(labels[k], m->label)) k++;
        if (k < n) continue;
        sb_printf(&b, "%s%s: no label \"%s\" in the sweep (labels:", b.len ? "\n" : "", m->text, m->label);
        for (size_t j = 0; j < n; j++) sb_printf(&b, " %s", labels[j]);
        sb_puts(&b, ")");
    }
    enum status_code rc = STATUS_OK;
    if (b.oom) rc = status_set(st, STATUS_FAILED, "out of memory");
    else if (b.len) rc = status_set(st, STATUS_INPUT, "%s", b.s);
    sb_free(&b);
    return rc;
}

static const sweep_sumrow *sum_find(const sweep_summary *sm, size_t point, const char *label)
{
    for (size_t i = 0; i < sm->n; i++)
        if (sm->s[i].point == point && !strcmp(sm->s[i].label, label)) return &sm->s[i];
    return NULL;
}

static void fmt_ci(char *buf, size_t n, int col, sweep_stat s)
{
    sweep_metric_fmt_ci(buf, n, col, s.mean, s.ci95);
}

static bool feasible(const sweep_goal *g, const sweep_summary *sm, const sweep_sumrow *c);

bool sweep_goal_candidate(const sweep_goal *g, const sweep_sumrow *c)
{
    return !g->m.label || !strcmp(g->m.label, c->label);
}

bool sweep_goal_feasible(const sweep_goal *g, const sweep_summary *sm, const sweep_sumrow *c)
{
    return feasible(g, sm, c);
}

/* Whether candidate c meets every constraint (on the means). */
static bool feasible(const sweep_goal *g, const sweep_summary *sm, const sweep_sumrow *c)
{
    for (size_t i = 0; i < g->nc; i++) {
        const sweep_constraint *k = &g->c[i];
        const sweep_sumrow *o = sum_find(sm, c->point, k->m.label ? k->m.label : c->label);
        if (!o) return false;
        double v = o->m[k->m.col].mean;
        if (!isfinite(v) || (k->ge ? v < k->bound : v > k->bound)) return false;
    }
    return true;
}

char *sweep_best_text(const sweep_goal *g, const sweep_grid *gr, const sweep_summary *sm)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    int col = g->m.col;
    char bound[64];
    fprintf(f, "%s %s", g->maximize ? "maximize" : "minimize", g->m.text);
    for (size_t i = 0; i < g->nc; i++) {
        sweep_metric_fmt(bound, sizeof bound, g->c[i].m.col, g->c[i].bound);
        fprintf(f, "%s %s %s %s", i ? "," : " subject to", g->c[i].m.text, g->c[i].ge ? ">=" : "<=", bound);
    }
    if (gr->reps < 2) fprintf(f, " (one replication: no confidence intervals)\n");
    else fprintf(f, " (means over %zu replications, 95%% confidence intervals)\n", gr->reps);
    size_t ncand = 0, nfeas = 0;
    const sweep_sumrow *best = NULL;
    for (size_t i = 0; i < sm->n; i++) {
        const sweep_sumrow *s = &sm->s[i];
        if (g->m.label && strcmp(g->m.label, s->label)) continue;
        ncand++;
        if (!isfinite(s->m[col].mean) || !feasible(g, sm, s)) continue;
        nfeas++;
        double v = s->m[col].mean;
        if (!best || (g->maximize ? v > best->m[col].mean : v < best->m[col].mean)) best = s;
    }
    char desc[4096], ci[128];
    if (!best) {
        fprintf(f, "no (point, label) of the %zu considered meets the constraints\n", ncand);
    } else {
        sweep_point_desc(gr, best->point, desc, sizeof desc);
        fmt_ci(ci, sizeof ci, col, best->m[col]);
        fprintf(f, "best: point %zu (%s), label %s\n", best->point, desc, best->label);
        fprintf(f, "  %s.%s = %s\n", best->label, output_col_names[col], ci);
        for (size_t i = 0; i < g->nc; i++) {
            const sweep_constraint *k = &g->c[i];
            const char *lab = k->m.label ? k->m.label : best->label;
            const sweep_sumrow *o = sum_find(sm, best->point, lab);
            fmt_ci(ci, sizeof ci, k->m.col, o->m[k->m.col]);
            sweep_metric_fmt(bound, sizeof bound, k->m.col, k->bound);
            fprintf(f, "  %s.%s = %s (%s %s: ok)\n", lab, output_col_names[k->m.col], ci, k->ge ? ">=" : "<=", bound);
        }
        fprintf(f, "feasible: %zu of %zu (point, label) pairs considered\n", nfeas, ncand);
        double bh = isfinite(best->m[col].ci95) ? best->m[col].ci95 : 0;
        size_t ties = 0;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1 && ties) fprintf(f, "cannot be told apart from the best (95%% confidence intervals overlap): %zu\n", ties);
            for (size_t i = 0; i < sm->n; i++) {
                const sweep_sumrow *s = &sm->s[i];
                if (s == best || (g->m.label && strcmp(g->m.label, s->label))) continue;
                if (!isfinite(s->m[col].mean) || !feasible(g, sm, s)) continue;
                double h = isfinite(s->m[col].ci95) ? s->m[col].ci95 : 0;
                if (fabs(s->m[col].mean - best->m[col].mean) > bh + h) continue;
                if (pass == 0) { ties++; continue; }
                sweep_point_desc(gr, s->point, desc, sizeof desc);
                fmt_ci(ci, sizeof ci, col, s->m[col]);
                fprintf(f, "  point %zu (%s), label %s: %s\n", s->point, desc, s->label, ci);
            }
        }
        if (!ties) fprintf(f, "no other feasible (point, label) overlaps the best's 95%% confidence interval\n");
    }
    if (fclose(f)) { free(buf); return NULL; }
    return buf;
}

void sweep_answer_free(sweep_answer *a)
{
    free(a->ties);
    free(a->excluded);
    memset(a, 0, sizeof *a);
}

int sweep_goal_answer(const sweep_goal *g, const sweep_summary *sm, sweep_answer *a)
{
    memset(a, 0, sizeof *a);
    int col = g->m.col;
    a->excluded = calloc(g->nc ? g->nc : 1, sizeof *a->excluded);
    a->ties = calloc(sm->n ? sm->n : 1, sizeof *a->ties);
    if (!a->excluded || !a->ties) {
        sweep_answer_free(a);
        return -1;
    }
    for (size_t i = 0; i < sm->n; i++) {
        const sweep_sumrow *s = &sm->s[i];
        if (!sweep_goal_candidate(g, s)) continue;
        a->ncand++;
        if (!isfinite(s->m[col].mean)) continue;
        for (size_t k = 0; k < g->nc; k++) {
            const sweep_constraint *c = &g->c[k];
            const sweep_sumrow *o = sum_find(sm, s->point, c->m.label ? c->m.label : s->label);
            double v = o ? o->m[c->m.col].mean : NAN;
            if (!o || !isfinite(v) || (c->ge ? v < c->bound : v > c->bound)) a->excluded[k]++;
        }
        if (!feasible(g, sm, s)) continue;
        a->nfeas++;
        double v = s->m[col].mean;
        if (!a->best || (g->maximize ? v > a->best->m[col].mean : v < a->best->m[col].mean)) a->best = s;
    }
    if (!a->best) return 0;
    double bh = isfinite(a->best->m[col].ci95) ? a->best->m[col].ci95 : 0;
    for (size_t i = 0; i < sm->n; i++) {
        const sweep_sumrow *s = &sm->s[i];
        if (s == a->best || !sweep_goal_candidate(g, s)) continue;
        if (!isfinite(s->m[col].mean) || !feasible(g, sm, s)) continue;
        double h = isfinite(s->m[col].ci95) ? s->m[col].ci95 : 0;
        if (fabs(s->m[col].mean - a->best->m[col].mean) > bh + h) continue;
        a->ties[a->nties++] = s;
    }
    return 0;
}

char *sweep_goal_json(const sweep_goal *g)
{
    strbuf b = { 0 };
    char x[40];
    sb_printf(&b, "{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n  \"%s\": ", SWEEP_GOAL_FORMAT,
              SWEEP_GOAL_VERSION, g->maximize ? "maximize" : "minimize");
    sb_putn(&b, "\"", 1);
    sb_puts(&b, g->m.text);   /* LABEL.METRIC: a label's letters, digits, '.', '_', '-' */
    sb_puts(&b, "\",\n  \"subject_to\": [");
    for (size_t i = 0; i < g->nc; i++) {
        num_fmt_shortest(x, sizeof x, g->c[i].bound);
        sb_printf(&b, "%s\"%s%s%s\"", i ? ", " : "", g->c[i].m.text, g->c[i].ge ? ">=" : "<=", x);
    }
    sb_puts(&b, "]\n}\n");
    if (b.oom) {
        sb_free(&b);
        return NULL;
    }
    return b.s;
}

int sweep_goal_read(const char *dir, sweep_goal *g, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    char *p = fs_join(dir, "goal.json");
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    struct stat sb;
    if (lstat(p, &sb) && errno == ENOENT) {
        free(p);
        return 1;
    }
    jfile j;
    memset(&j, 0, sizeof j);
    int rc = jfile_open(&j, p, err, errlen);
    struct status st = STATUS_INIT;
    const char *t = NULL;
    if (rc) goto done;
    rc = TI_BAD;
    if (jfile_format(&j, "a sweep goal", SWEEP_GOAL_FORMAT, SWEEP_GOAL_VERSION, err, errlen)) goto done;
    bool max = jfile_get(&j, "/maximize") != NULL;
    if (jfile_string(&j, max ? "/maximize" : "/minimize", true, &t, err, errlen)) goto done;
    if (sweep_goal_set(g, max ? "/maximize" : "/minimize", t, max, &st)) {
        jfile_error(&j, max ? "/maximize" : "/minimize", err, errlen, "%s", status_msg(&st));
        goto done;
    }
    const cJSON *a = jfile_get(&j, "/subject_to");
    if (!cJSON_IsArray(a)) {
        jfile_error(&j, "/subject_to", err, errlen, "expected an array of constraints such as \"xfetch.p99<=0.0025\"");
        goto done;
    }
    size_t k = 0;
    for (const cJSON *c = a->child; c; c = c->next, k++) {
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/subject_to/%zu", k);
        if (jfile_string(&j, ptr, true, &t, err, errlen)) goto done;
        if (sweep_goal_constrain(g, t, &st)) {
            jfile_error(&j, ptr, err, errlen, "%s", status_msg(&st));
            goto done;
        }
    }
    rc = 0;
done:
    status_clear(&st);
    jfile_close(&j);
    free(p);
    if (rc) sweep_goal_free(g);
    return rc;
}
