/* labelpath.c - strategy fields addressed by label (labelpath.h). */
#include "labelpath.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The top-level fields of the scenario format (the loader's load_root): a
 * first segment among them is that field, whatever the labels. */
static const char *const top_fields[] = {
    "name", "description", "seed", "duration", "warmup", "bin", "drain", "clients", "keys", "app",
    "cache", "db", "faults", "strategies", "slo", "recovery", NULL,
};

static bool is_index(const char *s, size_t n)
{
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* The position of the strategy labelled seg[0..n) in root's strategies, or -1. */
static int find_label(const cJSON *root, const char *seg, size_t n)
{
    const cJSON *arr = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "strategies") : NULL;
    if (!cJSON_IsArray(arr)) return -1;
    int k = 0;
    for (const cJSON *c = arr->child; c; c = c->next, k++) {
        if (!cJSON_IsObject(c)) continue;
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(c, "label");
        if (!cJSON_IsString(l)) l = cJSON_GetObjectItemCaseSensitive(c, "name");
        if (cJSON_IsString(l) && strlen(l->valuestring) == n && !strncmp(l->valuestring, seg, n)) return k;
    }
    return -1;
}

int labelpath_resolve(const cJSON *root, const char *path, char **out)
{
    *out = NULL;
    const char *seg = path, *dot = strchr(seg, '.');
    size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
    const char *rest;
    if (n == strlen("strategies") && !strncmp(seg, "strategies", n)) {
        if (!dot) return 0;
        seg = dot + 1;
        dot = strchr(seg, '.');
        n = dot ? (size_t)(dot - seg) : strlen(seg);
        if (is_index(seg, n)) return 0;
    } else {
        for (size_t i = 0; top_fields[i]; i++)
            if (strlen(top_fields[i]) == n && !strncmp(top_fields[i], seg, n)) return 0;
    }
    int k = find_label(root, seg, n);
    if (k < 0) return 0;
    rest = dot ? dot : "";
    size_t len = strlen("strategies.") + 12 + strlen(rest) + 1;
    if (!(*out = malloc(len))) return -1;
    snprintf(*out, len, "strategies.%d%s", k, rest);
    return 0;
}
