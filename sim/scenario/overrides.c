/* overrides.c - --set overrides: a dotted path and a value applied to the
 * parsed tree before it is checked, each remembered so that a problem it
 * causes names the --set, not the file. */
#include "labelpath.h"
#include "loader.h"

/* ---- --set overrides ----------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void set_error(loader *L, size_t idx, const char *path, const char *fmt, ...)
{
    strbuf m = { 0 };
    sb_printf(&m, "--set %s: error: ", path);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&m, fmt, ap);
    va_end(ap);
    scn_add_problem(L, 1, idx, &m);
}

static const char *type_name(const cJSON *v)
{
    return cJSON_IsObject(v) ? "an object" : cJSON_IsArray(v) ? "an array" : cJSON_IsString(v) ? "a string"
         : cJSON_IsNumber(v) ? "a number" : cJSON_IsBool(v) ? "a boolean" : "null";
}

/* A canonical array index ("0", "12"), as RFC 6901 has it. */
static bool parse_index(const char *s, size_t *out)
{
    size_t i = 0;
    if (!*s || (s[0] == '0' && s[1]))
        return false;
    for (; *s; s++) {
        if (!is_digit(*s) || i > (SIZE_MAX - 9) / 10)
            return false;
        i = i * 10 + (size_t)(*s - '0');
    }
    *out = i;
    return true;
}

/* The closest member name of obj to s, or NULL. */
static const char *suggest_member(const cJSON *obj, const char *s)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *one[] = { c->string, NULL };
        if (scn_suggest(s, one))
            return c->string;
    }
    return NULL;
}

/* Walks walk in the tree and puts item there (errors name path, as given);
 * on success returns true with the value's pointer in *ptr and item owned by
 * the tree. */
static bool set_at(loader *L, cJSON *root, size_t idx, const char *path, const char *walk, cJSON *item, strbuf *ptr)
{
    static const char *const on_demand[] = { "slo", "recovery", NULL };
    cJSON *cur = root;
    const char *p = walk;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char *seg = strndup(p, n);
        const char *at = ptr->len ? ptr->s : "/";
        size_t k;
        bool ok = false, done = !dot;
        if (!seg) {
            L->oom = true;
            return false;
        }
        if (!n) {
            set_error(L, idx, path, "empty field name in the path");
        } else if (cJSON_IsObject(cur)) {
            cJSON *next = cJSON_GetObjectItemCaseSensitive(cur, seg);
            if (done) {
                scn_ptr_escape(ptr, seg);
                ok = next ? cJSON_ReplaceItemInObjectCaseSensitive(cur, seg, item)
                          : cJSON_AddItemToObject(cur, seg, item);
                if (!ok)
                    L->oom = true;
            } else if (next) {
                scn_ptr_escape(ptr, seg);
                cur = next;
                ok = true;
            } else if (cur == root && scn_index_of(seg, on_demand) >= 0) {
                /* A section whose every field has a default: made empty, so
                 * --set slo.target=0.95 works on any scenario. */
                cJSON *o = cJSON_CreateObject();
                ok = o && cJSON_AddItemToObject(cur, seg, o);
                if (!ok) {
                    cJSON_Delete(o);
                    L->oom = true;
                } else {
                    scn_ptr_escape(ptr, seg);
                    cur = o;
                }
            } else {
                const char *hint = suggest_member(cur, seg);
                if (hint)
                    set_error(L, idx, path, "no such field \"%s\" in %s (did you mean \"%s\"?)", seg, at, hint);
                else
                    set_error(L, idx, path, "no such field \"%s\" in %s", seg, at);
            }
        } else if (cJSON_IsArray(cur)) {
            size_t size = scn_count_items(cur);
            if (!parse_index(seg, &k)) {
                set_error(L, idx, path, "no field \"%s\" in %s (it is an array)", seg, at);
            } else if (k >= size) {
                set_error(L, idx, path, "no element %zu in %s (it has %zu)", k, at, size);
            } else {
                sb_printf(ptr, "/%zu", k);
                ok = done ? cJSON_ReplaceItemInArray(cur, (int)k, item) : true;
                if (!ok)
                    L->oom = true;
                cur = done ? cur : cJSON_GetArrayItem(cur, (int)k);
            }
        } else {
            set_error(L, idx, path, "no field \"%s\" in %s (it is %s)", seg, at, type_name(cur));
        }
        free(seg);
        if (!ok || done)
            return ok && !ptr->oom;
        p = dot + 1;
    }
}

void scn_apply_override(loader *L, cJSON *root, const override *o, size_t idx)
{
    const char *path = o->path ? o->path : "";
    if (!*path) {
        set_error(L, idx, path, "empty path");
        return;
    }
    char *text = strdup(o->value ? o->value : "");
    if (!text) {
        L->oom = true;
        return;
    }
    size_t len = strlen(text);
    jl_error je;
    jl_doc *doc = jl_parse(text, len, &je);
    cJSON *item = NULL;
    if (!doc && je.off == JL_NONE)
        L->oom = true;
    if (doc && jl_ndups(doc)) {
        set_error(L, idx, path, "duplicate field %s in the value", jl_dups(doc)[0].pointer);
        goto fail;
    }
    /* Read as JSON when it parses (strictly), else as a string. */
    if (doc && !(item = cJSON_ParseWithOpts(text, NULL, 1))) {
        jl_free(doc);
        doc = NULL;
    }
    if (!item) {
        if (!jl_utf8_valid(text, len)) {
            set_error(L, idx, path, "the value is not valid UTF-8");
            goto fail;
        }
        if (!(item = cJSON_CreateString(text))) {
            L->oom = true;
            goto fail;
        }
    }
    strbuf ptr = { 0 };
    char *bylabel = NULL;   /* "xfetch.beta" -> "strategies.3.beta" */
    if (labelpath_resolve(root, path, &bylabel))
        L->oom = true;
    bool set = !L->oom && set_at(L, root, idx, path, bylabel ? bylabel : path, item, &ptr);
    free(bylabel);
    if (!set) {
        free(ptr.s);
        goto fail;
    }
    /* A --set hides every earlier one at or below its pointer. */
    for (size_t i = 0; i < L->nov; i++) {
        size_t n = strlen(ptr.s);
        if (strncmp(L->ov[i].ptr, ptr.s, n) == 0 && (L->ov[i].ptr[n] == 0 || L->ov[i].ptr[n] == '/'))
            L->ov[i].live = false;
    }
    L->ov[L->nov++] = (ovrec){ ptr.s, idx, path, text, doc, true };
    return;
fail:
    /* item is still ours here: set_at only gives it away on success. */
    cJSON_Delete(item);
    jl_free(doc);
    free(text);
}
