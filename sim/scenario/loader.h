/* loader.h - inside the scenario loader (scenario/): its state, the problems
 * it collects and the helpers its files share.  Not for use outside
 * scenario/: the loader's interface is load.h.
 *
 * The loader is one concept per file:
 *   diag.c       the list of formatted errors handed back to the caller
 *   problems.c   each problem kept with its place, located and worded
 *                ("did you mean", the value as written, the JSON pointer),
 *                and the units guard's warnings
 *   values.c     typed values and fields: numbers, durations, enums, ranges,
 *                distributions
 *   schema.c     the sections of a scenario and the checks across fields
 *   params.c     the strategies: their parameter tables, defaults, labels
 *                and recompute
 *   overrides.c  --set overrides applied to the parsed tree
 *   labelpath.c  a strategy's label in a --set path turned into its position
 *   scenario.c   the loader: reading, duplicate keys, the problems sorted
 *                and emitted, freeing a scenario
 * cJSON stays inside scenario/ and base/jsonloc.c. */
#ifndef STAMPEDE_SCENARIO_LOADER_H
#define STAMPEDE_SCENARIO_LOADER_H

#include "load.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/numtext.h"
#include "base/jsonloc.h"
#include "base/strbuf.h"
#include "base/textin.h"
#include "strategies/registry.h"

#define MAX_FILE_BYTES ((size_t)64 << 20)
#define GOT_CHARS 40            /* longest value shown in "(got X)" */
#define PTR_SHOWN 200           /* longest pointer shown in a message */
#define NAME_MAX_LEN 255        /* a name is a folder name */
#define MIN_DURATION 1e-9       /* 1 ns, the histogram's finest latency: a run must last that long */
#define MAX_BINS 1e7            /* time-series rows a run may ask for */
#define MAX_RETRIES 65534       /* the model numbers attempts in 16 bits */
#define MAX_POPULATION 1000000000u
#define MAX_NODES 1000000u
#define MAX_KEYS UINT64_MAX   /* any 64-bit key space; Zipf draws exactly up to 2^52 keys (schema.c) */
#define MAX_PROBLEMS 1000       /* errors kept and shown; the rest are counted */

#define DURATION_HINT "expected a duration such as 30, \"250us\", \"20ms\", \"1.5s\", \"2m\" or \"1h\""
#define DIST_HINT "expected a duration such as \"20ms\" or a distribution such as " \
                  "{\"dist\": \"exponential\", \"mean\": \"20ms\"}"
#define NAME_HINT "expected a name of letters, digits, \".\", \"_\" and \"-\" that starts " \
                  "with a letter or digit (at most 255 characters)"

typedef struct range {
    double min, max;
    bool min_open, max_open;
} range;

/* A --set applied to the tree; errors at or below ptr are reported at it. */
typedef struct ovrec {
    char *ptr;            /* RFC 6901 pointer of the value it set */
    size_t idx;           /* position on the command line */
    const char *path;     /* as given */
    char *text;           /* the value's text (doc points into it) */
    jl_doc *doc;          /* when the value was JSON, else it is the string text */
    bool live;            /* false once a later --set replaced it or a parent */
} ovrec;

/* One error, sorted by (cls, pos, seq): cls 0 is in the file at byte pos,
 * cls 1 comes from the --set at position pos. */
typedef struct problem {
    int cls;
    size_t pos, seq;
    char *msg;
} problem;

typedef struct loader {
    const char *file;
    const char *text;
    size_t len;
    jl_doc *doc;
    ovrec *ov;
    size_t nov;
    problem *pr;
    size_t npr, cappr;
    strbuf ptr;               /* pointer of the value being checked */
    size_t dropped;       /* problems beyond MAX_PROBLEMS, counted only */
    bool oom;
    bool keys_ok;         /* keys.count is known (for burst keys) */
    diag *warns;          /* where warnings go, or NULL: none wanted */
} loader;

/* Where the value at a pointer came from, and its text as written. */
typedef struct where {
    bool found;
    const ovrec *ov;      /* the --set it came from, or NULL: the file */
    size_t off;           /* file: offset of the value (or its key) */
    const char *raw;      /* the value as written, rawlen bytes */
    size_t rawlen;
    const char *str;      /* a --set value taken as a string */
} where;

#define NONNEG ((const range){ 0, INFINITY, false, false })
#define POS ((const range){ 0, INFINITY, true, false })
#define UNIT ((const range){ 0, 1, false, false })
#define UNIT_OPEN ((const range){ 0, 1, false, true })
#define GE1 ((const range){ 1, INFINITY, false, false })
#define UNIT_OPEN_BOTH ((const range){ 0, 1, true, true })
enum { R_GOT = 1, R_KEY = 2 };     /* report flags: show the value; point at the key */
enum { BAD = -1, ABSENT = 0, SET = 1 };

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_alnum(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
static inline const char *cur_ptr(const loader *L) { return L->ptr.s ? L->ptr.s : ""; }

/* diag.c */
__attribute__((format(printf, 1, 0)))
char *scn_vformat(const char *fmt, va_list ap);

/* problems.c */
const char *scn_suggest(const char *s, const char *const *list);
void scn_add_problem(loader *L, int cls, size_t pos, strbuf *m);
bool scn_in_range(const range *r, double x);
int scn_index_of(const char *s, const char *const *list);
char *scn_join(loader *L, const char *const *list);
where scn_locate(const loader *L, const char *ptr, bool at_key);
void scn_ptr_escape(strbuf *b, const char *seg);
void scn_ptr_pop(loader *L, size_t mark);
size_t scn_ptr_push(loader *L, const char *seg);
size_t scn_ptr_push_idx(loader *L, size_t i);
void scn_range_text(char *buf, size_t n, const range *r);
__attribute__((format(printf, 3, 4)))
void scn_report(loader *L, int flags, const char *fmt, ...);
/* The units guard: a warning when v, at the current pointer, is a bare
 * number x of 10 or more in a latency or timeout field. */
void scn_warn_bare_seconds(loader *L, const cJSON *v, double x);
char *scn_sdup(loader *L, const char *s);
void scn_show_pointer(strbuf *m, const char *ptr);
void scn_show_raw(strbuf *m, const char *raw, size_t n);

/* values.c */
size_t scn_count_items(const cJSON *v);
bool scn_valid_name(const char *s);
const cJSON *scn_field(loader *L, const cJSON *obj, const char *name, bool required);
void scn_check_fields(loader *L, const cJSON *obj, const char *const *allowed);
bool scn_exact_uint(const loader *L, const cJSON *v, uint64_t *out);
int scn_get_dist(loader *L, const cJSON *obj, const char *name, bool req, dist *out);
int scn_get_duration(loader *L, const cJSON *obj, const char *name, bool req, const range *r, double *out);
int scn_get_enum(loader *L, const cJSON *obj, const char *name, const char *const *choices, int *out);
int scn_get_number(loader *L, const cJSON *obj, const char *name, bool req, const range *r, double *out);
int scn_get_uint(loader *L, const cJSON *obj, const char *name, bool req, uint64_t lo, uint64_t hi,
                    bool unlimited, uint64_t *out);
bool scn_v_duration(loader *L, const cJSON *v, const range *r, double *out, const char *hint);
int scn_v_enum(loader *L, const cJSON *v, const char *what, const char *const *choices);
bool scn_v_number(loader *L, const cJSON *v, const range *r, double *out);
bool scn_v_object(loader *L, const cJSON *v, const char *expected);
bool scn_v_string(loader *L, const cJSON *v);

/* schema.c */
void scn_load_root(loader *L, const cJSON *root, scenario *s);

/* params.c */
void scn_load_strategies(loader *L, const cJSON *root, scenario *s);

/* overrides.c */
void scn_apply_override(loader *L, cJSON *root, const override *o, size_t idx);

#endif
