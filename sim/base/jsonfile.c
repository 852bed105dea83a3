/* jsonfile.c - JSON files of a folder, read strictly and located (see
 * jsonfile.h). */
#include "jsonfile.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonloc.h"
#include "numtext.h"
#include "textin.h"

void jfile_close(jfile *j)
{
    free(j->name);
    free(j->text);
    jl_free(j->doc);
    cJSON_Delete(j->root);
    memset(j, 0, sizeof *j);
}

static int parse(jfile *j, char *err, size_t errlen)
{
    jl_error e;
    if (!(j->doc = jl_parse(j->text, j->len, &e))) {
        if (e.off == JL_NONE) {
            snprintf(err, errlen, "out of memory");
            return TI_IO;
        }
        size_t line, col;
        jl_text_linecol(j->text, j->len, e.off, &line, &col);
        snprintf(err, errlen, "%s:%zu:%zu: error: not valid JSON: %s", j->name, line, col, e.msg);
        return TI_BAD;
    }
    if (jl_ndups(j->doc)) {
        const jl_dup *d = jl_dups(j->doc);
        size_t line, col;
        jl_linecol(j->doc, d->off, &line, &col);
        snprintf(err, errlen, "%s:%zu:%zu: error: %s: a field given twice", j->name, line, col, d->pointer);
        return TI_BAD;
    }
    if (!(j->root = cJSON_ParseWithLength(j->text, j->len))) {
        snprintf(err, errlen, "%s: error: cannot read its JSON (out of memory?)", j->name);
        return TI_IO;
    }
    return 0;
}

int jfile_open(jfile *j, const char *path, char *err, size_t errlen)
{
    memset(j, 0, sizeof *j);
    int rc;
    if (!(j->name = strdup(path))) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    if (!(j->text = textin_slurp(path, JFILE_MAX, &j->len, &rc, err, errlen))) return rc;
    return parse(j, err, errlen);
}

int jfile_open_mem(jfile *j, const char *name, const char *data, size_t len, char *err, size_t errlen)
{
    memset(j, 0, sizeof *j);
    j->name = strdup(name);
    j->text = malloc(len + 1);
    if (!j->name || !j->text) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    memcpy(j->text, data, len);
    j->text[len] = 0;
    j->len = len;
    return parse(j, err, errlen);
}

const cJSON *jfile_get(const jfile *j, const char *pointer)
{
    const cJSON *v = j->root;
    const char *p = pointer;
    while (v && *p == '/') {
        p++;
        size_t n = strcspn(p, "/");
        char seg[256];
        size_t o = 0;
        for (size_t i = 0; i < n && o + 1 < sizeof seg; i++) {
            if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                seg[o++] = p[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                seg[o++] = p[i];
            }
        }
        seg[o] = 0;
        if (cJSON_IsArray(v)) {
            char *end;
            unsigned long k = strtoul(seg, &end, 10);
            v = *seg && !*end && k < (unsigned long)cJSON_GetArraySize(v) ? cJSON_GetArrayItem(v, (int)k) : NULL;
        } else if (cJSON_IsObject(v)) {
            v = cJSON_GetObjectItemCaseSensitive(v, seg);
        } else {
            v = NULL;
        }
        p += n;
    }
    return *p ? NULL : v;
}

int jfile_error(const jfile *j, const char *pointer, char *err, size_t errlen, const char *fmt, ...)
{
    char what[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char ptr[1024];
    snprintf(ptr, sizeof ptr, "%s", pointer);
    jl_span sp;
    size_t line = 0, col = 0;
    while (j->doc) {
        if (jl_find(j->doc, ptr, &sp) == 0) {
            jl_linecol(j->doc, sp.start, &line, &col);
            break;
        }
        char *slash = strrchr(ptr, '/');
        if (!slash) break;
        *slash = 0;
    }
    if (line)
        snprintf(err, errlen, "%s:%zu:%zu: error: %s: %s", j->name, line, col, *pointer ? pointer : "/", what);
    else
        snprintf(err, errlen, "%s: error: %s: %s", j->name, *pointer ? pointer : "/", what);
    return TI_BAD;
}

/* The value as a short text for a message. */
static void got(const cJSON *v, char *buf, size_t n)
{
    char *s = cJSON_PrintUnformatted(v);
    if (s) textin_show(buf, n, s, strlen(s), 40);
    else snprintf(buf, n, "?");
    free(s);
    /* textin_show quotes: drop them for a JSON text, which shows its own */
    size_t k = strlen(buf);
    if (k >= 2 && buf[0] == '"' && buf[k - 1] == '"') {
        memmove(buf, buf + 1, k - 2);
        buf[k - 2] = 0;
    }
}

int jfile_string(const jfile *j, const char *pointer, bool required, const char **out, char *err, size_t errlen)
{
    const cJSON *v = jfile_get(j, pointer);
    if (!v) return required ? jfile_error(j, pointer, err, errlen, "missing") : 0;
    if (!cJSON_IsString(v)) {
        char g[128];
        got(v, g, sizeof g);
        return jfile_error(j, pointer, err, errlen, "expected a string (got %s)", g);
    }
    *out = v->valuestring;
    return 0;
}

int jfile_number(const jfile *j, const char *pointer, bool required, double lo, double hi, bool integer, double *out,
                 char *err, size_t errlen)
{
    const cJSON *v = jfile_get(j, pointer);
    if (!v) return required ? jfile_error(j, pointer, err, errlen, "missing") : 0;
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!(x >= lo && x <= hi) || (integer && x != floor(x))) {
        char g[128];
        got(v, g, sizeof g);
        return jfile_error(j, pointer, err, errlen, "expected %s from %g to %g (got %s)", integer ? "an integer" : "a number",
                           lo, hi, g);
    }
    *out = x;
    return 0;
}

int jfile_duration(const jfile *j, const char *pointer, bool required, double lo, double hi, double *out, char *err,
                   size_t errlen)
{
    const cJSON *v = jfile_get(j, pointer);
    if (!v) return required ? jfile_error(j, pointer, err, errlen, "missing") : 0;
    double x = NAN;
    if (cJSON_IsNumber(v)) x = v->valuedouble;
    else if (!cJSON_IsString(v) || num_parse_duration(v->valuestring, &x)) x = NAN;
    if (!(x >= lo && x <= hi)) {
        char g[128];
        got(v, g, sizeof g);
        return jfile_error(j, pointer, err, errlen, "expected a duration from %g to %g s (got %s)", lo, hi, g);
    }
    *out = x;
    return 0;
}

void jfile_put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

int jfile_format(const jfile *j, const char *what, const char *format, double version, char *err, size_t errlen)
{
    const char *s;
    double v;
    if (!cJSON_IsObject(j->root)) return jfile_error(j, "", err, errlen, "expected an object (%s)", what);
    if (jfile_string(j, "/format", true, &s, err, errlen)) return TI_BAD;
    if (strcmp(s, format)) return jfile_error(j, "/format", err, errlen, "expected \"%s\"", format);
    return jfile_number(j, "/format_version", true, version, version, true, &v, err, errlen);
}
