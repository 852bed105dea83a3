/* schema.c - the sections of a scenario (name, keys, arrivals, bursts,
 * clients, cache, db, faults, slo, recovery) and the checks across fields,
 * from the root object down. */
#include "loader.h"

/* ---- the sections ------------------------------------------------------------- */

static void load_name(loader *L, const cJSON *root, scenario *s)
{
    const cJSON *v = scn_field(L, root, "name", false);
    if (v) {
        size_t m = scn_ptr_push(L, "name");
        if (scn_v_string(L, v)) {
            if (scn_valid_name(v->valuestring))
                s->name = scn_sdup(L, v->valuestring);
            else
                scn_report(L, R_GOT, NAME_HINT);
        }
        scn_ptr_pop(L, m);
        return;
    }
    /* The default: the file name without ".json". */
    const char *base = strrchr(L->file, '/');
    base = base ? base + 1 : L->file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    char *name = strndup(base, n);
    if (!name) {
        L->oom = true;
        return;
    }
    if (scn_valid_name(name))
        s->name = name;
    else {
        scn_report(L, 0, "missing field \"name\": the file name \"%s\" cannot name the results folder "
                     "(use letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit)", name);
        free(name);
    }
}

static void load_keys(loader *L, const cJSON *root, scenario *s)
{
    static const char *const fields[] = { "count", "popularity", NULL };
    static const char *const uniform[] = { "uniform", NULL };
    const char *pop_hint = "expected \"uniform\" or {\"zipf\": s}";
    L->keys_ok = true;
    const cJSON *k = scn_field(L, root, "keys", false);
    if (!k)
        return;
    size_t m = scn_ptr_push(L, "keys");
    if (!scn_v_object(L, k, NULL)) {
        L->keys_ok = false;
        scn_ptr_pop(L, m);
        return;
    }
    scn_check_fields(L, k, fields);
    if (scn_get_uint(L, k, "count", false, 1, MAX_KEYS, false, &s->keys.count) == BAD)
        L->keys_ok = false;
    const cJSON *p = scn_field(L, k, "popularity", false);
    if (p) {
        size_t m2 = scn_ptr_push(L, "popularity");
        if (cJSON_IsString(p) && strcmp(p->valuestring, "uniform") != 0) {
            const char *hint = scn_suggest(p->valuestring, uniform);
            if (hint)
                scn_report(L, R_GOT, "unknown value (did you mean \"%s\"?)", hint);
            else
                scn_report(L, R_GOT, "%s", pop_hint);
        } else if (cJSON_IsObject(p)) {
            static const char *const zf[] = { "zipf", NULL };
            scn_check_fields(L, p, zf);
            scn_get_number(L, p, "zipf", true, &NONNEG, &s->keys.zipf_s);
        } else if (!cJSON_IsString(p)) {
            scn_report(L, R_GOT, "%s", pop_hint);
        }
        scn_ptr_pop(L, m2);
    }
    if (s->keys.zipf_s > 0 && s->keys.count > ((uint64_t)1 << 52)) {
        size_t m3 = scn_ptr_push(L, "count");
        scn_report(L, R_GOT, "Zipf popularity draws keys exactly up to 2^52 (4503599627370496) keys");
        scn_ptr_pop(L, m3);
    }
    scn_ptr_pop(L, m);
}

static int cmp_step(const void *a, const void *b)
{
    const sched_step *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

static void load_schedule(loader *L, const cJSON *v, scenario *s)
{
    static const char *const fields[] = { "at", "rate", NULL };
    const char *shape = "expected a non-empty array of {\"at\": D, \"rate\": R}";
    if (!cJSON_IsArray(v) || !v->child) {
        scn_report(L, R_GOT, "%s", shape);
        return;
    }
    s->clients.steps = calloc(scn_count_items(v), sizeof *s->clients.steps);
    if (!s->clients.steps) {
        L->oom = true;
        return;
    }
    double prev = 0;
    bool have_prev = false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t m = scn_ptr_push_idx(L, i);
        if (scn_v_object(L, c, "expected an object {\"at\": D, \"rate\": R}")) {
            scn_check_fields(L, c, fields);
            sched_step st = { 0, 0 };
            int at = scn_get_duration(L, c, "at", true, &NONNEG, &st.at);
            scn_get_number(L, c, "rate", true, &NONNEG, &st.rate);
            if (at == SET) {
                if (have_prev && st.at <= prev) {
                    char a[40];
                    num_fmt_shortest(a, sizeof a, prev);
                    size_t m2 = scn_ptr_push(L, "at");
                    scn_report(L, R_GOT, "expected a duration > %s s, the previous step's \"at\"", a);
                    scn_ptr_pop(L, m2);
                }
                prev = st.at;
                have_prev = true;
            }
            s->clients.steps[s->clients.nsteps++] = st;
        }
        scn_ptr_pop(L, m);
    }
    qsort(s->clients.steps, s->clients.nsteps, sizeof *s->clients.steps, cmp_step);
}

/* NULL when path can be read as a stream of text: a file, a FIFO, a pipe or
 * a character device; else why not, in buf. */
static const char *unreadable(const char *path, char *buf, size_t n)
{
    struct stat st;
    const char *why = stat(path, &st) != 0 ? strerror(errno)
                    : S_ISDIR(st.st_mode) ? strerror(EISDIR)
                    : S_ISBLK(st.st_mode) ? "a block device, not a stream of text"
                    : NULL;
    /* A FIFO or a device is not opened to be checked: a FIFO's writer would
     * take the check for its reader and write into nothing. */
    if (!why && !S_ISREG(st.st_mode) && access(path, R_OK)) why = strerror(errno);
    int fd = why || !S_ISREG(st.st_mode) ? -1 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (!why && S_ISREG(st.st_mode) && fd < 0) why = strerror(errno);
    if (fd >= 0) close(fd);
    if (why) snprintf(buf, n, "%s", why);
    return why ? buf : NULL;
}

static void load_trace(loader *L, const cJSON *v, scenario *s)
{
    if (!cJSON_IsString(v) || !*v->valuestring) {
        scn_report(L, R_GOT, "expected the path of a CSV file");
        return;
    }
    /* Relative paths are relative to the scenario file's folder. */
    const char *t = v->valuestring, *slash = strrchr(L->file, '/');
    size_t dirlen = t[0] == '/' || !slash ? 0 : (size_t)(slash - L->file) + 1;
    char *path = malloc(dirlen + strlen(t) + 1);
    if (!path) {
        L->oom = true;
        return;
    }
    memcpy(path, L->file, dirlen);
    strcpy(path + dirlen, t);
    char why[128];
    if (unreadable(path, why, sizeof why))
        scn_report(L, R_GOT, "cannot read %s: %s", path, why);
    free(s->clients.trace);
    s->clients.trace = path;
}

static void load_arrivals(loader *L, const cJSON *a, scenario *s)
{
    /* Same order as enum arrivals_kind. */
    static const char *const kinds[] = { "rate", "schedule", "closed", "trace", NULL };
    static const char *const closed_fields[] = { "population", "think", NULL };
    scn_check_fields(L, a, kinds);
    const char *first = NULL;
    for (const cJSON *c = a->child; c; c = c->next) {
        int k = scn_index_of(c->string, kinds);
        if (k < 0)
            continue;
        size_t m = scn_ptr_push(L, c->string);
        if (!first) {
            first = c->string;
            s->clients.kind = (enum arrivals_kind)k;
        } else {
            scn_report(L, R_KEY, "conflicts with \"%s\": give exactly one of rate, schedule, closed or trace", first);
        }
        if (k == ARR_RATE) {
            scn_v_number(L, c, &POS, &s->clients.rate);
        } else if (k == ARR_SCHEDULE) {
            load_schedule(L, c, s);
        } else if (k == ARR_CLOSED) {
            if (scn_v_object(L, c, "expected an object {\"population\": N, \"think\": DIST}")) {
                scn_check_fields(L, c, closed_fields);
                scn_get_uint(L, c, "population", true, 1, MAX_POPULATION, false, &s->clients.population);
                scn_get_dist(L, c, "think", true, &s->clients.think);
            }
        } else {
            load_trace(L, c, s);
        }
        scn_ptr_pop(L, m);
    }
    if (!first)
        scn_report(L, 0, "missing required field: one of \"rate\", \"schedule\", \"closed\" or \"trace\"");
}

static void load_burst_key(loader *L, const cJSON *v, const scenario *s, burst *b)
{
    uint64_t x;
    if (cJSON_IsString(v) && strcmp(v->valuestring, "hot") == 0) {
        b->key = BURST_KEY_HOT;
    } else if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && scn_exact_uint(L, v, &x)
               && x <= INT64_MAX && (!L->keys_ok || x < s->keys.count)) {
        b->key = (int64_t)x;
    } else if (L->keys_ok) {
        scn_report(L, R_GOT, "expected \"hot\" or a key index in [0, %" PRIu64 "]", s->keys.count - 1);
    } else {
        scn_report(L, R_GOT, "expected \"hot\" or a key index >= 0");
    }
}

static void load_bursts(loader *L, const cJSON *v, scenario *s)
{
    static const char *const fields[] = { "at", "requests", "over", "key", NULL };
    if (!cJSON_IsArray(v)) {
        scn_report(L, R_GOT, "expected an array of {\"at\": D, \"requests\": N}");
        return;
    }
    size_t n = scn_count_items(v), i = 0;
    if (!n)
        return;
    s->clients.bursts = calloc(n, sizeof *s->clients.bursts);
    if (!s->clients.bursts) {
        L->oom = true;
        return;
    }
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t m = scn_ptr_push_idx(L, i);
        if (scn_v_object(L, c, "expected an object {\"at\": D, \"requests\": N}")) {
            scn_check_fields(L, c, fields);
            burst b = { .key = BURST_KEY_DRAWN };
            scn_get_duration(L, c, "at", true, &NONNEG, &b.at);
            scn_get_uint(L, c, "requests", true, 1, UINT64_MAX, false, &b.requests);
            scn_get_duration(L, c, "over", false, &NONNEG, &b.over);
            const cJSON *k = scn_field(L, c, "key", false);
            if (k) {
                size_t m2 = scn_ptr_push(L, "key");
                load_burst_key(L, k, s, &b);
                scn_ptr_pop(L, m2);
            }
            s->clients.bursts[s->clients.nbursts++] = b;
        }
        scn_ptr_pop(L, m);
    }
}

static void load_clients(loader *L, const cJSON *c, scenario *s)
{
    static const char *const fields[] = { "arrivals", "bursts", "timeout", "retries", "cancel", NULL };
    static const char *const retry_fields[] = { "max", "backoff", "multiplier", "jitter", "budget", NULL };
    static const char *const jitters[] = { "full", "none", NULL };
    /* Same order as enum cancel_kind. */
    static const char *const cancels[] = { "none", "queued", "all", NULL };
    scn_check_fields(L, c, fields);
    const cJSON *a = scn_field(L, c, "arrivals", true);
    if (a) {
        size_t m = scn_ptr_push(L, "arrivals");
        if (scn_v_object(L, a, "expected an object such as {\"rate\": 100}"))
            load_arrivals(L, a, s);
        scn_ptr_pop(L, m);
    }
    const cJSON *b = scn_field(L, c, "bursts", false);
    if (b) {
        size_t m = scn_ptr_push(L, "bursts");
        load_bursts(L, b, s);
        scn_ptr_pop(L, m);
    }
    int timeout = scn_get_duration(L, c, "timeout", false, &POS, &s->clients.timeout);
    int k;
    if (scn_get_enum(L, c, "cancel", cancels, &k) == SET) {
        s->clients.cancel = (enum cancel_kind)k;
        if (k != CANCEL_NONE && timeout == ABSENT) {
            size_t m = scn_ptr_push(L, "cancel");
            scn_report(L, R_GOT, "has no effect without a \"timeout\": a query is cancelled when an attempt waiting "
                             "on it times out");
            scn_ptr_pop(L, m);
        }
    }
    const cJSON *r = scn_field(L, c, "retries", false);
    if (r) {
        size_t m = scn_ptr_push(L, "retries");
        if (scn_v_object(L, r, "expected an object such as {\"max\": 3, \"backoff\": \"100ms\"}")) {
            scn_check_fields(L, r, retry_fields);
            uint64_t max;
            if (scn_get_uint(L, r, "max", true, 0, MAX_RETRIES, false, &max) == SET)
                s->clients.retries_max = (uint32_t)max;
            scn_get_duration(L, r, "backoff", false, &NONNEG, &s->clients.backoff);
            scn_get_number(L, r, "multiplier", false, &GE1, &s->clients.multiplier);
            int j;
            if (scn_get_enum(L, r, "jitter", jitters, &j) == SET)
                s->clients.full_jitter = j == 0;
            scn_get_number(L, r, "budget", false, &NONNEG, &s->clients.retry_budget);
        }
        scn_ptr_pop(L, m);
    }
}

static void load_cache(loader *L, const cJSON *c, scenario *s)
{
    static const char *const fields[] = { "latency", "ttl", "ttl_jitter", "initial", "timeout", NULL };
    /* Same order as enum initial_kind. */
    static const char *const initial[] = { "spread", "synchronized", "cold", NULL };
    scn_check_fields(L, c, fields);
    scn_get_dist(L, c, "latency", false, &s->cache.latency);
    scn_get_duration(L, c, "ttl", true, &NONNEG, &s->cache.ttl);
    scn_get_number(L, c, "ttl_jitter", false, &UNIT_OPEN, &s->cache.ttl_jitter);
    int k;
    if (scn_get_enum(L, c, "initial", initial, &k) == SET)
        s->cache.initial = (enum initial_kind)k;
    scn_get_duration(L, c, "timeout", false, &POS, &s->cache.timeout);
}

static void load_db(loader *L, const cJSON *d, scenario *s)
{
    static const char *const fields[] = { "workers", "queue_limit", "latency", "overload", "queue_timeout",
                                          "statement_timeout", NULL };
    static const char *const ofields[] = { "usl", NULL };
    static const char *const ufields[] = { "sigma", "kappa", NULL };
    scn_check_fields(L, d, fields);
    scn_get_uint(L, d, "workers", true, 1, UINT64_MAX, true, &s->db.workers);
    scn_get_uint(L, d, "queue_limit", false, 0, UINT64_MAX, true, &s->db.queue_limit);
    scn_get_dist(L, d, "latency", true, &s->db.latency);
    scn_get_duration(L, d, "queue_timeout", false, &POS, &s->db.queue_timeout);
    scn_get_duration(L, d, "statement_timeout", false, &POS, &s->db.statement_timeout);
    const cJSON *o = scn_field(L, d, "overload", false);
    if (!o)
        return;
    size_t m = scn_ptr_push(L, "overload");
    if (scn_v_object(L, o, "expected an object {\"usl\": {\"sigma\": S, \"kappa\": K}}")) {
        scn_check_fields(L, o, ofields);
        const cJSON *u = scn_field(L, o, "usl", true);
        if (u) {
            size_t m2 = scn_ptr_push(L, "usl");
            if (scn_v_object(L, u, "expected an object {\"sigma\": S, \"kappa\": K}")) {
                scn_check_fields(L, u, ufields);
                int a = scn_get_number(L, u, "sigma", true, &UNIT, &s->db.sigma);
                int b = scn_get_number(L, u, "kappa", true, &NONNEG, &s->db.kappa);
                s->db.usl = a == SET && b == SET;
            }
            scn_ptr_pop(L, m2);
        }
    }
    scn_ptr_pop(L, m);
}

const char *const scenario_trigger_names[TRIG_N] = {
#define X(id, name) name,
    TRIGGER_KINDS(X)
#undef X
};

static void load_faults(loader *L, const cJSON *v, scenario *s)
{
    /* Same order as enum fault_kind. */
    static const char *const types[] = {
#define X(id, name) name,
        FAULT_KINDS(X)
#undef X
        NULL,
    };
    static const char *const flush_fields[] = { "at", "type", NULL };
    static const char *const slow_fields[] = { "at", "until", "type", "factor", NULL };
    static const char *const cache_out_fields[] = { "at", "until", "type", "mode", "data", NULL };
    static const char *const db_out_fields[] = { "at", "until", "type", NULL };
    static const char *const crash_fields[] = { "at", "type", "node", "restart_after", NULL };
    static const char *const *const fields_of[] = { flush_fields, slow_fields, cache_out_fields, db_out_fields,
                                                    crash_fields };
    _Static_assert(sizeof fields_of / sizeof fields_of[0] == FAULT_NKINDS, "the fields of every fault kind");
    /* Same order as enum outage_mode. */
    static const char *const modes[] = { "error", "timeout", NULL };
    static const char *const datas[] = { "kept", "lost", NULL };
    if (!cJSON_IsArray(v)) {
        scn_report(L, R_GOT, "expected an array of faults such as {\"at\": D, \"type\": \"cache_flush\"}");
        return;
    }
    size_t n = scn_count_items(v), i = 0;
    if (!n)
        return;
    s->faults = calloc(n, sizeof *s->faults);
    if (!s->faults) {
        L->oom = true;
        return;
    }
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t m = scn_ptr_push_idx(L, i);
        if (scn_v_object(L, c, "expected an object such as {\"at\": D, \"type\": \"cache_flush\"}")) {
            const cJSON *t = scn_field(L, c, "type", true);
            int k = -1;
            if (t) {
                size_t m2 = scn_ptr_push(L, "type");
                k = scn_v_enum(L, t, "fault type", types);
                scn_ptr_pop(L, m2);
            }
            /* Without a known type the other fields mean nothing yet. */
            if (k >= 0) {
                fault f = { .kind = (enum fault_kind)k, .factor = 1, .restart_after = INFINITY };
                scn_check_fields(L, c, fields_of[k]);
                int at = scn_get_duration(L, c, "at", true, &NONNEG, &f.at);
                f.until = f.at;
                if (k == FAULT_DB_SLOWDOWN || k == FAULT_CACHE_OUTAGE || k == FAULT_DB_OUTAGE) {
                    int until = scn_get_duration(L, c, "until", true, &NONNEG, &f.until);
                    if (at == SET && until == SET && f.until <= f.at) {
                        char a[40];
                        num_fmt_shortest(a, sizeof a, f.at);
                        size_t m2 = scn_ptr_push(L, "until");
                        scn_report(L, R_GOT, "expected a duration > %s s, the \"at\"", a);
                        scn_ptr_pop(L, m2);
                    }
                }
                if (k == FAULT_DB_SLOWDOWN) scn_get_number(L, c, "factor", true, &POS, &f.factor);
                if (k == FAULT_CACHE_OUTAGE) {
                    int e;
                    if (scn_get_enum(L, c, "mode", modes, &e) == SET) f.mode = (enum outage_mode)e;
                    if (scn_get_enum(L, c, "data", datas, &e) == SET) f.data_lost = e == 1;
                    if (f.mode == OUTAGE_TIMEOUT && !(s->cache.timeout < INFINITY)) {
                        size_t m2 = scn_ptr_push(L, "mode");
                        scn_report(L, R_GOT, "expected \"error\": mode \"timeout\" needs cache.timeout (how long "
                                             "a cache operation waits before it fails)");
                        scn_ptr_pop(L, m2);
                    }
                }
                if (k == FAULT_NODE_CRASH) {
                    uint64_t node;
                    if (scn_get_uint(L, c, "node", true, 0, (uint64_t)s->app.nodes - 1, false, &node) == SET)
                        f.node = (uint32_t)node;
                    if (scn_get_duration(L, c, "restart_after", false, &POS, &f.restart_after) == SET)
                        f.until = f.at + f.restart_after;
                    else
                        f.until = INFINITY;
                }
                s->faults[s->nfaults++] = f;
            }
        }
        scn_ptr_pop(L, m);
    }
}


/* ---- checks across fields --------------------------------------------------- */

/* The size of a delay drawn from d: its value, or its scale (uniform: max). */
static double dist_scale(const dist *d)
{
    switch (d->kind) {
    case DIST_UNIFORM:
        return d->p2;
    case DIST_NORMAL:
        return d->p1 + d->p2;
    default:
        return d->p1;
    }
}

/* Reports a problem at the pointer made of segs (NULL-terminated). */
__attribute__((format(printf, 3, 4)))
static void report_at(loader *L, const char *const *segs, const char *fmt, ...)
{
    size_t m = L->ptr.len;
    for (size_t i = 0; segs[i]; i++)
        scn_ptr_push(L, segs[i]);
    va_list ap;
    va_start(ap, fmt);
    char *msg = scn_vformat(fmt, ap);
    va_end(ap);
    if (msg)
        scn_report(L, R_GOT, "%s", msg);
    else
        L->oom = true;
    free(msg);
    scn_ptr_pop(L, m);
}

/* Arrivals that can never happen: a rate so small that the time between
 * arrivals is infinite, schedule steps and bursts at or after duration, when
 * arrivals have stopped. */
static void check_arrivals_in_time(loader *L, const scenario *s)
{
    char d[40];
    num_fmt_shortest(d, sizeof d, s->duration);
    size_t m = scn_ptr_push(L, "clients");
    if (s->clients.kind == ARR_RATE && !isfinite(1 / s->clients.rate)) {
        size_t m2 = scn_ptr_push(L, "arrivals");
        scn_ptr_push(L, "rate");
        scn_report(L, R_GOT, "too small: the mean time between arrivals, 1/rate, is infinite");
        scn_ptr_pop(L, m2);
    }
    for (size_t i = 0; s->clients.kind == ARR_SCHEDULE && i < s->clients.nsteps; i++) {
        const sched_step *st = &s->clients.steps[i];   /* sorted: in file order once valid */
        bool late = st->at >= s->duration, tiny = st->rate > 0 && !isfinite(1 / st->rate);
        if (!late && !tiny)
            continue;
        size_t m2 = scn_ptr_push(L, "arrivals");
        scn_ptr_push(L, "schedule");
        scn_ptr_push_idx(L, i);
        scn_ptr_push(L, late ? "at" : "rate");
        if (late)
            scn_report(L, R_GOT, "expected a time < %s s, the \"duration\": a step at or after it never applies", d);
        else
            scn_report(L, R_GOT, "too small: the mean time between arrivals, 1/rate, is infinite");
        scn_ptr_pop(L, m2);
    }
    for (size_t i = 0; i < s->clients.nbursts; i++) {
        if (s->clients.bursts[i].at < s->duration)
            continue;
        size_t m2 = scn_ptr_push(L, "bursts");
        scn_ptr_push_idx(L, i);
        scn_ptr_push(L, "at");
        scn_report(L, R_GOT, "expected a time < %s s, the \"duration\": arrivals stop then, so the burst would send nothing",
               d);
        scn_ptr_pop(L, m2);
    }
    scn_ptr_pop(L, m);
}

/* A closed-loop client answered at once and thinking 0 s would send its next
 * request at the same instant, forever: simulated time would never move. */
static void check_closed_loop(loader *L, const scenario *s)
{
    static const char *const think[] = { "clients", "arrivals", "closed", "think", NULL };
    if (s->clients.kind != ARR_CLOSED || dist_scale(&s->clients.think) > 0 || dist_scale(&s->cache.latency) > 0)
        return;
    const char *why = s->cache.ttl > 0                 ? "a cache hit"
                    : s->db.queue_limit != UNLIMITED    ? "a query rejected by the full DB"
                    : dist_scale(&s->db.latency) <= 0   ? "a DB query of latency 0"
                                                        : NULL;
    if (why)
        report_at(L, think, "expected a think time > 0 when cache.latency is 0: a client answered at once "
                            "(%s) would send its next request at the same instant, forever", why);
}

#define RESOLUTION_MSG "shorter than %s s, the clock's resolution at t = %s s (the \"duration\"): " \
                       "such a delay would not move the clock"

static void check_cfg_resolution(loader *L, const strategy_cfg *c, double res, const char *rt, const char *dt);

/* The smallest delay that still moves the clock at every time up to the
 * duration: t + dt > t in double for t <= duration needs dt >= duration * 2^-52. */
static void check_resolution(loader *L, const scenario *s)
{
    double res = s->duration * 0x1p-52;
    char rt[40], dt[40];
    /* Shown rounded up to 3 digits, so that the value shown is itself enough. */
    double unit = pow(10, floor(log10(res)) - 2), up = ceil(res / unit) * unit;
    for (snprintf(rt, sizeof rt, "%.3g", up); strtod(rt, NULL) < res; snprintf(rt, sizeof rt, "%.3g", up))
        up += unit;
    num_fmt_shortest(dt, sizeof dt, s->duration);
    const struct { const char *const segs[5]; double x; } delays[] = {
        { { "cache", "latency", NULL }, dist_scale(&s->cache.latency) },
        { { "db", "latency", NULL }, dist_scale(&s->db.latency) },
        { { "clients", "arrivals", "closed", "think", NULL },
          s->clients.kind == ARR_CLOSED ? dist_scale(&s->clients.think) : 0 },
        { { "clients", "timeout", NULL }, s->clients.timeout },
        { { "clients", "retries", "backoff", NULL }, s->clients.backoff },
        { { "db", "queue_timeout", NULL }, s->db.queue_timeout },
        { { "db", "statement_timeout", NULL }, s->db.statement_timeout },
    };
    for (size_t i = 0; i < sizeof delays / sizeof *delays; i++)
        if (delays[i].x > 0 && delays[i].x < res)
            report_at(L, delays[i].segs, RESOLUTION_MSG, rt, dt);
    size_t m = scn_ptr_push(L, "strategies");
    for (size_t i = 0; i < s->nstrategies; i++) {
        size_t m2 = scn_ptr_push_idx(L, i);
        check_cfg_resolution(L, &s->strategies[i], res, rt, dt);
        scn_ptr_pop(L, m2);
    }
    scn_ptr_pop(L, m);
}

/* The duration parameters of a strategy (at the current pointer) and of the
 * strategies nested in it. */
static void check_cfg_resolution(loader *L, const strategy_cfg *c, double res, const char *rt, const char *dt)
{
    for (size_t k = 0; c->ops && c->params && k < c->ops->nparams; k++) {
        const param_spec *p = &c->ops->params[k];
        const char *at = (const char *)c->params + p->offset;
        double x;
        const strategy_cfg *inner;
        size_t m = scn_ptr_push(L, p->name);
        if (p->type == PARAM_DURATION) {
            memcpy(&x, at, sizeof x);
            if (x > 0 && x < res)
                scn_report(L, R_GOT, RESOLUTION_MSG, rt, dt);
        } else if (p->type == PARAM_STRATEGY) {
            memcpy(&inner, at, sizeof inner);
            if (inner)
                check_cfg_resolution(L, inner, res, rt, dt);
        }
        scn_ptr_pop(L, m);
    }
}
#undef RESOLUTION_MSG

/* "slo" and "recovery": what a good request is, and when a run is back to
 * normal after a trigger.  recovery.hold defaults to 10 bins. */
static void load_slo_recovery(loader *L, const cJSON *root, scenario *s)
{
    static const char *const slo_fields[] = { "latency", "target", NULL };
    static const char *const rec_fields[] = { "tolerance", "latency_factor", "hold", NULL };
    const cJSON *o = scn_field(L, root, "slo", false);
    if (o) {
        size_t m = scn_ptr_push(L, "slo");
        if (scn_v_object(L, o, "expected an object such as {\"latency\": \"200ms\", \"target\": 0.999}")) {
            scn_check_fields(L, o, slo_fields);
            scn_get_duration(L, o, "latency", false, &POS, &s->slo.latency);
            scn_get_number(L, o, "target", false, &UNIT_OPEN_BOTH, &s->slo.target);
        }
        scn_ptr_pop(L, m);
    }
    bool hold = false;
    if ((o = scn_field(L, root, "recovery", false))) {
        size_t m = scn_ptr_push(L, "recovery");
        if (scn_v_object(L, o, "expected an object such as {\"tolerance\": 0.01, \"latency_factor\": 2, \"hold\": \"10s\"}")) {
            scn_check_fields(L, o, rec_fields);
            scn_get_number(L, o, "tolerance", false, &UNIT, &s->recovery.tolerance);
            scn_get_number(L, o, "latency_factor", false, &GE1, &s->recovery.latency_factor);
            hold = scn_get_duration(L, o, "hold", false, &POS, &s->recovery.hold) == SET;
        }
        scn_ptr_pop(L, m);
    }
    if (!hold)
        s->recovery.hold = 10 * s->bin;
}

void scn_load_root(loader *L, const cJSON *root, scenario *s)
{
    static const char *const fields[] = {
        "name", "description", "seed", "duration", "warmup", "bin", "drain", "clients", "keys", "app",
        "cache", "db", "faults", "strategies", "slo", "recovery", NULL,
    };
    static const char *const app_fields[] = { "nodes", "on_cache_error", NULL };
    /* Same order as enum cache_error_kind. */
    static const char *const cache_errors[] = { "db", "error", NULL };
    if (!scn_v_object(L, root, NULL))
        return;
    scn_check_fields(L, root, fields);
    load_name(L, root, s);
    const cJSON *d = scn_field(L, root, "description", false);
    if (d) {
        size_t m = scn_ptr_push(L, "description");
        if (scn_v_string(L, d)) {
            bool one_line = true;
            for (const char *p = d->valuestring; *p; p++)
                one_line &= (unsigned char)*p >= 0x20 && *p != 0x7f;
            if (one_line) {
                free(s->description);
                s->description = scn_sdup(L, d->valuestring);
            } else {
                scn_report(L, R_GOT, "expected one line of text");
            }
        }
        scn_ptr_pop(L, m);
    }
    scn_get_uint(L, root, "seed", false, 0, UINT64_MAX, false, &s->seed);
    int dur = scn_get_duration(L, root, "duration", true, &POS, &s->duration);
    int warm = scn_get_duration(L, root, "warmup", false, &NONNEG, &s->warmup);
    int bin = scn_get_duration(L, root, "bin", false, &POS, &s->bin);
    static const range DRAIN = { 0, 1e15, false, false };
    int drain = scn_get_duration(L, root, "drain", false, &DRAIN, &s->drain);
    s->drain_given = drain == SET;
    if (dur == SET && bin != BAD && drain != SET) {
        /* DRAIN_FACTOR run lengths, within DRAIN_MAX_BINS rows in all */
        double room = DRAIN_MAX_BINS * s->bin - s->duration;
        s->drain = DRAIN_FACTOR * s->duration;
        if (s->drain > room) s->drain = room > 0 ? room : 0;
    }
    char a[40];
    if (dur == SET && s->duration < MIN_DURATION) {
        size_t m = scn_ptr_push(L, "duration");
        scn_report(L, R_GOT, "expected a duration >= 1ns: a shorter run would not move simulated time");
        scn_ptr_pop(L, m);
        dur = BAD;
    }
    if (dur == SET && warm == SET && s->warmup >= s->duration) {
        num_fmt_shortest(a, sizeof a, s->duration);
        size_t m = scn_ptr_push(L, "warmup");
        scn_report(L, R_GOT, "expected a duration < %s s, the \"duration\"", a);
        scn_ptr_pop(L, m);
    }
    if (dur == SET && bin != BAD && s->duration / s->bin > MAX_BINS) {
        num_fmt_shortest(a, sizeof a, s->duration / MAX_BINS);
        size_t m = scn_ptr_push(L, bin == SET ? "bin" : "duration");
        if (bin == SET)
            scn_report(L, R_GOT, "expected a duration >= %s s, for at most %.0f bins over the \"duration\"", a, MAX_BINS);
        else
            scn_report(L, R_GOT, "expected a duration <= %.0f s with the default \"bin\" of 1 s (at most %.0f bins)",
                   MAX_BINS, MAX_BINS);
        scn_ptr_pop(L, m);
    }
    load_keys(L, root, s);
    const struct { const char *name; void (*load)(loader *, const cJSON *, scenario *); } sections[] = {
        { "clients", load_clients }, { "cache", load_cache }, { "db", load_db },
    };
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
        const cJSON *v = scn_field(L, root, sections[i].name, true);
        if (!v)
            continue;
        size_t m = scn_ptr_push(L, sections[i].name);
        if (scn_v_object(L, v, NULL))
            sections[i].load(L, v, s);
        scn_ptr_pop(L, m);
    }
    const cJSON *app = scn_field(L, root, "app", false);
    if (app) {
        size_t m = scn_ptr_push(L, "app");
        uint64_t nodes;
        if (scn_v_object(L, app, NULL)) {
            scn_check_fields(L, app, app_fields);
            if (scn_get_uint(L, app, "nodes", false, 1, MAX_NODES, false, &nodes) == SET)
                s->app.nodes = (uint32_t)nodes;
            int e;
            if (scn_get_enum(L, app, "on_cache_error", cache_errors, &e) == SET)
                s->app.on_cache_error = (enum cache_error_kind)e;
        }
        scn_ptr_pop(L, m);
    }
    const cJSON *f = scn_field(L, root, "faults", false);
    if (f) {
        size_t m = scn_ptr_push(L, "faults");
        load_faults(L, f, s);
        scn_ptr_pop(L, m);
    }
    scn_load_strategies(L, root, s);
    load_slo_recovery(L, root, s);
    /* Checks across fields, on a scenario that is otherwise valid. */
    if (!L->npr && !L->oom) {
        check_closed_loop(L, s);
        check_arrivals_in_time(L, s);
        check_resolution(L, s);
    }
}
