/* check_scenario.c - the scenario loader: durations, the JSON locator, a full
 * scenario and the defaults, --set overrides, the exact text of error messages,
 * and the corpus of invalid files in tests/invalid (each NAME.json against
 * NAME.expected).  Scenarios are written to scratch folders. */
#include "base/numtext.h"
#include "base/jsonloc.h"
#include "scenario/load.h"
#include "strategies/registry.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "testmain.h"

/* The fields every valid test scenario needs. */
#define BASE "\"duration\": \"60s\", \"clients\": {\"arrivals\": {\"rate\": 100}}, " \
             "\"cache\": {\"ttl\": \"30s\"}, \"db\": {\"workers\": 8, \"latency\": \"20ms\"}"

/* The messages, one per line, with the scratch folder cut from the paths. */
static char *joined(const diag *d, const char *dir)
{
    size_t cap = 1, dl = strlen(dir);
    for (size_t i = 0; i < d->n; i++)
        cap += strlen(d->msgs[i]) + 1;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    s[0] = 0;
    for (size_t i = 0; i < d->n; i++) {
        const char *m = d->msgs[i];
        if (strncmp(m, dir, dl) == 0 && m[dl] == '/')
            m += dl + 1;
        strcat(s, m);
        strcat(s, "\n");
    }
    return s;
}

/* Writes json as dir/name, loads it with overrides, removes the folder.
 * Returns the scenario, or NULL with the messages in *msgs (always set). */
static scenario *load_named(const char *name, const char *json, const override *o, size_t n, char **msgs)
{
    char *dir = tu_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char *path = tu_scenario(dir, name, json);
    ck_assert_ptr_nonnull(path);
    diag d = { 0 };
    scenario *s = scenario_load(path, o, n, &d);
    ck_assert_msg(s ? d.n == 0 : d.n > 0, "a scenario comes with no errors, NULL with some");
    *msgs = joined(&d, dir);
    diag_free(&d);
    tu_rmrf(dir);
    free(dir);
    free(path);
    return s;
}

static scenario *load_json(const char *json, const override *o, size_t n, char **msgs)
{
    return load_named("sc.json", json, o, n, msgs);
}

/* Loads a scenario that must be valid. */
static scenario *load_ok(const char *json, const override *o, size_t n)
{
    char *msgs;
    scenario *s = load_json(json, o, n, &msgs);
    ck_assert_msg(s != NULL, "expected a valid scenario, got:\n%s", msgs);
    free(msgs);
    return s;
}

/* Loads a scenario that must be refused with exactly these messages. */
static void expect_errors(const char *json, const override *o, size_t n, const char *want)
{
    char *msgs;
    scenario *s = load_json(json, o, n, &msgs);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(msgs, want);
    free(msgs);
}

/* --------------------------------------------------------------- durations */

START_TEST(test_duration_units)
{
    static const struct { const char *text; double want; } ok[] = {
        { "30", 30 }, { "0", 0 }, { "1.5", 1.5 }, { "250us", 250e-6 }, { "20ms", 0.02 }, { "1.5s", 1.5 },
        { "2m", 120 }, { "1h", 3600 }, { "0.5h", 1800 }, { "1e3ms", 1 }, { "0s", 0 }, { ".5s", 0.5 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        double x = -1;
        ck_assert_msg(num_parse_duration(ok[i].text, &x) == 0, "\"%s\" refused", ok[i].text);
        ck_assert_msg(x == ok[i].want, "\"%s\" read as %.17g", ok[i].text, x);
    }
}
END_TEST

START_TEST(test_duration_rejects)
{
    static const char *const bad[] = {
        "", " ", "s", "ms", "5 s", " 5s", "5s ", "5sec", "5S", "5Ms", "5 min", "5min", "5d", "-5s", "-1",
        "+5s", "inf", "infs", "nan", "1e999", "1e999s", "1e306h", "0x10s", "1,5s", "5s5", "5e", "--5s",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double x = 42;
        ck_assert_msg(num_parse_duration(bad[i], &x) == -1, "\"%s\" accepted", bad[i]);
        ck_assert_msg(x == 42, "\"%s\": the output was written on failure", bad[i]);
    }
    double x;
    ck_assert_int_eq(num_parse_duration(NULL, &x), -1);
}
END_TEST

/* ------------------------------------------------------------------ jsonloc */

static jl_doc *jl_ok(const char *text)
{
    jl_error e;
    jl_doc *d = jl_parse(text, strlen(text), &e);
    ck_assert_msg(d != NULL, "jl_parse refused %s: %s", text, e.msg);
    return d;
}

/* Line and column of the value (or key) at ptr. */
static void where_is(const jl_doc *d, const char *ptr, bool key, size_t *line, size_t *col)
{
    jl_span sp;
    ck_assert_msg(jl_find(d, ptr, &sp) == 0, "no %s", ptr);
    ck_assert(!key || sp.key != JL_NONE);
    jl_linecol(d, key ? sp.key : sp.start, line, col);
}

START_TEST(test_jl_pointer_positions)
{
    const char *text =
        "{\n"
        "  \"a\": 1,\n"
        "  \"b\": {\"c\": [10, 20, {\"d\": \"x\"}]},\n"
        "  \"we/ird~\": true,\n"
        "  \"\": 5,\n"
        "  \"t\\u0074l\":\n"
        "      \"30s\"\n"
        "}\n";
    static const struct { const char *ptr; bool key; size_t line, col; } cases[] = {
        { "", false, 1, 1 },
        { "/a", true, 2, 3 }, { "/a", false, 2, 8 },
        { "/b", false, 3, 8 }, { "/b/c", true, 3, 9 }, { "/b/c", false, 3, 14 },
        { "/b/c/0", false, 3, 15 }, { "/b/c/1", false, 3, 19 }, { "/b/c/2", false, 3, 23 },
        { "/b/c/2/d", true, 3, 24 }, { "/b/c/2/d", false, 3, 29 },
        { "/we~1ird~0", true, 4, 3 }, { "/we~1ird~0", false, 4, 14 },
        { "/", false, 5, 7 },
        { "/ttl", true, 6, 3 }, { "/ttl", false, 7, 7 },
    };
    jl_doc *d = jl_ok(text);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t line, col;
        where_is(d, cases[i].ptr, cases[i].key, &line, &col);
        ck_assert_msg(line == cases[i].line && col == cases[i].col, "%s%s at %zu:%zu, want %zu:%zu", cases[i].ptr,
                      cases[i].key ? " (key)" : "", line, col, cases[i].line, cases[i].col);
    }
    jl_span sp;
    ck_assert_int_eq(jl_find(d, "/b/c", &sp), 0);
    ck_assert_int_eq((int)(sp.end - sp.start), (int)strlen("[10, 20, {\"d\": \"x\"}]"));
    ck_assert(strncmp(text + sp.start, "[10, 20, {\"d\": \"x\"}]", sp.end - sp.start) == 0);
    ck_assert_int_eq(jl_find(d, "", &sp), 0);
    ck_assert(sp.key == JL_NONE);
    ck_assert_int_eq(jl_find(d, "/b/c/1", &sp), 0);
    ck_assert(sp.key == JL_NONE);
    static const char *const absent[] = {
        "/x", "/b/c/3", "/b/c/01", "/b/c/-1", "/b/c/x", "/a/0", "a", "/we~2ird", "/we/ird~", "/b/c/2/d/e", "/A",
    };
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        ck_assert_msg(jl_find(d, absent[i], &sp) == -1, "%s found", absent[i]);
    ck_assert_uint_eq(jl_ndups(d), 0);
    jl_free(d);
}
END_TEST

START_TEST(test_jl_linecol_end)
{
    const char *text = "{\r\n\"a\": 1}\n\n";
    jl_doc *d = jl_ok(text);
    size_t line, col;
    jl_linecol(d, strlen(text), &line, &col);
    ck_assert_uint_eq(line, 4);
    ck_assert_uint_eq(col, 1);
    jl_linecol(d, 3, &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 1);
    jl_text_linecol(text, strlen(text), 3, &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 1);
    jl_free(d);
}
END_TEST

START_TEST(test_jl_duplicates)
{
    const char *text =
        "{\"a\": 1,\n"
        " \"b\": [{\"x\": 1, \"x\": 2, \"x\": 3}],\n"
        " \"a~/\": 0, \"a\\u007e\\/\": 1,\n"
        " \"a\": 2}";
    jl_doc *d = jl_ok(text);
    ck_assert_uint_eq(jl_ndups(d), 4);
    const jl_dup *u = jl_dups(d);
    static const struct { const char *ptr; const char *at, *first; } want[] = {
        { "/b/0/x", "\"x\": 2", "\"x\": 1" },
        { "/b/0/x", "\"x\": 3", "\"x\": 1" },
        { "/a~0~1", "\"a\\u007e", "\"a~/\"" },
        { "/a", "\"a\": 2", "\"a\": 1" },
    };
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(u[i].pointer, want[i].ptr);
        ck_assert_uint_eq(u[i].off, (size_t)(strstr(text, want[i].at) - text));
        ck_assert_uint_eq(u[i].first, (size_t)(strstr(text, want[i].first) - text));
    }
    /* A lookup finds the first of repeated names, as a parser keeps it. */
    jl_span sp;
    ck_assert_int_eq(jl_find(d, "/a", &sp), 0);
    ck_assert_uint_eq(sp.start, 6);
    ck_assert_int_eq(jl_find(d, "/b/0/x", &sp), 0);
    ck_assert(text[sp.start] == '1');
    jl_free(d);
}
END_TEST

START_TEST(test_jl_syntax_errors)
{
    static const struct { const char *text; size_t off; const char *msg; } cases[] = {
        { "", 0, "the file is empty" },
        { "  \n ", 4, "the file is empty" },
        { "{\"a\": 1 \"b\": 2}", 8, "expected ',' or '}' after a field, got '\"' (a missing ','?)" },
        { "[1, 2,]", 5, "trailing comma before ']'" },
        { "{\"a\": 1,}", 7, "trailing comma before '}'" },
        { "{'a': 1}", 1, "single quotes are not JSON: use double quotes" },
        { "{a: 1}", 1, "field names need double quotes, got 'a'" },
        { "{\"a\" 1}", 5, "expected ':' after the field name, got '1'" },
        { "[True]", 1, "\"True\" is not JSON: write true" },
        { "[abc]", 1, "unexpected word \"abc\" (strings need double quotes)" },
        { "[01]", 1, "invalid number \"01\" (no leading zeros)" },
        { "[1.]", 1, "invalid number \"1.\"" },
        { "[-]", 1, "invalid number \"-\"" },
        { "[.5]", 1, "invalid number \".5\"" },
        { "[1e]", 1, "invalid number \"1e\"" },
        { "[\"a\nb\"]", 3, "line break in a string (a missing '\"'?)" },
        { "[\"a\tb\"]", 3, "control character U+0009 in a string (write it as an escape such as \\t)" },
        { "[\"a\\qb\"]", 3, "invalid escape '\\' followed by 'q' in a string" },
        { "[\"\\u12g4\"]", 2, "invalid \\u escape in a string (expected 4 hex digits)" },
        { "[\"\\ud800x\"]", 2, "unpaired surrogate \\ud800 in a string" },
        { "[\"\\udc00\"]", 2, "unpaired surrogate \\udc00 in a string" },
        { "[\"\\u0000\"]", 2, "\\u0000 is not allowed in a string" },
        { "[\"abc", 1, "string not closed (it runs to the end of the file)" },
        { "[\"\xff\"]", 2, "invalid UTF-8 (byte 0xff) in a string" },
        { "[\"\xc0\xaf\"]", 2, "invalid UTF-8 (byte 0xc0) in a string" },
        { "[\"\xed\xa0\x80\"]", 2, "invalid UTF-8 (byte 0xed) in a string" },
        { "{\"a\": 1} x", 9, "unexpected 'x' after the end of the JSON value" },
        { "{\"a\": 1 // c\n}", 8, "comments are not allowed in JSON" },
        { "[/* c */ 1]", 1, "comments are not allowed in JSON" },
        { "{\"a\": [", 7, "expected a value, got end of file" },
        { "{\"a\": [1", 8, "expected ',' or ']' after an element, got end of file" },
        { "[\x01]", 1, "expected a value, got byte 0x01" },
        { "[1234567890123456789012345678901234567890123456789012345678901234]", 1,
          "number longer than 63 characters" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        jl_error e;
        jl_doc *d = jl_parse(cases[i].text, strlen(cases[i].text), &e);
        ck_assert_msg(d == NULL, "accepted %s", cases[i].text);
        ck_assert_msg(e.off == cases[i].off, "%s: error at %zu, want %zu", cases[i].text, e.off, cases[i].off);
        ck_assert_str_eq(e.msg, cases[i].msg);
    }
    /* A NUL byte is just another byte to the scanner. */
    jl_error e;
    ck_assert_ptr_null(jl_parse("[\"a\0b\"]", 7, &e));
    ck_assert_str_eq(e.msg, "NUL byte in a string");
    ck_assert_uint_eq(e.off, 3);
}
END_TEST

START_TEST(test_jl_depth_and_accepts)
{
    char deep[2 * 1001 + 1];
    memset(deep, '[', 1001);
    memset(deep + 1001, ']', 1001);
    deep[2002] = 0;
    jl_error e;
    ck_assert_ptr_null(jl_parse(deep, 2002, &e));
    ck_assert_uint_eq(e.off, 1000);
    ck_assert_str_eq(e.msg, "nesting deeper than 1000 levels");
    jl_doc *d = jl_parse(deep + 1, 2000, &e);   /* exactly 1000 levels */
    ck_assert_ptr_nonnull(d);
    jl_free(d);
    static const char *const ok[] = {
        "0", "-0", "-1.5e+10", "\"\"", "[]", "{}", "[[], {}]", "\xEF\xBB\xBF{}", " true ", "null",
        "\"\\u00e9\\ud83d\\ude00 caf\xc3\xa9 \xf0\x9f\x98\x80\"", "{\"\": {\"\": []}}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        d = jl_parse(ok[i], strlen(ok[i]), &e);
        ck_assert_msg(d != NULL, "refused %s: %s", ok[i], e.msg);
        jl_free(d);
    }
}
END_TEST

START_TEST(test_jl_utf8)
{
    ck_assert(jl_utf8_valid("", 0));
    ck_assert(jl_utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
    ck_assert(!jl_utf8_valid("caf\xe9", 4));
    ck_assert(!jl_utf8_valid("\xc3", 1));            /* cut short */
    ck_assert(!jl_utf8_valid("\xe0\x80\xaf", 3));    /* overlong */
    ck_assert(!jl_utf8_valid("\xed\xb0\x80", 3));    /* a surrogate */
    ck_assert(!jl_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}
END_TEST

/* --------------------------------------------------------------- loading */

static const param_spec *spec_of(const strategy_ops *ops, const char *name)
{
    for (size_t i = 0; i < ops->nparams; i++)
        if (strcmp(ops->params[i].name, name) == 0)
            return &ops->params[i];
    ck_abort_msg("strategy %s has no parameter %s", ops->name, name);
    return NULL;
}

static double param_num(const strategy_cfg *c, const char *name)
{
    double x;
    memcpy(&x, (const char *)c->params + spec_of(c->ops, name)->offset, sizeof x);
    return x;
}

static int param_enum(const strategy_cfg *c, const char *name)
{
    int x;
    memcpy(&x, (const char *)c->params + spec_of(c->ops, name)->offset, sizeof x);
    return x;
}

static bool param_bool(const strategy_cfg *c, const char *name)
{
    bool x;
    memcpy(&x, (const char *)c->params + spec_of(c->ops, name)->offset, sizeof x);
    return x;
}

START_TEST(test_full_scenario)
{
    scenario *s = load_ok(
        "{\n"
        "  \"name\": \"full-1.b_c\",\n"
        "  \"description\": \"every field, caf\xc3\xa9\",\n"
        "  \"seed\": 18446744073709551615,\n"
        "  \"duration\": \"2m\",\n"
        "  \"warmup\": \"10s\",\n"
        "  \"bin\": \"500ms\",\n"
        "  \"clients\": {\n"
        "    \"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 100}, {\"at\": \"30s\", \"rate\": 500.5}, {\"at\": 90, \"rate\": 0}]},\n"
        "    \"bursts\": [{\"at\": \"1m\", \"requests\": 1000, \"over\": \"100ms\", \"key\": \"hot\"},\n"
        "               {\"at\": 5, \"requests\": 3, \"key\": 999}, {\"at\": 1, \"requests\": 1}],\n"
        "    \"timeout\": \"250ms\", \"cancel\": \"queued\",\n"
        "    \"retries\": {\"max\": 3, \"backoff\": \"10ms\", \"multiplier\": 1.5, \"jitter\": \"none\", \"budget\": 0.1}\n"
        "  },\n"
        "  \"keys\": {\"count\": 1000, \"popularity\": {\"zipf\": 1.1}},\n"
        "  \"app\": {\"nodes\": 1000000},\n"
        "  \"cache\": {\"latency\": {\"dist\": \"uniform\", \"min\": \"100us\", \"max\": \"1ms\"}, \"ttl\": \"30s\",\n"
        "            \"ttl_jitter\": 0.1, \"initial\": \"synchronized\"},\n"
        "  \"db\": {\"workers\": 16, \"queue_limit\": 0, \"latency\": {\"dist\": \"lognormal\", \"median\": \"20ms\", \"sigma\": 0.5},\n"
        "         \"overload\": {\"usl\": {\"sigma\": 0.05, \"kappa\": 0.001}},\n"
        "         \"queue_timeout\": \"30ms\", \"statement_timeout\": 2},\n"
        "  \"faults\": [{\"at\": \"40s\", \"type\": \"cache_flush\"},\n"
        "             {\"at\": \"50s\", \"until\": \"70s\", \"type\": \"db_slowdown\", \"factor\": 3}],\n"
        "  \"strategies\": [{\"name\": \"none\"},\n"
        "                 {\"name\": \"lock\", \"label\": \"lock-fast\", \"poll\": \"10ms\", \"on_give_up\": \"stale\",\n"
        "                  \"stale_while_locked\": true},\n"
        "                 {\"name\": \"xfetch\", \"beta\": 2},\n"
        "                 {\"name\": \"coalesce\", \"scope\": \"global\"}]\n"
        "}\n", NULL, 0);
    ck_assert_str_eq(s->name, "full-1.b_c");
    ck_assert_str_eq(s->description, "every field, caf\xc3\xa9");
    ck_assert(s->seed == UINT64_MAX);
    ck_assert(s->duration == 120 && s->warmup == 10 && s->bin == 0.5);
    ck_assert_int_eq(s->clients.kind, ARR_SCHEDULE);
    ck_assert_uint_eq(s->clients.nsteps, 3);
    ck_assert(s->clients.steps[0].at == 0 && s->clients.steps[0].rate == 100);
    ck_assert(s->clients.steps[1].at == 30 && s->clients.steps[1].rate == 500.5);
    ck_assert(s->clients.steps[2].at == 90 && s->clients.steps[2].rate == 0);
    ck_assert_uint_eq(s->clients.nbursts, 3);   /* in file order */
    ck_assert(s->clients.bursts[0].at == 60 && s->clients.bursts[0].over == 0.1);
    ck_assert(s->clients.bursts[0].requests == 1000 && s->clients.bursts[0].key == BURST_KEY_HOT);
    ck_assert(s->clients.bursts[1].at == 5 && s->clients.bursts[1].key == 999 && s->clients.bursts[1].over == 0);
    ck_assert(s->clients.bursts[2].at == 1 && s->clients.bursts[2].key == BURST_KEY_DRAWN);
    ck_assert(s->clients.timeout == 0.25);
    ck_assert_uint_eq(s->clients.retries_max, 3);
    ck_assert(s->clients.backoff == 0.01 && s->clients.multiplier == 1.5 && !s->clients.full_jitter);
    ck_assert(s->clients.retry_budget == 0.1 && s->clients.cancel == CANCEL_QUEUED);
    ck_assert(s->keys.count == 1000 && s->keys.zipf_s == 1.1);
    ck_assert_uint_eq(s->app.nodes, 1000000);
    ck_assert_int_eq(s->cache.latency.kind, DIST_UNIFORM);
    ck_assert(s->cache.latency.p1 == 100e-6 && s->cache.latency.p2 == 0.001);
    ck_assert(s->cache.ttl == 30 && s->cache.ttl_jitter == 0.1 && s->cache.initial == INIT_SYNCHRONIZED);
    ck_assert(s->db.workers == 16 && s->db.queue_limit == 0);
    ck_assert_int_eq(s->db.latency.kind, DIST_LOGNORMAL);
    ck_assert(s->db.latency.p1 == 0.02 && s->db.latency.p2 == 0.5);
    ck_assert(s->db.usl && s->db.sigma == 0.05 && s->db.kappa == 0.001);
    ck_assert(s->db.queue_timeout == 0.03 && s->db.statement_timeout == 2);
    ck_assert_uint_eq(s->nfaults, 2);
    ck_assert(s->faults[0].kind == FAULT_CACHE_FLUSH && s->faults[0].at == 40);
    ck_assert(s->faults[1].kind == FAULT_DB_SLOWDOWN && s->faults[1].at == 50 && s->faults[1].until == 70);
    ck_assert(s->faults[1].factor == 3);
    ck_assert_uint_eq(s->nstrategies, 4);
    ck_assert_ptr_eq(s->strategies[0].ops, strategy_find("none"));
    ck_assert_str_eq(s->strategies[0].label, "none");
    const strategy_cfg *lock = &s->strategies[1];
    ck_assert_ptr_eq(lock->ops, strategy_find("lock"));
    ck_assert_str_eq(lock->label, "lock-fast");
    ck_assert(param_num(lock, "poll") == 0.01);
    ck_assert(param_num(lock, "max_wait") == 1);      /* defaults */
    ck_assert(param_num(lock, "lock_ttl") == 10);
    ck_assert_int_eq(param_enum(lock, "on_give_up"), 2);
    ck_assert(param_bool(lock, "stale_while_locked"));
    ck_assert_str_eq(s->strategies[2].label, "xfetch");
    ck_assert(param_num(&s->strategies[2], "beta") == 2);
    ck_assert_int_eq(param_enum(&s->strategies[2], "refresh"), 0);
    ck_assert_int_eq(param_enum(&s->strategies[3], "scope"), 1);
    ck_assert(isinf(param_num(&s->strategies[3], "max_wait")));   /* def NULL: not set */
    scenario_free(s);
}
END_TEST

START_TEST(test_defaults)
{
    char *msgs;
    scenario *s = load_named("my-run.v2.json", "{" BASE "}", NULL, 0, &msgs);
    ck_assert_msg(s != NULL, "%s", msgs);
    free(msgs);
    ck_assert_str_eq(s->name, "my-run.v2");
    ck_assert_str_eq(s->description, "");
    ck_assert(s->seed == 1 && s->warmup == 0 && s->bin == 1);
    ck_assert_int_eq(s->clients.kind, ARR_RATE);
    ck_assert(s->clients.rate == 100);
    ck_assert(s->clients.nbursts == 0 && s->clients.bursts == NULL);
    ck_assert(isinf(s->clients.timeout) && s->clients.timeout > 0);
    ck_assert(s->clients.retries_max == 0 && s->clients.backoff == 0 && s->clients.multiplier == 2);
    ck_assert(s->clients.full_jitter);
    ck_assert(isinf(s->clients.retry_budget) && s->clients.cancel == CANCEL_NONE);   /* the controls: off */
    ck_assert(isinf(s->db.queue_timeout) && isinf(s->db.statement_timeout));
    ck_assert(s->keys.count == 1 && s->keys.zipf_s < 0);
    ck_assert_uint_eq(s->app.nodes, 1);
    ck_assert(s->cache.latency.kind == DIST_CONSTANT && s->cache.latency.p1 == 0);
    ck_assert(s->cache.ttl_jitter == 0 && s->cache.initial == INIT_SPREAD);
    ck_assert(s->db.workers == 8 && s->db.queue_limit == UNLIMITED && !s->db.usl);
    ck_assert(s->db.latency.kind == DIST_CONSTANT && s->db.latency.p1 == 0.02);
    ck_assert(s->nfaults == 0);
    ck_assert_uint_eq(s->nstrategies, 1);
    ck_assert_ptr_eq(s->strategies[0].ops, strategy_find("none"));
    ck_assert_str_eq(s->strategies[0].label, "none");
    ck_assert_ptr_nonnull(s->strategies[0].params);
    scenario_free(s);

    /* A file name that cannot name a folder needs a "name". */
    s = load_named("my run.json", "{" BASE "}", NULL, 0, &msgs);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(msgs, "my run.json:1:1: error: /: missing field \"name\": the file name \"my run\" cannot "
                           "name the results folder (use letters, digits, \".\", \"_\" and \"-\", starting with a "
                           "letter or digit)\n");
    free(msgs);
    s = load_named("x.json", "{\"name\": \"ok\", " BASE "}", NULL, 0, &msgs);
    ck_assert_str_eq(s->name, "ok");
    scenario_free(s);
    free(msgs);
}
END_TEST

START_TEST(test_arrival_kinds)
{
    scenario *s = load_ok("{\"duration\": 10, \"clients\": {\"arrivals\": {\"closed\": {\"population\": 50, "
                          "\"think\": {\"dist\": \"exponential\", \"mean\": \"1s\"}}}}, \"cache\": {\"ttl\": 0}, "
                          "\"db\": {\"workers\": \"unlimited\", \"latency\": 0.01}}", NULL, 0);
    ck_assert_int_eq(s->clients.kind, ARR_CLOSED);
    ck_assert(s->clients.population == 50);
    ck_assert(s->clients.think.kind == DIST_EXPONENTIAL && s->clients.think.p1 == 1);
    ck_assert(s->db.workers == UNLIMITED && s->cache.ttl == 0);
    scenario_free(s);

    /* A trace path is relative to the scenario's folder. */
    char *dir = tu_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char sub[4200], trace[4300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(trace, sizeof trace, "%s/t.csv", sub);
    ck_assert_int_eq(tu_write(trace, "0.5,1\n"), 0);
    char *path = tu_scenario(dir, "tr.json", "{\"duration\": 10, \"clients\": {\"arrivals\": {\"trace\": \"sub/t.csv\"}}, "
                                             "\"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 1, \"latency\": 0.01}}");
    diag d = { 0 };
    s = scenario_load(path, NULL, 0, &d);
    ck_assert_msg(s != NULL, "%s", d.n ? d.msgs[0] : "");
    ck_assert_int_eq(s->clients.kind, ARR_TRACE);
    ck_assert_str_eq(s->clients.trace, trace);
    ck_assert_str_eq(s->path, path);
    scenario_free(s);
    /* A folder is not a trace. */
    override o = { "clients.arrivals.trace", "sub" };
    s = scenario_load(path, &o, 1, &d);
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(d.n, 1);
    char want[9000];
    snprintf(want, sizeof want, "--set clients.arrivals.trace: error: /clients/arrivals/trace: cannot read %s/sub: "
             "Is a directory (got \"sub\")", dir);
    ck_assert_str_eq(d.msgs[0], want);
    diag_free(&d);
    tu_rmrf(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(test_dists)
{
    static const struct { const char *json; enum dist_kind kind; double p1, p2; } cases[] = {
        { "0.5", DIST_CONSTANT, 0.5, 0 },
        { "\"5ms\"", DIST_CONSTANT, 0.005, 0 },
        { "{\"dist\": \"constant\", \"value\": \"1s\"}", DIST_CONSTANT, 1, 0 },
        { "{\"dist\": \"exponential\", \"mean\": 2}", DIST_EXPONENTIAL, 2, 0 },
        { "{\"dist\": \"uniform\", \"min\": 1, \"max\": 1}", DIST_UNIFORM, 1, 1 },
        { "{\"dist\": \"normal\", \"mean\": 0, \"stddev\": \"1ms\"}", DIST_NORMAL, 0, 0.001 },
        { "{\"dist\": \"lognormal\", \"median\": \"20ms\", \"sigma\": 1.5}", DIST_LOGNORMAL, 0.02, 1.5 },
        { "{\"dist\": \"gamma\", \"mean\": \"1m\", \"shape\": 2}", DIST_GAMMA, 60, 2 },
        { "{\"dist\": \"weibull\", \"scale\": 3, \"shape\": 0.5}", DIST_WEIBULL, 3, 0.5 },
        { "{\"dist\": \"pareto\", \"scale\": \"1h\", \"shape\": 1.1}", DIST_PARETO, 3600, 1.1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        override o = { "db.latency", cases[i].json };
        scenario *s = load_ok("{" BASE "}", &o, 1);
        ck_assert_msg(s->db.latency.kind == cases[i].kind && s->db.latency.p1 == cases[i].p1
                      && s->db.latency.p2 == cases[i].p2, "%s read as %d %g %g", cases[i].json,
                      (int)s->db.latency.kind, s->db.latency.p1, s->db.latency.p2);
        scenario_free(s);
    }
    override o[] = { { "db.latency", "{\"dist\": \"uniform\", \"min\": \"2ms\", \"max\": \"1ms\", \"mean\": 1}" },
                     { "cache.latency", "{\"dist\": \"Gamma\", \"mean\": 1, \"shape\": 0}" },
                     { "clients.arrivals", "{\"closed\": {\"population\": 1, \"think\": {\"mean\": 1}}}" } };
    expect_errors("{" BASE "}", o, 3,
                  "--set db.latency: error: /db/latency/mean: unknown field (expected one of: dist, min, max)\n"
                  "--set db.latency: error: /db/latency/max: expected a duration >= 0.002 s, the \"min\" (got \"1ms\")\n"
                  "--set cache.latency: error: /cache/latency/dist: unknown distribution (did you mean \"gamma\"?) "
                  "(got \"Gamma\")\n"
                  "--set clients.arrivals: error: /clients/arrivals/closed/think: missing required field \"dist\"\n");
}
END_TEST

START_TEST(test_integers)
{
    static const struct { const char *text; uint64_t want; } ok[] = {
        { "0", 0 }, { "-0", 0 }, { "1e3", 1000 }, { "2.0", 2 }, { "1.50e1", 15 }, { "9007199254740993", 9007199254740993u },
        { "18446744073709551615", UINT64_MAX }, { "1844674407370955161.5e1", UINT64_MAX }, { "0.1e1", 1 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        override o = { "seed", ok[i].text };
        scenario *s = load_ok("{" BASE "}", &o, 1);
        ck_assert_msg(s->seed == ok[i].want, "seed %s read as %llu", ok[i].text, (unsigned long long)s->seed);
        scenario_free(s);
    }
    static const char *const bad[] = { "1.5", "-1", "18446744073709551616", "1e20", "1e-1", "\"7\"", "true", "[1]" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        override o = { "seed", bad[i] };
        char *msgs, want[256];
        scenario *s = load_json("{" BASE "}", &o, 1, &msgs);
        ck_assert_ptr_null(s);
        /* Integers of 2^64 and more are told the upper bound too. */
        bool big = !strcmp(bad[i], "18446744073709551616") || !strcmp(bad[i], "1e20");
        snprintf(want, sizeof want, "--set seed: error: /seed: expected an integer %s (got %s)\n",
                 big ? "in [0, 18446744073709551615]" : ">= 0", bad[i]);
        ck_assert_str_eq(msgs, want);
        free(msgs);
    }
}
END_TEST

/* -------------------------------------------------------------- overrides */

START_TEST(test_set_values)
{
    override o[] = {
        { "cache.ttl", "5" },                          /* a number */
        { "cache.latency", "250us" },                   /* not JSON: a string */
        { "name", "from-set" },
        { "description", "\"quoted\"" },                /* a JSON string */
        { "db.latency", "{\"dist\": \"exponential\", \"mean\": \"5ms\"}" },
        { "clients.arrivals.rate", "20" },
        { "db.workers", "unlimited" },
        { "db.queue_timeout", "1.5s" },
        { "clients.cancel", "all" },
        { "clients.timeout", "1s" },
    };
    scenario *s = load_ok("{" BASE ", \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}", o, 10);
    ck_assert(s->db.queue_timeout == 1.5 && s->clients.cancel == CANCEL_ALL && s->clients.timeout == 1);
    ck_assert(s->cache.ttl == 5);
    ck_assert(s->cache.latency.kind == DIST_CONSTANT && s->cache.latency.p1 == 250e-6);
    ck_assert_str_eq(s->name, "from-set");
    ck_assert_str_eq(s->description, "quoted");
    ck_assert(s->db.latency.kind == DIST_EXPONENTIAL && s->db.latency.p1 == 0.005);
    ck_assert(s->clients.rate == 20 && s->db.workers == UNLIMITED);
    scenario_free(s);

    /* Array elements by index; the last --set of a path wins. */
    override o2[] = { { "strategies.1.poll", "\"5ms\"" }, { "strategies.1.label", "fast" },
                      { "cache.ttl", "1" }, { "cache.ttl", "2m" } };
    s = load_ok("{" BASE ", \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}", o2, 4);
    ck_assert(param_num(&s->strategies[1], "poll") == 0.005);
    ck_assert_str_eq(s->strategies[1].label, "fast");
    ck_assert(s->cache.ttl == 120);
    scenario_free(s);

    /* A --set can fix what the file got wrong. */
    override o3 = { "cache", "{\"ttl\": 3}" };
    s = load_ok("{\"duration\": 1, \"clients\": {\"arrivals\": {\"rate\": 1}}, \"cache\": {\"ttl\": \"3 s\"}, "
                "\"db\": {\"workers\": 1, \"latency\": 0}}", &o3, 1);
    ck_assert(s->cache.ttl == 3);
    scenario_free(s);
}
END_TEST

/* slo and recovery: defaults, values, hold's default of 10 bins, and --set
 * on a scenario without either section (made on demand). */
START_TEST(test_slo_and_recovery)
{
    scenario *s = load_ok("{" BASE ", \"bin\": \"500ms\"}", NULL, 0);
    ck_assert(isinf(s->slo.latency) && s->slo.target == 0.999);
    ck_assert(s->recovery.tolerance == 0.01 && s->recovery.latency_factor == 2 && s->recovery.hold == 5);
    scenario_free(s);
    s = load_ok("{" BASE ", \"slo\": {\"latency\": \"200ms\", \"target\": 0.99},"
                " \"recovery\": {\"tolerance\": 0, \"latency_factor\": 3, \"hold\": \"30s\"}}", NULL, 0);
    ck_assert(s->slo.latency == 0.2 && s->slo.target == 0.99);
    ck_assert(s->recovery.tolerance == 0 && s->recovery.latency_factor == 3 && s->recovery.hold == 30);
    scenario_free(s);
    override o[] = { { "slo.target", "0.95" }, { "recovery.hold", "\"3s\"" }, { "bin", "2" } };
    s = load_ok("{" BASE "}", o, 3);
    ck_assert(s->slo.target == 0.95 && isinf(s->slo.latency) && s->recovery.hold == 3);
    ck_assert_ptr_nonnull(strstr(s->json, "\"slo\":"));   /* the effective scenario has it */
    scenario_free(s);
    override b[] = { { "bin", "2" } };
    s = load_ok("{" BASE "}", b, 1);
    ck_assert(s->recovery.hold == 20);   /* 10 bins of the effective bin */
    scenario_free(s);
    /* Only these sections are made on demand: the others stay errors. */
    override bad[] = { { "slo.target", "1" }, { "slos.target", "0.9" } };
    expect_errors("{" BASE "}", bad, 2,
                  "--set slo.target: error: /slo/target: expected a number in (0, 1) (got 1)\n"
                  "--set slos.target: error: no such field \"slos\" in / (did you mean \"slo\"?)\n");
}
END_TEST

START_TEST(test_set_bad_paths)
{
    override o[] = {
        { "cahce.ttl", "1" }, { "cache.ttl.x", "1" }, { "strategies.2.beta", "1" }, { "strategies.x", "1" },
        { "strategies.01", "1" }, { "cache..ttl", "1" }, { "", "1" }, { "db.overload.usl", "1" },
        { "keys", "{\"count\": 1, \"count\": 2}" }, { "description", "caf\xe9" },
    };
    expect_errors("{" BASE ", \"strategies\": [{\"name\": \"none\"}, {\"name\": \"xfetch\"}]}", o, 10,
                  "--set cahce.ttl: error: no such field \"cahce\" in / (did you mean \"cache\"?)\n"
                  "--set cache.ttl.x: error: no field \"x\" in /cache/ttl (it is a string)\n"
                  "--set strategies.2.beta: error: no element 2 in /strategies (it has 2)\n"
                  "--set strategies.x: error: no field \"x\" in /strategies (it is an array)\n"
                  "--set strategies.01: error: no field \"01\" in /strategies (it is an array)\n"
                  "--set cache..ttl: error: empty field name in the path\n"
                  "--set : error: empty path\n"
                  "--set db.overload.usl: error: no such field \"overload\" in /db\n"
                  "--set keys: error: duplicate field /count in the value\n"
                  "--set description: error: the value is not valid UTF-8\n");
}
END_TEST

START_TEST(test_set_errors_located)
{
    /* Errors in a --set value name the --set; file errors come first. */
    override o[] = {
        { "cache.ttl", "abc" }, { "cache.tll", "5" }, { "clients", "{\"arrivals\": {\"rate\": -1}, \"x\": 1}" },
        { "strategies.0.beta", "\"big\"" }, { "seed", "1e999" },
    };
    expect_errors("{\n  \"warmup\": -1,\n  " BASE ",\n  \"strategies\": [{\"name\": \"xfetch\"}]\n}", o, 5,
                  "sc.json:2:13: error: /warmup: expected a duration >= 0 (got -1)\n"
                  "--set cache.ttl: error: /cache/ttl: expected a duration such as 30, \"250us\", \"20ms\", "
                  "\"1.5s\", \"2m\" or \"1h\" (got \"abc\")\n"
                  "--set cache.tll: error: /cache/tll: unknown field (did you mean \"ttl\"?)\n"
                  "--set clients: error: /clients/x: unknown field (expected one of: arrivals, bursts, timeout, "
                  "retries, cancel)\n"
                  "--set clients: error: /clients/arrivals/rate: expected a number > 0 (got -1)\n"
                  "--set strategies.0.beta: error: /strategies/0/beta: expected a number >= 0 (got \"big\")\n"
                  "--set seed: error: /seed: not a finite number (got 1e999)\n");
    /* A later --set of a parent takes over the place of earlier ones below it. */
    override o2[] = { { "cache.ttl", "abc" }, { "cache", "{\"ttl\": \"xyz\"}" } };
    expect_errors("{" BASE "}", o2, 2,
                  "--set cache: error: /cache/ttl: expected a duration such as 30, \"250us\", \"20ms\", \"1.5s\", "
                  "\"2m\" or \"1h\" (got \"xyz\")\n");
    override o3[] = { { "cache", "{}" } };
    expect_errors("{" BASE "}", o3, 1, "--set cache: error: /cache: missing required field \"ttl\"\n");
}
END_TEST

/* ----------------------------------------------------------------- errors */

START_TEST(test_three_errors)
{
    expect_errors("{\n"
                  "  \"duration\": \"60s\",\n"
                  "  \"clients\": {\"arrivals\": {\"rate\": 100}},\n"
                  "  \"cache\": {\"ttl\": \"5min\"},\n"
                  "  \"db\": {\"workers\": 0, \"latency\": \"20 ms\"}\n"
                  "}\n", NULL, 0,
                  "sc.json:4:20: error: /cache/ttl: expected a duration such as 30, \"250us\", \"20ms\", \"1.5s\", "
                  "\"2m\" or \"1h\" (got \"5min\")\n"
                  "sc.json:5:21: error: /db/workers: expected an integer >= 1 or \"unlimited\" (got 0)\n"
                  "sc.json:5:35: error: /db/latency: expected a duration such as \"20ms\" or a distribution such as "
                  "{\"dist\": \"exponential\", \"mean\": \"20ms\"} (got \"20 ms\")\n");
}
END_TEST

START_TEST(test_no_cascade)
{
    /* A wrong-typed section is one error; a missing section is one error. */
    expect_errors("{\"duration\": 1, \"clients\": 5, \"cache\": {\"ttl\": 1}}", NULL, 0,
                  "sc.json:1:1: error: /: missing required field \"db\"\n"
                  "sc.json:1:28: error: /clients: expected an object (got 5)\n");
    /* An unknown strategy's parameters are not looked at; the message lists the registry. */
    char want[1024] = "sc.json:1:151: error: /strategies/0/name: unknown strategy (expected one of: ";
    for (size_t i = 0; strategy_registry[i]; i++) {
        strcat(want, i ? ", " : "");
        strcat(want, strategy_registry[i]->name);
    }
    strcat(want, ") (got \"bogus\")\n");
    expect_errors("{" BASE ", \"strategies\": [{\"name\": \"bogus\", \"zzz\": 1}]}", NULL, 0, want);
}
END_TEST

START_TEST(test_message_details)
{
    /* Long values are cut; containers are shown on one line; control bytes are escaped. */
    expect_errors("{" BASE ", \"description\": 12345678901234567890123456789012345678901234567890,"
                  " \"name\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa a\","
                  " \"app\": {\"nodes\": [1,\n   2,\n   {\"a\":   \"\\\"  b\"}  ]},"
                  " \"a\\u0001\": 1}", NULL, 0,
                  "sc.json:1:142: error: /description: expected a string (got 1234567890123456789012345678901234567890...)\n"
                  "sc.json:1:202: error: /name: expected a name of letters, digits, \".\", \"_\" and \"-\" that starts "
                  "with a letter or digit (at most 255 characters) (got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\")\n"
                  "sc.json:1:280: error: /app/nodes: expected an integer in [1, 1000000] (got [1, 2, {\"a\": \"\\\"  b\"}])\n"
                  "sc.json:3:26: error: /a\\u0001: unknown field (expected one of: name, description, seed, duration, "
                  "warmup, bin, drain, clients, keys, app, cache, db, faults, strategies, slo, recovery)\n");
}
END_TEST

START_TEST(test_read_errors)
{
    char *dir = tu_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char p[4200], want[8600];
    diag d = { 0 };
    snprintf(p, sizeof p, "%s/missing.json", dir);
    ck_assert_ptr_null(scenario_load(p, NULL, 0, &d));
    snprintf(want, sizeof want, "%s: error: cannot read: No such file or directory", p);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.msgs[0], want);
    diag_free(&d);

    ck_assert_ptr_null(scenario_load(dir, NULL, 0, &d));
    snprintf(want, sizeof want, "%s: error: cannot read: Is a directory", dir);
    ck_assert_str_eq(d.msgs[0], want);
    diag_free(&d);

    /* A sparse file just over the limit: refused before reading it. */
    snprintf(p, sizeof p, "%s/big.json", dir);
    int fd = open(p, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, ((off_t)64 << 20) + 1), 0);
    close(fd);
    ck_assert_ptr_null(scenario_load(p, NULL, 0, &d));
    snprintf(want, sizeof want, "%s: error: cannot read: the file is larger than 64 MiB", p);
    ck_assert_str_eq(d.msgs[0], want);
    diag_free(&d);

    /* NUL bytes, with the position of the first. */
    snprintf(p, sizeof p, "%s/nul.json", dir);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite("{\"a\": \"x\0y\"}", 1, 12, f);
    fclose(f);
    ck_assert_ptr_null(scenario_load(p, NULL, 0, &d));
    snprintf(want, sizeof want, "%s:1:9: error: invalid JSON: NUL byte in a string", p);
    ck_assert_str_eq(d.msgs[0], want);
    diag_free(&d);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

START_TEST(test_strategy_checks)
{
    expect_errors("{" BASE ", \"strategies\": [{\"name\": \"lock\", \"label\": \"a\", \"poll\": 0},\n"
                  "{\"name\": \"coalesce\", \"label\": \"a\", \"scope\": \"nodes\", \"max_wait\": \"1 s\"},\n"
                  "{\"name\": \"lock\", \"label\": \"-x\", \"stale_while_locked\": \"yes\"},\n"
                  "{\"label\": \"b\"}, []]}", NULL, 0,
                  "sc.json:1:181: error: /strategies/0/poll: expected a duration > 0 (got 0)\n"
                  "sc.json:2:31: error: /strategies/1/label: duplicate label \"a\", also used by /strategies/0; give "
                  "each a distinct \"label\"\n"
                  "sc.json:2:45: error: /strategies/1/scope: unknown value (did you mean \"node\"?) (got \"nodes\")\n"
                  "sc.json:2:66: error: /strategies/1/max_wait: expected a duration such as 30, \"250us\", \"20ms\", "
                  "\"1.5s\", \"2m\" or \"1h\" (got \"1 s\")\n"
                  "sc.json:3:27: error: /strategies/2/label: expected a name of letters, digits, \".\", \"_\" and "
                  "\"-\" that starts with a letter or digit (at most 255 characters) (got \"-x\")\n"
                  "sc.json:3:55: error: /strategies/2/stale_while_locked: expected true or false (got \"yes\")\n"
                  "sc.json:4:1: error: /strategies/3: missing required field \"name\"\n"
                  "sc.json:4:17: error: /strategies/4: expected an object such as {\"name\": \"none\"} (got [])\n");
}
END_TEST

/* ----------------------------------------------------------------- corpus */

/* Every tests/invalid/NAME.json against NAME.expected, loaded by the path the
 * end-to-end test gives the program (relative to the source tree). */
START_TEST(test_corpus)
{
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(tu_src()), 0);
    DIR *dir = opendir("tests/invalid");
    ck_assert_ptr_nonnull(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[600], exp[600];
        snprintf(path, sizeof path, "tests/invalid/%s", e->d_name);
        snprintf(exp, sizeof exp, "tests/invalid/%.*s.expected", (int)(len - 5), e->d_name);
        char *want = tu_slurp(exp);
        ck_assert_msg(want != NULL, "no %s", exp);
        diag d = { 0 };
        scenario *s = scenario_load(path, NULL, 0, &d);
        ck_assert_msg(s == NULL, "%s was accepted", path);
        size_t cap = 1;
        for (size_t i = 0; i < d.n; i++)
            cap += strlen("stampede: ") + strlen(d.msgs[i]) + 1;
        char *got = calloc(1, cap);
        ck_assert_ptr_nonnull(got);
        for (size_t i = 0; i < d.n; i++) {
            strcat(got, "stampede: ");
            strcat(got, d.msgs[i]);
            strcat(got, "\n");
        }
        ck_assert_msg(strcmp(got, want) == 0, "%s:\ngot:\n%swant:\n%s", path, got, want);
        free(got);
        free(want);
        diag_free(&d);
        n++;
    }
    closedir(dir);
    ck_assert_int_ge(n, 20);
    ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("duration");
    tcase_add_test(tc, test_duration_units);
    tcase_add_test(tc, test_duration_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("jsonloc");
    tcase_add_test(tc, test_jl_pointer_positions);
    tcase_add_test(tc, test_jl_linecol_end);
    tcase_add_test(tc, test_jl_duplicates);
    tcase_add_test(tc, test_jl_syntax_errors);
    tcase_add_test(tc, test_jl_depth_and_accepts);
    tcase_add_test(tc, test_jl_utf8);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_test(tc, test_full_scenario);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_arrival_kinds);
    tcase_add_test(tc, test_dists);
    tcase_add_test(tc, test_integers);
    suite_add_tcase(s, tc);

    tc = tcase_create("overrides");
    tcase_add_test(tc, test_set_values);
    tcase_add_test(tc, test_set_bad_paths);
    tcase_add_test(tc, test_slo_and_recovery);
    tcase_add_test(tc, test_set_errors_located);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_three_errors);
    tcase_add_test(tc, test_no_cascade);
    tcase_add_test(tc, test_message_details);
    tcase_add_test(tc, test_read_errors);
    tcase_add_test(tc, test_strategy_checks);
    suite_add_tcase(s, tc);

    tc = tcase_create("corpus");
    tcase_add_test(tc, test_corpus);
    suite_add_tcase(s, tc);
    return s;
}

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    return scenario_suite();
}
