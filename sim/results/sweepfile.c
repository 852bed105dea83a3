/* sweepfile.c - a sweep folder's grid and manifest (sweepfile.h). */
#include "sweepfile.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/csvin.h"
#include "base/fs.h"
#include "base/jsonfile.h"
#include "base/numtext.h"
#include "base/textin.h"
#include "output.h"
#include "scenario/load.h"

void sweep_values_free(sweep_values *v)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->text) free(v->text[i]);
        if (v->shown) free(v->shown[i]);
    }
    free(v->text);
    free(v->shown);
    free(v->num);
    memset(v, 0, sizeof *v);
}

void sweep_grid_free(sweep_grid *g)
{
    for (size_t i = 0; i < g->nvary; i++) {
        free(g->vary[i].path);
        free(g->vary[i].spec);
        sweep_values_free(&g->vary[i].v);
    }
    free(g->vary);
    for (size_t i = 0; i < g->nset; i++) free(g->set[i]);
    free(g->set);
    free(g->labels);
    free(g->scenario);
    free(g->name);
    free(g->hash);
    free(g->version);
    memset(g, 0, sizeof *g);
}

size_t sweep_grid_index(const sweep_grid *g, size_t point, size_t i)
{
    while (i > 0 && g->vary[i].zip) i--;
    for (size_t j = g->nvary; j-- > i + 1;)
        if (!g->vary[j].zip) point /= g->vary[j].v.n;
    return point % g->vary[i].v.n;
}

void sweep_point_desc(const sweep_grid *g, size_t point, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < g->nvary && used < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s=%s", i ? ", " : "", g->vary[i].path,
                         g->vary[i].v.text[sweep_grid_index(g, point, i)]);
        if (k < 0) break;
        used += (size_t)k;
    }
    if (!g->nvary) snprintf(buf, n, "the scenario as is");
}

bool sweep_grid_same(const sweep_grid *a, const sweep_grid *b, char *why, size_t n)
{
    if (strcmp(a->hash, b->hash) || strcmp(a->name, b->name)) {
        snprintf(why, n, "different scenarios (%s %s, %s %s)", a->name, a->hash, b->name, b->hash);
        return false;
    }
    if (strcmp(a->version, b->version)) {
        snprintf(why, n, "made by different stampede versions (%s, %s)", a->version, b->version);
        return false;
    }
    if (a->nvary != b->nvary || a->reps != b->reps || a->runs != b->runs) {
        snprintf(why, n, "different grids (%zu and %zu varied fields, %zu and %zu replications)", a->nvary, b->nvary,
                 a->reps, b->reps);
        return false;
    }
    bool same = a->nset == b->nset && !a->labels == !b->labels && (!a->labels || !strcmp(a->labels, b->labels));
    for (size_t i = 0; same && i < a->nset; i++) same = !strcmp(a->set[i], b->set[i]);
    if (!same) {
        snprintf(why, n, "different --set or --strategy options");
        return false;
    }
    for (size_t i = 0; i < a->nvary; i++) {
        const sweep_vary *x = &a->vary[i], *y = &b->vary[i];
        same = !strcmp(x->path, y->path) && !strcmp(x->spec, y->spec) && x->v.n == y->v.n && x->zip == y->zip;
        for (size_t k = 0; same && k < x->v.n; k++)
            same = !strcmp(x->v.text[k], y->v.text[k]) && !strcmp(x->v.shown[k], y->v.shown[k]);
        if (!same) {
            snprintf(why, n, "different grids (--vary %s=%s and %s=%s)", x->path, x->spec, y->path, y->spec);
            return false;
        }
    }
    return true;
}

static void json_strs(FILE *f, char **s, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        jfile_put_string(f, s[i]);
    }
    fputc(']', f);
}

char *sweep_manifest_text(const sweep_grid *g, bool partial, const char *selection, const size_t *runs, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n  \"stampede_version\": ", SWEEP_MANIFEST_FORMAT,
            SWEEP_MANIFEST_VERSION);
    jfile_put_string(f, g->version);
    fputs(",\n  \"scenario\": ", f);
    jfile_put_string(f, g->scenario);
    fputs(",\n  \"scenario_name\": ", f);
    jfile_put_string(f, g->name);
    fputs(",\n  \"scenario_hash\": ", f);
    jfile_put_string(f, g->hash);
    fputs(",\n  \"varies\": [", f);
    for (size_t i = 0; i < g->nvary; i++) {
        const sweep_vary *v = &g->vary[i];
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
        jfile_put_string(f, v->path);
        fputs(", \"spec\": ", f);
        jfile_put_string(f, v->spec);
        fprintf(f, ", \"scale\": \"%s\",%s\n     \"values\": ", v->v.log ? "log" : "linear", v->zip ? " \"zip\": true," : "");
        json_strs(f, v->v.text, v->v.n);
        fputs(",\n     \"shown\": ", f);
        json_strs(f, v->v.shown, v->v.n);
        fputc('}', f);
    }
    fprintf(f, "%s],\n", g->nvary ? "\n  " : "");
    if (g->nset) {
        fputs("  \"set\": ", f);
        json_strs(f, g->set, g->nset);
        fputs(",\n", f);
    }
    if (g->labels) {
        fputs("  \"strategy\": ", f);
        jfile_put_string(f, g->labels);
        fputs(",\n", f);
    }
    fprintf(f, "  \"replications\": %zu,\n  \"points\": %zu,\n  \"total_runs\": %zu,\n  \"partial\": %s,\n"
               "  \"selection\": ", g->reps, g->points, g->runs, partial ? "true" : "false");
    jfile_put_string(f, selection);
    fprintf(f, ",\n  \"present\": %zu,\n  \"runs\": [", n);
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t j = i;
        while (j + 1 < n && runs[j + 1] == runs[j] + 1) j++;
        fprintf(f, "%s[%zu, %zu]", k ? (k % 8 ? ", " : ",\n    ") : "", runs[i], runs[j]);
        i = j + 1;
    }
    fputs("]\n}\n", f);
    int bad = ferror(f);
    if (fclose(f) || bad) { free(buf); return NULL; }
    return buf;
}

/* A --vary path: dotted segments of letters, digits, '_' and '-' (labels). */
static bool path_ok(const char *p)
{
    if (!*p || *p == '.') return false;
    for (; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || (*p == '.' && p[1] && p[1] != '.'))) return false;
    return true;
}

/* One line of text, without control characters. */
static bool line_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
    return true;
}

/* The strings of the array at pointer, n of them, each one line of text. */
static int jlines(const jfile *j, const char *pointer, size_t n, char ***out, char *err, size_t errlen)
{
    const cJSON *a = jfile_get(j, pointer);
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return jfile_error(j, pointer, err, errlen, "expected an array of %zu strings, one per value", n);
    char **s = calloc(n ? n : 1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    *out = s;
    size_t i = 0;
    for (const cJSON *x = a->child; x; x = x->next, i++) {
        if (!cJSON_IsString(x) || !line_ok(x->valuestring)) {
            char p[600];
            snprintf(p, sizeof p, "%s/%zu", pointer, i);
            return jfile_error(j, p, err, errlen, "expected one line of text");
        }
        if (!(s[i] = strdup(x->valuestring))) {
            snprintf(err, errlen, "out of memory");
            return TI_IO;
        }
    }
    return 0;
}

int sweep_manifest_read(const char *dir, sweep_grid *g, size_t **runs, size_t *nruns, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    *runs = NULL;
    *nruns = 0;
    char *p = fs_join(dir, "sweep.json");
    jfile j;
    memset(&j, 0, sizeof j);
    int rc = TI_IO;
    const char *s = NULL;
    double x;
    char ptr[256];
    if (!p) goto oom;
    struct stat st;
    if (stat(p, &st) && errno == ENOENT) {
        snprintf(err, errlen, "%s: not a sweep folder (it has no sweep.json)", dir);
        rc = TI_BAD;
        goto done;
    }
    if ((rc = jfile_open(&j, p, err, errlen))) goto done;
    rc = TI_BAD;
    if (jfile_format(&j, "a sweep manifest", SWEEP_MANIFEST_FORMAT, SWEEP_MANIFEST_VERSION, err, errlen)) goto done;
    static const char *const texts[] = { "/stampede_version", "/scenario", "/scenario_name", "/scenario_hash" };
    char **dst[] = { &g->version, &g->scenario, &g->name, &g->hash };
    for (size_t i = 0; i < 4; i++) {
        if (jfile_string(&j, texts[i], true, &s, err, errlen)) goto done;
        if (!line_ok(s) || (i == 2 && !scenario_valid_name(s))) {
            jfile_error(&j, texts[i], err, errlen, i == 2 ? "expected a scenario name of letters, digits, '.', '_' and '-'"
                                                          : "expected one line of text");
            goto done;
        }
        if (!(*dst[i] = strdup(s))) goto oom;
    }
    if (jfile_number(&j, "/replications", true, 1, 1e8, true, &x, err, errlen)) goto done;
    g->reps = (size_t)x;
    if (jfile_number(&j, "/points", true, 1, 1e8, true, &x, err, errlen)) goto done;
    g->points = (size_t)x;
    if (jfile_number(&j, "/total_runs", true, 1, 1e8, true, &x, err, errlen)) goto done;
    g->runs = (size_t)x;
    const cJSON *varies = jfile_get(&j, "/varies");
    if (!cJSON_IsArray(varies) || cJSON_GetArraySize(varies) > 64) {
        jfile_error(&j, "/varies", err, errlen, "expected an array of the varied fields");
        goto done;
    }
    size_t nv = (size_t)cJSON_GetArraySize(varies);
    if (!(g->vary = calloc(nv ? nv : 1, sizeof *g->vary))) goto oom;
    double product = 1;
    for (size_t i = 0; i < nv; i++) {
        sweep_vary *v = &g->vary[g->nvary++];
        snprintf(ptr, sizeof ptr, "/varies/%zu/path", i);
        if (jfile_string(&j, ptr, true, &s, err, errlen)) goto done;
        if (!path_ok(s)) {
            jfile_error(&j, ptr, err, errlen, "expected a dotted scenario path, as --vary takes");
            goto done;
        }
        for (size_t k = 0; k + 1 < g->nvary; k++)
            if (!strcmp(g->vary[k].path, s)) {
                jfile_error(&j, ptr, err, errlen, "the path of an earlier vary too");
                goto done;
            }
        if (!(v->path = strdup(s))) goto oom;
        snprintf(ptr, sizeof ptr, "/varies/%zu/spec", i);
        if (jfile_string(&j, ptr, true, &s, err, errlen)) goto done;
        if (!line_ok(s)) {
            jfile_error(&j, ptr, err, errlen, "expected one line of text");
            goto done;
        }
        if (!(v->spec = strdup(s))) goto oom;
        snprintf(ptr, sizeof ptr, "/varies/%zu/scale", i);
        if (jfile_string(&j, ptr, true, &s, err, errlen)) goto done;
        if (strcmp(s, "log") && strcmp(s, "linear")) {
            jfile_error(&j, ptr, err, errlen, "expected \"linear\" or \"log\"");
            goto done;
        }
        v->v.log = !strcmp(s, "log");
        snprintf(ptr, sizeof ptr, "/varies/%zu/zip", i);
        const cJSON *zip = jfile_get(&j, ptr);
        if (zip && (!cJSON_IsBool(zip) || (i == 0 && cJSON_IsTrue(zip)))) {
            jfile_error(&j, ptr, err, errlen, i ? "expected true or false" : "expected false: the first vary has an axis");
            goto done;
        }
        v->zip = cJSON_IsTrue(zip);
        snprintf(ptr, sizeof ptr, "/varies/%zu/values", i);
        const cJSON *vals = jfile_get(&j, ptr);
        size_t n = cJSON_IsArray(vals) ? (size_t)cJSON_GetArraySize(vals) : 0;
        if (n == 0 || n > SWEEP_MAX_VALUES) {
            jfile_error(&j, ptr, err, errlen, "expected an array of 1 to %d values", SWEEP_MAX_VALUES);
            goto done;
        }
        if ((rc = jlines(&j, ptr, n, &v->v.text, err, errlen))) goto done;
        v->v.n = n;
        snprintf(ptr, sizeof ptr, "/varies/%zu/shown", i);
        if ((rc = jlines(&j, ptr, n, &v->v.shown, err, errlen))) goto done;
        rc = TI_BAD;
        if (!(v->v.num = malloc(n * sizeof *v->v.num))) goto oom;
        for (size_t k = 0; k < n; k++) {
            double y;
            v->v.num[k] = num_parse_decimal(v->v.shown[k], strlen(v->v.shown[k]), &y) == 0 && isfinite(y) ? y : NAN;
            for (size_t m = 0; m < k; m++)
                if (!strcmp(v->v.shown[m], v->v.shown[k])) {
                    snprintf(ptr, sizeof ptr, "/varies/%zu/shown/%zu", i, k);
                    jfile_error(&j, ptr, err, errlen, "a value given twice");
                    goto done;
                }
        }
        if (v->zip && n != g->vary[i - 1].v.n) {
            jfile_error(&j, ptr, err, errlen, "expected %zu values, as many as the vary it is zipped with", g->vary[i - 1].v.n);
            goto done;
        }
        if (!v->zip) product *= (double)n;
    }
    const cJSON *set = jfile_get(&j, "/set");
    if (set) {
        size_t n = cJSON_IsArray(set) ? (size_t)cJSON_GetArraySize(set) : 0;
        if (!n || n > 4096) {
            jfile_error(&j, "/set", err, errlen, "expected an array of the --set options");
            goto done;
        }
        if ((rc = jlines(&j, "/set", n, &g->set, err, errlen))) {
            if (g->set) g->nset = n;   /* freed with the grid */
            goto done;
        }
        rc = TI_BAD;
        g->nset = n;
    }
    if (jfile_get(&j, "/strategy")) {
        if (jfile_string(&j, "/strategy", true, &s, err, errlen)) goto done;
        if (!line_ok(s) || !*s) {
            jfile_error(&j, "/strategy", err, errlen, "expected the --strategy labels");
            goto done;
        }
        if (!(g->labels = strdup(s))) goto oom;
    }
    if (product != (double)g->points || (double)g->points * (double)g->reps != (double)g->runs) {
        jfile_error(&j, "/points", err, errlen, "points and total_runs do not match the varies and replications");
        goto done;
    }
    const cJSON *r = jfile_get(&j, "/runs");
    if (!cJSON_IsArray(r)) {
        jfile_error(&j, "/runs", err, errlen, "expected the array of the runs present");
        goto done;
    }
    size_t k = 0;
    for (const cJSON *pair = r->child; pair; pair = pair->next, k++) {
        const cJSON *a = cJSON_GetArrayItem(pair, 0), *b = cJSON_GetArrayItem(pair, 1);
        snprintf(ptr, sizeof ptr, "/runs/%zu", k);
        if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
            a->valuedouble != floor(a->valuedouble) || b->valuedouble != floor(b->valuedouble) || a->valuedouble < 0 ||
            b->valuedouble < a->valuedouble || b->valuedouble >= (double)g->runs ||
            (*nruns && a->valuedouble <= (double)(*runs)[*nruns - 1])) {
            jfile_error(&j, ptr, err, errlen, "expected a range [first, last] of runs in the grid, after the previous one");
            goto done;
        }
        size_t lo = (size_t)a->valuedouble, hi = (size_t)b->valuedouble;
        size_t *t = realloc(*runs, (*nruns + hi - lo + 1) * sizeof *t);
        if (!t) goto oom;
        *runs = t;
        for (size_t m = lo; m <= hi; m++) (*runs)[(*nruns)++] = m;
    }
    if (jfile_number(&j, "/present", true, (double)*nruns, (double)*nruns, true, &x, err, errlen)) goto done;
    const cJSON *partial = jfile_get(&j, "/partial");
    if (!cJSON_IsBool(partial) || cJSON_IsTrue(partial) != (*nruns < g->runs)) {
        jfile_error(&j, "/partial", err, errlen, "expected %s: the folder holds %zu of %zu runs",
                    *nruns < g->runs ? "true" : "false", *nruns, g->runs);
        goto done;
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    free(p);
    if (rc) {
        sweep_grid_free(g);
        free(*runs);
        *runs = NULL;
        *nruns = 0;
    }
    return rc;
}

/* What a column of sweep.csv holds: n, then per metric its mean and
 * half-width, and the paired difference to none (which may be negative). */
unsigned sweep_csv_kind(const char *name)
{
    if (!strcmp(name, "n")) return CK_COUNT;
    static const struct { const char *suffix; unsigned kind; } tails[] = {
        { "_diff_none_mean", CK_SIGNED | CK_EMPTY }, { "_diff_none_ci95", CK_REAL | CK_EMPTY },
        { "_mean", 0 }, { "_ci95", CK_REAL | CK_EMPTY },
    };
    size_t n = strlen(name);
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
        size_t k = strlen(tails[t].suffix);
        if (n <= k || strcmp(name + n - k, tails[t].suffix)) continue;
        for (int c = 0; c < COL_N; c++) {
            if (strlen(output_col_names[c]) != n - k || strncmp(name, output_col_names[c], n - k)) continue;
            /* "inf" where the column may hold it (a recovery that never came
             * makes its point's mean inf) */
            unsigned inf = output_col_kinds[c] & CK_INF;
            if (tails[t].kind) return tails[t].kind | inf;
            /* a mean: of counts, a number; of a fraction or seconds, the same */
            unsigned base = output_col_kinds[c] & CK_KIND;
            return (base == CK_COUNT ? CK_REAL : base) | CK_EMPTY | inf;
        }
        return CK_ANY;
    }
    return CK_ANY;
}
