/* fuzz_scenario.c - libFuzzer target for the scenario loader and --set.
 * An input is a JSON document, then optional lines "\n--set PATH=VALUE"; it is
 * loaded as the file "fuzz.json" with those overrides, and a scenario that
 * loads is checked against the limits and freed.  Any crash, leak, hang or
 * sanitizer report is a bug: the loader must answer every input with errors. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/budget.h"
#include "scenario/load.h"

#define MAX_SETS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first occurrence of the n-byte needle in [p, p+len), or NULL. */
static const char *find(const char *p, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(p + i, needle, n) == 0) return p + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char mark[] = "\n--set ";
    const size_t mlen = sizeof mark - 1;
    const char *text = (const char *)data;
    /* A trace path is opened to check it: keep away from devices. */
    if (find(text, size, "/dev/", 5) || find(text, size, "/proc/", 6) || find(text, size, "/sys/", 5)) return -1;
    const char *end = find(text, size, mark, mlen);
    size_t doclen = end ? (size_t)(end - text) : size;

    /* The --set lines, split at '=' as the command line does (NULs end them). */
    char *sets[MAX_SETS] = { 0 };
    override ovr[MAX_SETS];
    size_t novr = 0;
    for (size_t k = 0; end && k < MAX_SETS; k++) {
        const char *from = end + mlen, *stop = text + size;
        end = find(from, (size_t)(stop - from), mark, mlen);
        size_t n = (size_t)((end ? end : stop) - from);
        char *s = malloc(n + 1);
        if (!s) break;
        memcpy(s, from, n);
        s[n] = 0;
        sets[k] = s;
        char *eq = strchr(s, '=');
        if (!eq || eq == s) continue;   /* main.c refuses these before loading */
        *eq = 0;
        ovr[novr].path = s;
        ovr[novr++].value = eq + 1;
    }

    diag errs = { 0 };
    scenario *sc = scenario_load_text("fuzz.json", text, doclen, ovr, novr, &errs);
    if (sc) {
        char msg[2048];
        budget_check(sc, false, msg, sizeof msg);
        scenario_free(sc);
        if (errs.n) abort();   /* a scenario comes with no errors */
    } else if (!errs.n) {
        abort();               /* a refusal always says why */
    }
    diag_free(&errs);
    for (size_t i = 0; i < MAX_SETS; i++) free(sets[i]);
    return 0;
}
